"""The keyword search over reception matters, deputies, supervision matters, suggestions,
proposals and candidate projects: each kind is found by a word of its texts, within the
user's jurisdiction only, and keeps its words current through the workflow."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal import access, search
from stations import importer
from stations import workflow as stations_workflow
from stations.models import ReceptionMatter, Representative
from supervision import workflow as supervision_workflow
from supervision.suggestions import workflow as suggestions_workflow
from tests.factories import staff_with_role
from tests.stations.conftest import sworld, world  # noqa: F401  (fixtures)
from tests.suggestions.conftest import accepted, assigned, draft, gworld  # noqa: F401
from voting import workflow as voting_workflow
from voting.models import Cycle, Proposal

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 3, 1), datetime.date(2026, 12, 31)


def kind(key: str) -> search.Searchable:
    return {k.key: k for k in search.kinds()}[key]


def found(key: str, user, q: str) -> set[int]:
    rows = search.matching(kind(key).rows(user), q, user)
    return set(rows.values_list("pk", flat=True))


def test_every_kind_is_registered_with_a_table_and_in_order():
    keys = [k.key for k in search.kinds()]
    for key in ("receptions", "matters", "suggestions", "proposals", "candidates", "deputies"):
        assert key in keys
        assert reverse(kind(key).list_url)
    assert keys[0] == "petitions"


# --- reception matters -----------------------------------------------------------------------


def record(sw, actor, station, content, answer):
    return stations_workflow.reception_record(
        actor=actor, station_id=sw.stations[station].pk, date=timezone.localdate(),
        form="sitting", people_count=3, deputy_ids=[sw.deps[station].pk],
        matters=[stations_workflow.MatterInput(content=content, outcome="answered", answer=answer)],
    )  # fmt: skip


def test_reception_matter_is_found_by_its_content_and_answer(sworld):  # noqa: F811
    staff = sworld.base.users["township"]
    reception = record(sworld, staff, "a1", "村口路灯坏了，晚上出行不安全", "已联系电力所维修")
    matter = reception.matters.get()
    assert found("receptions", staff, "路灯") == {matter.pk}
    assert found("receptions", staff, "电力") == {matter.pk}
    assert found("receptions", staff, "垃圾") == set()
    entry = kind("receptions")
    assert entry.url(matter) == reverse("stations_desk:reception_edit", args=[reception.pk])
    assert "甲一镇中心联络站" in entry.title(matter)


def test_township_staff_never_finds_a_sibling_townships_reception_matter(sworld):  # noqa: F811
    r = sworld.base.regions
    sibling = staff_with_role(r["townA2"], username="m_township_a2")
    record(sworld, sibling, "a2", "村口路灯坏了", "已维修")
    assert found("receptions", sibling, "路灯")
    assert found("receptions", sworld.base.users["township"], "路灯") == set()


def test_replaced_matters_of_an_updated_reception_carry_their_own_words(sworld):  # noqa: F811
    staff = sworld.base.users["township"]
    reception = record(sworld, staff, "a1", "村口路灯坏了", "已联系电力所维修")
    stations_workflow.reception_update(
        actor=staff, reception_id=reception.pk, date=reception.date, form="sitting",
        people_count=3, deputy_ids=[sworld.deps["a1"].pk],
        matters=[stations_workflow.MatterInput(content="学校门口拥堵", outcome="answered",
                                               answer="已安排交警疏导")],
    )  # fmt: skip
    matter = ReceptionMatter.objects.get(reception=reception)
    assert found("receptions", staff, "拥堵") == {matter.pk}
    assert found("receptions", staff, "路灯") == set()


# --- deputies --------------------------------------------------------------------------------


def import_deputy(region, code, name, work_unit):
    csv = "编号,姓名,性别,手机,工作单位及职务,层级,届次,选举单位代码,选区,代表小组,联络站\n"
    csv += f"{code},{name},男,,{work_unit},乡,第十八届,{region.code},,,\n"
    importer.import_rows(importer.parse(csv.encode(), "csv"))
    return Representative.objects.get(id_code=code)


def test_deputy_is_found_by_name_and_work_unit_and_an_import_refreshes_it(sworld):  # noqa: F811
    r, staff = sworld.base.regions, sworld.base.users["township"]
    deputy = import_deputy(r["townA1"], "D-900", "王建国", "县交通运输局局长")
    assert found("deputies", staff, "王建国") == {deputy.pk}
    assert found("deputies", staff, "交通运输") == {deputy.pk}
    assert found("deputies", staff, "教育局") == set()
    assert kind("deputies").url(deputy) == reverse("stations_desk:archive", args=[deputy.pk])
    assert found("deputies", staff, "D-900") == {deputy.pk}  # the roster number typed whole

    import_deputy(r["townA1"], "D-900", "王建国", "县教育局副局长")
    assert found("deputies", staff, "教育局") == {deputy.pk}
    assert found("deputies", staff, "交通运输") == set()


def test_township_staff_never_finds_a_sibling_townships_deputy(sworld):  # noqa: F811
    r = sworld.base.regions
    import_deputy(r["townA2"], "D-901", "王建国", "镇农业办主任")
    assert found("deputies", sworld.base.users["county"], "王建国")
    assert found("deputies", sworld.base.users["township"], "王建国") == set()


# --- supervision matters ---------------------------------------------------------------------


def matter(staff, region, **kwargs):
    values = {"title": "菜市场改造", "description": "老菜市场污水横流，群众要求改造"}
    values.update(kwargs)
    return supervision_workflow.matter_create(actor=staff, region_id=region.pk, **values)


def test_matter_is_found_by_its_words_and_by_its_number(sworld):  # noqa: F811
    staff = sworld.base.users["township"]
    made = matter(staff, sworld.base.regions["townA1"])
    assert found("matters", staff, "污水") == {made.pk}
    assert found("matters", staff, "菜市场 改造") == {made.pk}
    assert found("matters", staff, "停车场") == set()
    assert found("matters", staff, f"#{made.pk}") == {made.pk}


def test_township_staff_never_finds_a_sibling_townships_matter(sworld):  # noqa: F811
    sibling = staff_with_role(sworld.base.regions["townA2"], username="m_township_a2")
    made = matter(sibling, sworld.base.regions["townA2"])
    assert found("matters", sibling, "污水") == {made.pk}
    assert found("matters", sworld.base.users["township"], "污水") == set()
    assert found("matters", sworld.base.users["township"], f"#{made.pk}") == set()


def test_the_study_explanation_of_a_matter_is_searchable_after_the_move(sworld):  # noqa: F811
    staff = sworld.base.users["township"]
    made = matter(staff, sworld.base.regions["townA1"])
    assert found("matters", staff, "幼儿园") == set()
    supervision_workflow.matter_study(
        actor=staff, matter_id=made.pk, studied_on=timezone.localdate(), decision="不列入督事",
        classification="explain", explanation="原址将扩建幼儿园，菜市场另行选址",
    )  # fmt: skip
    assert found("matters", staff, "幼儿园") == {made.pk}


# --- deputies' suggestions -------------------------------------------------------------------


def test_suggestion_is_found_by_its_words_and_an_edit_refreshes_them(gworld):  # noqa: F811
    deputy = gworld.users["deputy"]
    suggestion = draft(gworld, title="小区加装电梯", content="老旧小区加装电梯，方便老人出行")
    assert found("suggestions", deputy, "电梯") == {suggestion.pk}
    assert found("suggestions", deputy, "垃圾") == set()
    suggestions_workflow.suggestion_update(
        actor=deputy, suggestion_id=suggestion.pk, title="垃圾分类",
        content="建议推行垃圾分类", category="environment",
    )  # fmt: skip
    assert found("suggestions", deputy, "垃圾 分类") == {suggestion.pk}
    assert found("suggestions", deputy, "电梯") == set()


def test_a_reply_makes_its_words_searchable(gworld):  # noqa: F811
    suggestion = assigned(gworld)
    county = gworld.users["county"]
    assert found("suggestions", county, "公交公司") == set()
    suggestions_workflow.suggestion_reply(
        actor=gworld.users["handler"], suggestion_id=suggestion.pk, reply_class="A",
        text="已协调公交公司加开班车。", signed_off_by="李局长",
    )  # fmt: skip
    assert found("suggestions", county, "公交公司") == {suggestion.pk}


def test_suggestion_number_typed_whole_finds_it(gworld):  # noqa: F811
    suggestion = accepted(gworld)
    county = gworld.users["county"]
    assert suggestion.number == 1
    assert found("suggestions", county, "第1号") == {suggestion.pk}
    assert found("suggestions", county, "1号") == {suggestion.pk}
    assert found("suggestions", county, "第2号") == set()
    unnumbered = draft(gworld, session_id=None, region_id=gworld.regions["countyA"].pk)
    deputy = gworld.users["deputy"]
    assert found("suggestions", deputy, f"未编号-{unnumbered.pk}") == {unnumbered.pk}


def test_township_staff_never_finds_a_sibling_townships_suggestion(gworld):  # noqa: F811
    own = draft(gworld, title="小区加装电梯")
    sibling = draft(gworld, actor="deputy3", title="小区加装电梯")
    for suggestion in (own, sibling):
        suggestions_workflow.suggestion_submit(
            actor=suggestion.lead.user, suggestion_id=suggestion.pk
        )
    assert found("suggestions", gworld.users["township"], "电梯") == {own.pk}
    assert found("suggestions", gworld.users["township2"], "电梯") == {sibling.pk}
    assert found("suggestions", gworld.users["county"], "电梯") == {own.pk, sibling.pk}


# --- proposals and candidate projects --------------------------------------------------------


def cycle(staff, region):
    return voting_workflow.cycle_create(
        actor=staff, region_id=region.pk, year=2026, title="民生实事"
    )


def propose(made, title="建议修建停车场", description="建议修建停车场缓解停车难"):
    return voting_workflow.proposal_submit(
        cycle_id=made.pk, source=Proposal.Source.CITIZEN, title=title, description=description
    )


def candidate(staff, made, **kwargs):
    values = {"title": "养老服务中心", "description": "新建养老服务中心建设", "budget": "100",
              "department": made.region.departments.first(), "starts_on": START, "ends_on": END}  # fmt: skip
    values.update(kwargs)
    return voting_workflow.candidate_create(actor=staff, cycle_id=made.pk, **values)


def test_proposal_is_found_and_its_decline_reason_after_the_move(sworld):  # noqa: F811
    staff = sworld.base.users["township"]
    made = cycle(staff, sworld.base.regions["townA1"])
    proposal = propose(made)
    assert found("proposals", staff, "停车场") == {proposal.pk}
    assert found("proposals", staff, "幼儿园") == set()
    assert kind("proposals").url(proposal) == reverse("voting_desk:cycle", args=[made.pk])
    voting_workflow.proposal_decline(
        actor=staff, proposal_id=proposal.pk, reason="已列入幼儿园规划"
    )
    assert found("proposals", staff, "幼儿园") == {proposal.pk}


def test_township_staff_never_finds_a_sibling_townships_proposal(sworld):  # noqa: F811
    sibling = staff_with_role(sworld.base.regions["townA2"], username="m_township_a2")
    proposal = propose(cycle(sibling, sworld.base.regions["townA2"]))
    assert found("proposals", sibling, "停车场") == {proposal.pk}
    assert found("proposals", sworld.base.users["township"], "停车场") == set()


def test_candidate_is_found_and_an_update_refreshes_its_words(sworld):  # noqa: F811
    staff = sworld.base.users["township"]
    made = cycle(staff, sworld.base.regions["townA1"])
    voting_workflow.cycle_advance(actor=staff, cycle_id=made.pk, to=Cycle.Stage.SHORTLIST)
    project = candidate(staff, made)
    assert found("candidates", staff, "养老") == {project.pk}
    assert found("candidates", staff, "礼堂") == set()
    assert kind("candidates").url(project) == reverse("voting_desk:cycle", args=[made.pk])
    voting_workflow.candidate_update(
        actor=staff, candidate_id=project.pk, title="文化礼堂", description="新建农村文化礼堂",
        budget="80", department=made.region.departments.first(), starts_on=START, ends_on=END,
    )  # fmt: skip
    assert found("candidates", staff, "礼堂") == {project.pk}
    assert found("candidates", staff, "养老") == set()


def test_township_staff_never_finds_a_sibling_townships_candidate(sworld):  # noqa: F811
    r = sworld.base.regions
    sibling = staff_with_role(r["townA2"], username="m_township_a2")
    made = cycle(sibling, r["townA2"])
    voting_workflow.cycle_advance(actor=sibling, cycle_id=made.pk, to=Cycle.Stage.SHORTLIST)
    project = candidate(sibling, made)
    assert found("candidates", sibling, "养老") == {project.pk}
    assert found("candidates", sworld.base.users["township"], "养老") == set()
    assert access.visible(sworld.base.users["county"], type(project).objects.all()).exists()
