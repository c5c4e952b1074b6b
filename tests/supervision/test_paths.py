"""Paths the first tests left open: foreign regions and roles for each office act, bad input,
linking more issues, issues that follow their matter, and lists at two sizes."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework.test import APIClient

from petitions import workflow as petitions_workflow
from petitions.models import Petition
from portal import access
from portal.errors import DomainError
from supervision import queries, workflow
from supervision.models import Evaluation, GroupMember, Matter, MatterIssue
from tests.errors import field_names
from tests.factories import UserFactory, staff_with_role
from tests.supervision.conftest import future, matter_in_handling, three_issues, today

State = Matter.State


def listed(mworld, region="townA1", actor=None):
    actor = actor or mworld.users["township"]
    return workflow.matter_create(actor=actor, region_id=mworld.regions[region].pk,
                                  title="议题", description="说明")  # fmt: skip


# --- issues follow their matter ------------------------------------------------------------


def test_the_office_cannot_accept_or_answer_an_issue_that_follows_its_matter(mworld):
    staff = mworld.users["township"]
    matter = matter_in_handling(mworld)
    petition_id = matter.links.first().petition_id
    for act in (
        lambda: petitions_workflow.petition_accept(actor=staff, petition_id=petition_id),
        lambda: petitions_workflow.petition_answer(actor=staff, petition_id=petition_id, text="x"),
        lambda: petitions_workflow.petition_reject(actor=staff, petition_id=petition_id,
                                                   reason="x"),
    ):  # fmt: skip
        with pytest.raises(DomainError):
            act()
    assert Petition.objects.get(pk=petition_id).state == Petition.State.ESCALATED
    api = APIClient()
    api.force_authenticate(staff)
    assert (
        api.post(f"/api/v1/petitions/{petition_id}/accept/", {}, format="json").status_code == 400
    )


def test_an_issue_handed_back_for_ordinary_handling_can_join_a_later_matter(mworld):
    staff = mworld.users["township"]
    issue = three_issues(mworld)[0]
    first = workflow.matter_create(actor=staff, region_id=mworld.regions["townA1"].pk,
                                   title="一", description="一", petition_ids=[issue.pk])  # fmt: skip
    workflow.matter_study(actor=staff, matter_id=first.pk, studied_on=today(), decision="一般",
                          classification="ordinary")  # fmt: skip
    assert not MatterIssue.objects.filter(matter=first).exists()
    later = workflow.matter_create(actor=staff, region_id=mworld.regions["townA1"].pk,
                                   title="二", description="二", petition_ids=[issue.pk])  # fmt: skip
    assert later.links.get().petition_id == issue.pk


# --- the office's acts against foreign regions and roles -----------------------------------


@pytest.mark.parametrize(
    "act",
    [
        lambda m, u: workflow.matter_study(actor=u, matter_id=m.pk, studied_on=today(),
                                           decision="d", classification="supervise"),
        lambda m, u: workflow.matter_publish(actor=u, matter_id=m.pk, title="t", summary="s"),
        lambda m, u: workflow.matter_link_issues(actor=u, matter_id=m.pk, petition_ids=[1]),
    ],
)  # fmt: skip
def test_office_acts_by_region_and_role(mworld, act):
    matter = listed(mworld)
    sibling = staff_with_role(mworld.regions["townA2"], username="m_township2")
    village = staff_with_role(mworld.regions["villageA1"], username="m_village")
    with pytest.raises(Http404):
        act(matter, sibling)  # a sibling township sees nothing
    with pytest.raises(Http404):
        act(matter, village)  # a village below sees nothing above it
    with pytest.raises(PermissionDenied):
        act(matter, mworld.users["viewer"])  # sees, may not act
    with pytest.raises(Http404):
        act(matter, mworld.users["deputy3"])
    matter.refresh_from_db()
    assert matter.state == State.LISTED


def test_the_county_office_acts_on_its_townships_matter(mworld):
    matter = listed(mworld)
    workflow.matter_study(actor=mworld.users["county"], matter_id=matter.pk, studied_on=today(),
                          decision="县里研究", classification="supervise")  # fmt: skip
    matter.refresh_from_db()
    assert matter.state == State.ORGANIZING


def test_a_matter_is_made_for_a_township_or_above_in_ones_own_jurisdiction(mworld):
    staff = mworld.users["township"]
    for region in ("villageA1", "townA2", "countyA"):
        with pytest.raises(DomainError) as refused:
            listed(mworld, region, actor=staff)
        assert refused.value.field == "region"
    assert (
        listed(mworld, "countyA", actor=mworld.users["county"]).region == mworld.regions["countyA"]
    )
    assert not Matter.objects.filter(region=mworld.regions["villageA1"]).exists()


def test_a_deputy_outside_the_group_cannot_evaluate(mworld):
    matter = matter_in_handling(mworld, issues=[])
    workflow.matter_report_completion(actor=mworld.users["township"], matter_id=matter.pk,
                                      report="完成")  # fmt: skip
    with pytest.raises(Http404):
        workflow.matter_evaluate(actor=mworld.users["deputy2"], matter_id=matter.pk,
                                 round_number=1, verdict="satisfied", checked_on=today(),
                                 findings="f", result="r")  # fmt: skip


# --- bad input -----------------------------------------------------------------------------


def test_bad_input_to_create_is_refused_and_stores_nothing(mworld):
    staff = mworld.users["township"]
    region = mworld.regions["townA1"].pk
    cases = [
        ({"title": "长" * 101}, "title"),
        ({"title": "  "}, "title"),
        ({"description": "长" * 5001}, "description"),
        ({"petition_ids": list(range(1, 502))}, "petitions"),
        ({"source": "rumour"}, "source"),
    ]
    for change, field in cases:
        values = {"title": "题", "description": "说明", **change}
        with pytest.raises(DomainError) as refused:
            workflow.matter_create(actor=staff, region_id=region, **values)
        assert refused.value.field == field
    assert not Matter.objects.exists()


def test_bad_evaluations_are_refused(mworld):
    staff = mworld.users["township"]
    matter = matter_in_handling(mworld, issues=[])
    workflow.matter_report_completion(actor=staff, matter_id=matter.pk, report="完成")
    base = {"actor": staff, "matter_id": matter.pk, "checked_on": today(), "findings": "f"}
    with pytest.raises(DomainError):
        workflow.matter_evaluate(round_number=2, verdict="satisfied", result="r", **base)
    with pytest.raises(DomainError) as no_due:
        workflow.matter_evaluate(round_number=1, verdict="unsatisfied", rectification="r", **base)
    assert no_due.value.field == "new_due_on"
    with pytest.raises(DomainError) as far:
        workflow.matter_evaluate(round_number=1, verdict="unsatisfied", rectification="r",
                                 new_due_on=future(400), **base)  # fmt: skip
    assert far.value.field == "new_due_on"
    with pytest.raises(DomainError) as verdict:
        workflow.matter_evaluate(round_number=1, verdict="maybe", result="r", **base)
    assert verdict.value.field == "verdict"
    matter.refresh_from_db()
    assert matter.state == State.EVALUATING
    assert not Evaluation.objects.filter(round__matter=matter).exists()


def test_work_is_logged_only_while_supervised_and_not_in_the_future(mworld):
    staff = mworld.users["township"]
    matter = listed(mworld)
    with pytest.raises(DomainError):
        workflow.matter_log(actor=staff, matter_id=matter.pk, kind="note", happened_on=today(),
                            text="x")  # fmt: skip
    handling = matter_in_handling(mworld, issues=[])
    with pytest.raises(DomainError) as future_date:
        workflow.matter_log(actor=staff, matter_id=handling.pk, kind="note",
                            happened_on=future(1), text="x")  # fmt: skip
    assert future_date.value.field == "happened_on"


def test_group_formation_with_an_ineligible_member_stores_nothing(mworld):
    staff = mworld.users["township"]
    matter = listed(mworld)
    workflow.matter_study(actor=staff, matter_id=matter.pk, studied_on=today(), decision="d",
                          classification="supervise")  # fmt: skip
    with pytest.raises(DomainError):
        workflow.matter_form_group(actor=staff, matter_id=matter.pk, duties="",
                                   members=[(staff.pk, "leader", ""),
                                            (mworld.users["deputy3"].pk, "member", "")])  # fmt: skip
    assert not hasattr(Matter.objects.get(pk=matter.pk), "group")
    assert not access.can(mworld.users["deputy3"], access.VIEW, matter)


def test_members_stay_as_they_were_on_a_closed_matter(mworld):
    staff = mworld.users["township"]
    matter = matter_in_handling(mworld, issues=[])
    workflow.matter_report_completion(actor=staff, matter_id=matter.pk, report="完成")
    workflow.matter_evaluate(actor=staff, matter_id=matter.pk, round_number=1,
                             verdict="satisfied", checked_on=today(), findings="f", result="r")  # fmt: skip
    member = GroupMember.objects.get(group__matter=matter, user=mworld.users["deputy"])
    with pytest.raises(DomainError):
        workflow.matter_remove_member(actor=staff, matter_id=matter.pk, member_id=member.pk)
    assert access.can(mworld.users["deputy"], access.VIEW, matter)


# --- linking more issues -------------------------------------------------------------------


def test_linking_more_issues_to_an_open_matter(mworld, client):
    staff = mworld.users["township"]
    matter = matter_in_handling(mworld, issues=[])
    more = three_issues(mworld)
    client.force_login(staff)
    url = f"/desk/matters/{matter.pk}/link/"
    bad = client.post(url, {"codes": f"{more[0].tracking_code} NOSUCHCODE1"})
    assert bad.status_code == 400 and not matter.links.exists()
    ok = client.post(url, {"codes": " ".join(p.tracking_code for p in more[:2])})
    assert ok.status_code == 302 and matter.links.count() == 2
    sibling_staff = staff_with_role(mworld.regions["townA2"], username="m_township2")
    from tests.petitions.conftest import submit

    theirs = submit(mworld.p, region_key="townA2", citizen_phone="13800002222")
    with pytest.raises(DomainError):  # the county office sees both, the regions differ
        workflow.matter_link_issues(actor=mworld.users["county"], matter_id=matter.pk,
                                    petition_ids=[theirs.pk])  # fmt: skip
    assert sibling_staff and matter.links.count() == 2


def test_no_issue_is_linked_to_a_closed_matter(mworld):
    staff = mworld.users["township"]
    matter = matter_in_handling(mworld, issues=[])
    workflow.matter_report_completion(actor=staff, matter_id=matter.pk, report="完成")
    workflow.matter_evaluate(actor=staff, matter_id=matter.pk, round_number=1,
                             verdict="satisfied", checked_on=today(), findings="f", result="r")  # fmt: skip
    issue = three_issues(mworld)[0]
    with pytest.raises(DomainError):
        workflow.matter_link_issues(actor=staff, matter_id=matter.pk, petition_ids=[issue.pk])
    assert Petition.objects.get(pk=issue.pk).state == Petition.State.SUBMITTED


# --- the API's other actions ---------------------------------------------------------------


def test_the_api_walks_study_group_members_log_and_publish(mworld):
    staff, deputy = mworld.users["township"], mworld.users["deputy"]
    api = APIClient()
    api.force_authenticate(staff)
    matter = listed(mworld)
    base = f"/api/v1/supervision-matters/{matter.pk}"
    assert api.post(f"{base}/study/", {"studied_on": today().isoformat(), "decision": "研究",
                                       "classification": "supervise"}, format="json").status_code == 200  # fmt: skip
    bad = api.post(f"{base}/group/", {"members": []}, format="json")
    assert bad.status_code == 400 and "members" in field_names(bad)
    assert api.post(f"{base}/group/", {"duties": "督办", "members": [
        {"user": staff.pk, "role": "leader"}]}, format="json").status_code == 200  # fmt: skip
    assert api.post(f"{base}/members/", {"user": deputy.pk}, format="json").status_code == 200
    member = GroupMember.objects.get(group__matter=matter, user=deputy)
    api.force_authenticate(deputy)
    assert api.post(f"{base}/log/", {"kind": "note", "happened_on": today().isoformat(),
                                     "text": "走访"}, format="json").status_code == 200  # fmt: skip
    api.force_authenticate(staff)
    assert api.post(f"{base}/leave/", {"member": member.pk}, format="json").status_code == 200
    api.force_authenticate(deputy)
    assert api.get(f"{base}/").status_code == 404
    api.force_authenticate(staff)
    refused = api.post(f"{base}/publish/", {"title": "t", "summary": "s"}, format="json")
    assert refused.status_code == 400


# --- lists at two sizes --------------------------------------------------------------------


def test_api_list_costs_the_same_whatever_its_length(mworld, django_assert_num_queries):
    staff = mworld.users["township"]
    api = APIClient()
    api.force_authenticate(staff)
    matter_in_handling(mworld, issues=[])
    api.get("/api/v1/supervision-matters/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        api.get("/api/v1/supervision-matters/")
    for _ in range(5):
        matter_in_handling(mworld, issues=[])
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(api.get("/api/v1/supervision-matters/").json()["results"]) == 6


def test_the_matter_page_costs_the_same_whatever_the_candidates(mworld, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff = mworld.users["township"]
    matter = listed(mworld)
    workflow.matter_study(actor=staff, matter_id=matter.pk, studied_on=today(), decision="d",
                          classification="supervise")  # fmt: skip
    client.force_login(staff)
    client.get(f"/desk/matters/{matter.pk}/")
    with CaptureQueriesContext(connection) as few:
        before = client.get(f"/desk/matters/{matter.pk}/").content.decode()
    for i in range(10):
        UserFactory(username=f"presidium{i}", kind="staff", region=mworld.regions["townA1"])
    with CaptureQueriesContext(connection) as many:
        page = client.get(f"/desk/matters/{matter.pk}/")
    after = page.content.decode()
    assert after.count('name="members"') == before.count('name="members"') + 10
    assert len(many.captured_queries) == len(few.captured_queries)


def test_statistics_cost_the_same_for_one_or_three_roots(mworld, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    one = staff_with_role(mworld.regions["townA1"], username="m_one")
    three = staff_with_role(mworld.regions["townA1"], username="m_three")
    access.grant_role(three, mworld.regions["townA2"], access.Role.STAFF)
    access.grant_role(three, mworld.regions["townB1"], access.Role.STAFF)
    counts = []
    for user in (one, three):
        client.force_login(user)
        client.get("/desk/matters/statistics/")
        with CaptureQueriesContext(connection) as run:
            assert client.get("/desk/matters/statistics/").status_code == 200
        counts.append(len(run.captured_queries))
    assert counts[0] == counts[1]
    assert queries.matter_statistics([], today(), today()) == []


# --- what the citizen reads ------------------------------------------------------------------


def test_the_tracking_page_shows_the_supervision_groups_result(mworld, client):
    from django.utils.translation import gettext as _

    from petitions import tracking
    from petitions.models import PetitionReply

    staff, handler = mworld.users["township"], mworld.p.handlers["townA1"]
    matter = matter_in_handling(mworld)
    workflow.matter_report_completion(actor=handler, matter_id=matter.pk, report="增加两班")
    workflow.matter_evaluate(
        actor=staff, matter_id=matter.pk, round_number=1, verdict="satisfied",
        checked_on=today(), findings="早班不再拥挤（组内记录）", result="已增加早班公交两班，群众满意",
    )  # fmt: skip
    petition = Petition.objects.get(pk=matter.links.order_by("pk").first().petition_id)
    assert petition.state == Petition.State.RESOLVED
    response = client.post(
        "/petitions/track/", {"code": petition.tracking_code, "digits": petition.citizen_phone[-4:]}
    )
    assert response.status_code == 200 and response.context["petition"] == petition
    page = response.content.decode()
    assert "已增加早班公交两班，群众满意" in page
    assert str(PetitionReply.Kind.SUPERVISION.label) in page  # 督事结果
    assert _("Closed as resolved") in page
    assert "早班不再拥挤（组内记录）" not in page  # the group's own findings stay inside
    code = petition.tracking_code
    by_link = client.get(f"/petitions/track/{code}/{tracking.link_token(code)}/")
    assert "已增加早班公交两班，群众满意" in by_link.content.decode()
