"""The staff table of supervision matters (``supervision.tables``): who sees which matters,
sorting, the keyword, the presets, a wrong filter, the Excel export and a fixed number of
queries."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from supervision import workflow
from supervision.models import Matter
from tests.supervision.conftest import future, matter_in_handling, today

LIST = "/desk/matters/"


@pytest.fixture
def matters(mworld):
    """townA1: one matter in handling (m_deputy's group, townA1's unit) and one listed;
    townA2 (the sibling township): one listed."""
    staff = mworld.users["township"]
    handling = matter_in_handling(mworld, issues=[])
    listed = workflow.matter_create(actor=staff, region_id=mworld.regions["townA1"].pk,
                                    title="待研究的事项", description="说明")  # fmt: skip
    sibling = workflow.matter_create(actor=mworld.users["county"],
                                     region_id=mworld.regions["townA2"].pk,
                                     title="乙镇事项", description="说明")  # fmt: skip
    mworld.m = {"handling": handling, "listed": listed, "sibling": sibling}
    return mworld


def listed(response) -> list[int]:
    assert response.status_code == 200, response.content[:300]
    return [r["pk"] for r in response.context["rows"]]


def test_each_role_sees_its_own_matters_and_never_a_sibling_townships(client, matters):
    m = {key: matter.pk for key, matter in matters.m.items()}
    cases = {
        matters.users["county"]: {m["handling"], m["listed"], m["sibling"]},
        matters.users["township"]: {m["handling"], m["listed"]},
        matters.users["deputy"]: {m["handling"]},  # a member of its group
        matters.users["deputy3"]: set(),  # townA2's deputy in no group
        matters.p.handlers["townA1"]: {m["handling"]},  # the responsible unit
        matters.p.handlers["townA2"]: set(),
    }
    for user, expected in cases.items():
        client.force_login(user)
        assert set(listed(client.get(LIST))) == expected, user.username


def test_township_cannot_filter_a_sibling_township(client, matters):
    client.force_login(matters.users["township"])
    response = client.get(LIST, {"region": matters.regions["townA2"].pk})
    assert "region" in response.context["filter_errors"] and listed(response) == []
    assert "region" in [f.name for f in response.context["filter_fields"]]
    client.force_login(matters.users["deputy"])  # no office: no region box
    assert "region" not in [f.name for f in client.get(LIST).context["filter_fields"]]


def test_sort_keyword_and_a_wrong_sort(client, matters):
    m = matters.m
    client.force_login(matters.users["county"])
    ids = sorted(matter.pk for matter in m.values())
    assert listed(client.get(LIST, {"ordering": "number"})) == ids
    assert listed(client.get(LIST, {"ordering": "-number"})) == ids[::-1]
    assert listed(client.get(LIST, {"q": "乙镇"})) == [m["sibling"].pk]
    assert listed(client.get(LIST, {"q": str(m["listed"].pk)})) == [m["listed"].pk]
    wrong = client.get(LIST, {"ordering": "title"})
    assert "ordering" in wrong.context["filter_errors"] and listed(wrong) == []


@pytest.mark.parametrize(
    "params", [{"due_soon": "maybe"}, {"todo": "x"}, {"state": "nope"}, {"cycle": "1"}]
)
def test_a_wrong_filter_lists_nothing_and_names_the_parameter(client, matters, params):
    client.force_login(matters.users["county"])
    response = client.get(LIST, params)
    assert list(response.context["filter_errors"]) == list(params)
    assert listed(response) == []
    assert 'id="filter-errors"' in response.content.decode()


def test_presets_my_to_do_due_soon_and_overdue(client, matters):
    m = matters.m
    client.force_login(matters.users["township"])
    assert set(listed(client.get(LIST, {"todo": "on"}))) == {m["listed"].pk}  # to study
    client.force_login(matters.p.handlers["townA1"])
    assert listed(client.get(LIST, {"todo": "on"})) == [m["handling"].pk]  # to handle
    client.force_login(matters.users["deputy"])
    assert listed(client.get(LIST, {"todo": "on"})) == []
    workflow.matter_report_completion(
        actor=matters.p.handlers["townA1"], matter_id=m["handling"].pk, report="已增加班次"
    )
    assert listed(client.get(LIST, {"todo": "on"})) == [m["handling"].pk]  # to evaluate

    client.force_login(matters.users["county"])
    in_handling = matter_in_handling(matters, issues=[])
    Matter.objects.filter(pk=in_handling.pk).update(due_on=today() + datetime.timedelta(days=2))
    assert listed(client.get(LIST, {"due_soon": "on"})) == [in_handling.pk]
    assert listed(client.get(LIST, {"overdue": "on"})) == []
    Matter.objects.filter(pk=in_handling.pk).update(due_on=today() - datetime.timedelta(days=1))
    page = client.get(LIST, {"overdue": "on"})
    assert listed(page) == [in_handling.pk] and "light-red" in page.content.decode()
    keys = [p.key for p in page.context["presets"]]
    assert keys == ["todo", "due-soon", "overdue"]


def test_the_row_shows_the_group_and_the_export_has_the_evaluation(client, matters):
    staff = matters.users["township"]
    matter = matters.m["handling"]
    workflow.matter_report_completion(
        actor=matters.p.handlers["townA1"], matter_id=matter.pk, report="已增加班次"
    )
    workflow.matter_evaluate(
        actor=staff, matter_id=matter.pk, round_number=1, verdict="unsatisfied",
        checked_on=today(), findings="早班仍然拥挤", rectification="再加两班", new_due_on=future(5),
    )  # fmt: skip
    client.force_login(staff)
    page = client.get(LIST, {"q": matter.title})
    row = page.context["rows"][0]
    cells = {column.key: value for column, value in row["cells"]}
    assert cells["leader"] == staff.display_name and cells["members"] == 2
    assert cells["round"] == 2 and cells["state"] == "限时办理中"

    response = client.get(LIST, {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:2] == ["编号", "标题"] and header[-2:] == ["问题描述", "最近一次评议"]
    assert len(rows) == 3  # the header and the township's two matters
    by_title = {r[1]: r for r in rows[1:]}
    evaluation = by_title[matter.title][-1]
    assert "第1轮" in evaluation and "早班仍然拥挤" in evaluation and "再加两班" in evaluation
    assert by_title[matter.title][-2] == matter.description
    assert by_title["待研究的事项"][-1] in ("", None)
    listed_on = by_title["待研究的事项"][header.index("列入日期")]
    assert listed_on.date() == timezone.localdate()


def _queries(client) -> tuple[int, int]:
    cache.clear()  # the side menu caches its counts: count them every time
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.context["rows"])


@pytest.mark.parametrize("who", ["township", "deputy", "handler"])
def test_the_list_costs_the_same_queries_at_any_length(client, matters, who):
    user = matters.p.handlers["townA1"] if who == "handler" else matters.users[who]
    client.force_login(user)
    client.get(LIST)  # warm the per-process caches (content types)
    small, rows = _queries(client)
    assert rows >= 1
    for _i in range(3):
        matter_in_handling(matters, issues=[])
    for i in range(20):
        workflow.matter_create(actor=matters.users["township"],
                               region_id=matters.regions["townA1"].pk, title=f"更多{i}",
                               description="d")  # fmt: skip
    large, more = _queries(client)
    assert more > rows and small == large
