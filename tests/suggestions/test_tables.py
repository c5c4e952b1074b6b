"""The staff table of deputies' suggestions (``supervision.suggestions.tables``): who sees
which suggestions, one label per suggestion, sorting, the keyword, the presets, a wrong
filter, the Excel export, the office's bulk assignment and a fixed number of queries."""

import io

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from supervision.suggestions.models import Suggestion, UnitAssignment
from tests.suggestions.conftest import accepted, actions, assigned, draft, replied

State = Suggestion.State
LIST = "/desk/suggestions/"


def listed(response) -> list[int]:
    assert response.status_code == 200, response.content[:300]
    return [r["pk"] for r in response.context["rows"]]


@pytest.fixture
def three(gworld):
    """Three suggestions of m_deputy (甲一镇) to 甲县's session: accepted (第1号), being
    handled by 甲县单位 (第2号), replied (第3号)."""
    return {
        "accepted": accepted(gworld, title="修缮村道"),
        "handling": assigned(gworld, title="增加公交班次"),
        "replied": replied(gworld, title="整治河道"),
    }


def test_each_role_sees_its_own_suggestions_and_never_a_siblings(client, gworld, three):
    every = {s.pk for s in three.values()}
    handled = {three["handling"].pk, three["replied"].pk}
    own_draft = draft(gworld, title="草稿")
    u = gworld.users
    cases = {
        u["county"]: every | {own_draft.pk},
        # the township the suggestions come from (first review)
        u["township"]: every | {own_draft.pk},
        u["deputy"]: every | {own_draft.pk},  # the lead deputy
        u["handler"]: handled,  # the lead unit
        u["co"]: handled,  # the co-handling unit
        u["county_b"]: set(),  # the sibling county's office
        u["township2"]: set(),  # the sibling township's office
        u["sibling_handler"]: set(),  # the sibling county's unit
        u["deputy3"]: set(),  # a deputy of the sibling township
    }
    for user, expected in cases.items():
        client.force_login(user)
        assert set(listed(client.get(LIST))) == expected, user.username


def test_one_label_per_suggestion_sort_and_keyword(client, gworld, three):
    unnumbered = draft(gworld, title="未提交的草稿")
    client.force_login(gworld.users["county"])
    page = client.get(LIST, {"ordering": "label"})
    labels = [dict((c.key, v) for c, v in r["cells"])["label"] for r in page.context["rows"]]
    # where the unnumbered one sorts is the database's choice (NULL first or last)
    assert [label for label in labels if label.startswith("第")] == ["第1号", "第2号", "第3号"]
    assert f"未编号-{unnumbered.pk}" in labels
    html = page.content.decode()
    assert f'href="/desk/suggestions/{three["accepted"].pk}/">第1号</a>' in html
    numbered = [
        pk for pk in listed(client.get(LIST, {"ordering": "-label"})) if pk != unnumbered.pk
    ]
    assert numbered == [three["replied"].pk, three["handling"].pk, three["accepted"].pk]
    assert listed(client.get(LIST, {"q": "第2号"})) == [three["handling"].pk]
    assert listed(client.get(LIST, {"q": f"未编号-{unnumbered.pk}"})) == [unnumbered.pk]
    assert listed(client.get(LIST, {"q": "河道"})) == [three["replied"].pk]
    assert len(listed(client.get(LIST, {"q": "甲一代表"}))) == 4  # the lead deputy's name
    wrong = client.get(LIST, {"ordering": "content"})
    assert "ordering" in wrong.context["filter_errors"] and listed(wrong) == []


@pytest.mark.parametrize(
    "params", [{"todo": "maybe"}, {"due_soon": "x"}, {"session": "abc"}, {"cycle": "1"}]
)
def test_a_wrong_filter_lists_nothing_and_names_the_parameter(client, gworld, three, params):
    client.force_login(gworld.users["county"])
    response = client.get(LIST, params)
    assert list(response.context["filter_errors"]) == list(params)
    assert listed(response) == []
    assert 'id="filter-errors"' in response.content.decode()


def test_my_to_do_per_role(client, gworld, three):
    u = gworld.users
    client.force_login(u["county"])  # awaiting assignment
    assert listed(client.get(LIST, {"todo": "on"})) == [three["accepted"].pk]
    client.force_login(u["handler"])  # being handled by the unit
    assert listed(client.get(LIST, {"todo": "on"})) == [three["handling"].pk]
    client.force_login(u["deputy"])  # the reply to rate
    page = client.get(LIST, {"todo": "on"})
    assert listed(page) == [three["replied"].pk]
    assert [p.key for p in page.context["presets"]] == ["todo", "due-soon", "overdue"]
    assert "unit_work" not in [f.name for f in page.context["filter_fields"]]
    assert "region" not in [f.name for f in page.context["filter_fields"]]


def test_the_export_is_a_readable_ledger_with_the_full_text_and_the_reply(client, gworld, three):
    client.force_login(gworld.users["county"])
    response = client.get(LIST, {"export": "xlsx", "ordering": "label"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:3] == ["编号", "标题", "领衔代表"]
    assert header[-2:] == ["建议全文", "最新答复"]
    assert [r[0] for r in rows[1:]] == ["第1号", "第2号", "第3号"]
    by_label = {r[0]: r for r in rows[1:]}
    assert by_label["第3号"][-1] == "已增加早高峰班次。"
    assert by_label["第1号"][-2] == three["accepted"].content
    assert by_label["第2号"][header.index("主办单位")] == gworld.units["lead"].name


def _bulk(client, gworld, suggestions, unit, leader="王副县长", **extra):
    data = {
        "op": "bulk", "bulk": "assign", "query": "",
        "pk": [s.pk for s in suggestions],
        "assign-lead_unit": unit.pk, "assign-lead_leader": leader, **extra,
    }  # fmt: skip
    response = client.post(LIST, data)
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_office_assigns_many_and_skips_one_in_another_state(client, gworld):
    waiting = [accepted(gworld, title=f"待交办{i}") for i in range(3)]
    busy = assigned(gworld, title="已在办理")
    busy_units = list(UnitAssignment.objects.filter(suggestion=busy).values_list("pk", "active"))
    client.force_login(gworld.users["county"])
    form = client.get(LIST).context["bulk"][0][2]
    offered = set(form.fields["lead_unit"].queryset)
    assert gworld.units["lead"] in offered and gworld.units["sibling"] not in offered
    assert gworld.s.base.depts["villageA1"] not in offered  # a village has no congress

    said = _bulk(client, gworld, [*waiting, busy], gworld.units["lead"])
    assert said == ["3 件已交办，1 件状态已变，未处理"]
    for s in waiting:
        s.refresh_from_db()
        assert s.state == State.HANDLING and s.lead_unit == gworld.units["lead"]
        assert s.lead_leader == "王副县长" and s.due_on is not None
        assert actions(s).count("suggestion_assign") == 1  # the audit event
    before = busy.due_on
    busy.refresh_from_db()
    assert busy.state == State.HANDLING and busy.round == 1 and busy.due_on == before
    assert actions(busy).count("suggestion_assign") == 1  # only its own assignment
    now = list(UnitAssignment.objects.filter(suggestion=busy).values_list("pk", "active"))
    assert now == busy_units


def test_a_refused_assignment_stores_nothing_and_says_why(client, gworld):
    waiting = [accepted(gworld, title=f"待交办{i}") for i in range(2)]
    client.force_login(gworld.users["county"])
    # 甲一镇's unit is offered to 甲县's office, but a county suggestion goes to the county
    # or above: the workflow refuses each one in its own transaction.
    township_unit = gworld.s.base.depts["townA1"]
    said = _bulk(client, gworld, waiting, township_unit)
    assert said[0].startswith("0 件已交办，2 件未处理：第1号")
    no_leader = _bulk(client, gworld, waiting, gworld.units["lead"], leader="")
    sibling = _bulk(client, gworld, waiting, gworld.units["sibling"])
    assert no_leader and sibling  # the form's errors
    for s in waiting:
        s.refresh_from_db()
        assert s.state == State.ACCEPTED and "suggestion_assign" not in actions(s)
    assert not UnitAssignment.objects.exists()


def test_only_the_office_has_the_bulk_assignment(client, gworld, three):
    client.force_login(gworld.users["handler"])
    assert client.get(LIST).context["bulk"] == []
    said = _bulk(client, gworld, [three["accepted"]], gworld.units["lead"])
    assert said == ["请选择要执行的操作。"]
    three["accepted"].refresh_from_db()
    assert three["accepted"].state == State.ACCEPTED


def _queries(client) -> tuple[int, int]:
    cache.clear()  # the side menu caches its counts: count them every time
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.context["rows"])


@pytest.mark.parametrize("who", ["county", "handler", "deputy"])
def test_the_list_costs_the_same_queries_at_any_length(client, gworld, who):
    client.force_login(gworld.users[who])
    replied(gworld, title="第一件", cosigner_ids=[gworld.deps["a1b"].pk])
    client.get(LIST)  # warm the per-process caches (content types)
    small, rows = _queries(client)
    for i in range(6):
        replied(gworld, title=f"建议{i}", cosigner_ids=[gworld.deps["a1b"].pk])
        accepted(gworld, title=f"待交办{i}")
    large, more = _queries(client)
    assert more > rows and small == large
