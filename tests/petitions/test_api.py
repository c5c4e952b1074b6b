"""The citizen-issue API: scoped reads, masking, staff entry and every action through the
workflow, bad input and fixed query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from petitions import workflow
from petitions.models import Petition, PetitionRating
from portal.models import Event
from tests.errors import field_names
from tests.factories import staff_with_role
from tests.petitions.conftest import submit

State = Petition.State
URL = "/api/v1/petitions/"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def act(client, petition, action, **data):
    return post(client, f"{URL}{petition.pk}/{action}/", data)


def forwarded(pworld, unit="townA1", **kwargs) -> Petition:
    staff = pworld.base.users["township"]
    petition = submit(pworld, **kwargs)
    workflow.petition_accept(actor=staff, petition_id=petition.pk)
    workflow.petition_forward(
        actor=staff, petition_id=petition.pk, department_id=pworld.units[unit].pk
    )
    petition.refresh_from_db()
    return petition


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def stored():
    return Petition.objects.count(), Event.objects.count()


# --- scope --------------------------------------------------------------------------


def test_handlers_see_only_their_units_issues(client, pworld):
    mine = forwarded(pworld)
    submit(pworld)
    submit(pworld, region_key="townA2")
    client.force_login(pworld.handlers["townA1"])
    assert ids(client.get(URL)) == {mine.pk}
    assert client.get(f"{URL}{mine.pk}/").status_code == 200
    client.force_login(pworld.handlers["townA2"])
    assert ids(client.get(URL)) == set()
    assert client.get(f"{URL}{mine.pk}/").status_code == 404


def test_sibling_township_staff_get_404_everywhere(client, pworld):
    petition = submit(pworld)
    client.force_login(staff_with_role(pworld.base.regions["townA2"], username="m_township2"))
    assert ids(client.get(URL)) == set()
    assert client.get(f"{URL}{petition.pk}/").status_code == 404
    for action, body in [
        ("accept", {}),
        ("reject", {"reason": "x"}),
        ("duplicate", {"original_id": petition.pk}),
        ("rate", {"rating": "satisfied"}),
        ("reply", {"text": "x"}),
    ]:
        assert act(client, petition, action, **body).status_code == 404
    petition.refresh_from_db()
    assert petition.state == State.SUBMITTED


def test_a_missing_issue_is_404_like_one_out_of_scope(client, pworld):
    client.force_login(pworld.base.users["township"])
    assert act(client, Petition(pk=999999), "rate", rating="satisfied").status_code == 404
    assert client.post(f"{URL}abc/accept/").status_code == 404


def test_viewer_gets_403_on_actions_and_entry(client, pworld):
    petition = submit(pworld)
    client.force_login(pworld.base.users["viewer"])
    assert client.get(f"{URL}{petition.pk}/").status_code == 200
    before = stored()
    assert act(client, petition, "accept").status_code == 403
    assert act(client, petition, "reject").status_code == 403  # even with a bad body
    assert act(client, petition, "reply", text="x").status_code == 403
    assert post(client, URL, entry_body(pworld)).status_code == 403
    assert stored() == before


def test_anonymous_is_401(client, pworld):
    assert client.get(URL).status_code == 401
    assert act(client, submit(pworld), "accept").status_code == 401


# --- the citizen's name and phone ---------------------------------------------------


@pytest.mark.parametrize(
    ("who", "full"),
    [("township", True), ("county", True), ("viewer", False), ("handler_a1", True)],
)
def test_citizen_is_masked_unless_office_or_assigned_unit(client, pworld, who, full):
    petition = forwarded(pworld)
    user = pworld.handlers["townA1"] if who == "handler_a1" else pworld.base.users[who]
    client.force_login(user)
    row = client.get(URL).json()["results"][0]
    one = client.get(f"{URL}{petition.pk}/").json()
    for data in (row, one):
        if full:
            assert (data["citizen_name"], data["citizen_phone"]) == ("李大姐", "13800001111")
        else:
            assert (data["citizen_name"], data["citizen_phone"]) == ("李**", "138****1111")


def test_reception_deputy_sees_the_issue_masked(client, pworld):
    from stations import workflow as stations_workflow

    stations_workflow.reception_record(
        actor=pworld.base.users["deputy"], station_id=pworld.stations["a1"].pk,
        date=timezone.localdate(), form="sitting", people_count=1,
        deputy_ids=[pworld.deps["a1"].pk],
        matters=[stations_workflow.MatterInput(
            content="路面塌陷", outcome="forwarded", citizen_name="张三", citizen_phone="13700001234"
        )],
    )  # fmt: skip
    client.force_login(pworld.base.users["deputy"])
    (row,) = client.get(URL).json()["results"]
    assert row["citizen_phone"] == "137****1234" and row["citizen_name"] == "张**"


# --- staff entry --------------------------------------------------------------------


def entry_body(pworld, **overrides):
    data = {
        "channel": "letter", "region": pworld.base.regions["villageA1"].pk, "category": "housing",
        "title": "危房改造", "description": "老房子漏雨", "citizen_name": "赵奶奶",
        "citizen_phone": "0574-88001234", "wants_feedback": True,
    }  # fmt: skip
    data.update(overrides)
    return data


def test_staff_enter_an_issue_received_by_letter(client, pworld):
    client.force_login(pworld.base.users["township"])
    response = post(client, URL, entry_body(pworld))
    assert response.status_code == 201, response.content
    petition = Petition.objects.get()
    assert response.json()["tracking_code"] == petition.tracking_code
    assert (petition.channel, petition.created_by) == ("letter", pworld.base.users["township"])
    assert response.json()["citizen_phone"] == "057488001234"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"channel": "web"}, "channel"),
        ({"channel": "pigeon"}, "channel"),
        ({"region": "townA2"}, "region"),
        ({"region": 10**9}, "region"),
        ({"region": "x"}, "region"),
        ({"category": "aliens"}, "category"),
        ({"title": ""}, "title"),
        ({"title": "长" * 101}, "title"),
        ({"description": "   "}, "description"),
        ({"citizen_phone": "12345"}, "citizen_phone"),
        ({"citizen_phone": "", "wants_feedback": True}, "citizen_phone"),
    ],
)
def test_bad_entry_is_400_and_stores_nothing(client, pworld, overrides, field):
    if overrides.get("region") == "townA2":
        overrides["region"] = pworld.base.regions["townA2"].pk
    client.force_login(pworld.base.users["township"])
    before = stored()
    response = post(client, URL, entry_body(pworld, **overrides))
    assert response.status_code == 400
    assert field in field_names(response)
    assert stored() == before


def test_a_body_that_is_not_an_object_is_400(client, pworld):
    client.force_login(pworld.base.users["township"])
    petition = submit(pworld)
    assert post(client, URL, [1, 2]).status_code == 400
    assert post(client, f"{URL}{petition.pk}/reject/", ["reason"]).status_code == 400
    assert (
        client.post(f"{URL}{petition.pk}/accept/", "{", content_type="application/json").status_code
        == 400
    )
    petition.refresh_from_db()
    assert petition.state == State.SUBMITTED


# --- actions ------------------------------------------------------------------------


def test_the_whole_life_through_the_api(client, pworld):
    staff, handler = pworld.base.users["township"], pworld.handlers["townA1"]
    petition = submit(pworld)

    def call(user, action, **body):
        client.force_login(user)
        response = act(client, petition, action, **body)
        assert response.status_code == 200, response.content
        return response.json()

    assert call(staff, "accept")["state"] == "accepted"
    data = call(staff, "forward", department=pworld.units["townA1"].pk, note="请办理")
    assert data["state"] == "forwarded" and data["department_name"] == "甲一镇人民政府"
    assert data["due_on"] and data["deadline_light"] == ""
    assert call(handler, "reply", text="已协调")["state"] == "replied"
    data = call(staff, "rate", rating="unsatisfied", comment="还是很挤")
    assert (data["state"], data["round"]) == ("forwarded", 2)
    call(handler, "reply", text="早班增加两班车")
    assert call(staff, "rate", rating="basically")["state"] == "resolved"
    data = call(staff, "publish", title="公交增加班次", summary="增加两班")
    assert data["published"] and data["published_title"] == "公交增加班次"
    detail = client.get(f"{URL}{petition.pk}/").json()
    assert [r["text"] for r in detail["replies"]] == ["已协调", "早班增加两班车"]
    assert [r["rating"] for r in detail["ratings"]] == ["unsatisfied", "basically"]
    assert list(PetitionRating.objects.values_list("via", flat=True)) == ["callback"] * 2
    actions = Event.objects.filter(target_id=petition.pk).order_by("id")
    assert list(actions.values_list("action", flat=True)) == [
        "petition_submit", "petition_accept", "petition_forward", "petition_reply",
        "petition_reopen", "petition_reply", "petition_rate", "petition_publish",
    ]  # fmt: skip


def test_office_actions_reject_duplicate_answer_escalate_close(client, pworld):
    client.force_login(pworld.base.users["township"])
    rejected, original, by_id, by_code, answered, escalated = (submit(pworld) for _ in range(6))
    assert act(client, rejected, "reject", reason="不属于职责").json()["state"] == "rejected"
    assert act(client, by_id, "duplicate", original_id=original.pk).json()["state"] == "duplicate"
    code = original.tracking_code.lower()
    assert act(client, by_code, "duplicate", original_code=code).json()["duplicate_of"] == (
        original.pk
    )
    assert act(client, original, "duplicate").status_code == 400  # no original given
    for petition in (answered, escalated):
        act(client, petition, "accept")
    assert act(client, answered, "answer", text="已修复").json()["state"] == "replied"
    assert act(client, answered, "close", resolved=True).json()["state"] == "resolved"
    assert act(client, escalated, "escalate", note="反映集中").json()["state"] == "escalated"
    response = act(client, escalated, "close", resolved=False, reason="")
    assert response.status_code == 400 and "reason" in field_names(response)
    data = act(client, escalated, "close", resolved=False, reason="资金不足").json()
    assert data["state"] == "closed_unresolved" and data["public_reason"] == "资金不足"


def test_hand_back_hides_the_issue_from_the_unit(client, pworld):
    petition = forwarded(pworld)
    client.force_login(pworld.handlers["townA1"])
    data = act(client, petition, "hand_back", reason="属于县交通局职责").json()
    assert data["state"] == "accepted" and data["department"] is None
    assert data["citizen_phone"] == "138****1111"
    assert client.get(f"{URL}{petition.pk}/").status_code == 404


def test_wrong_state_is_400_and_changes_nothing(client, pworld):
    petition = submit(pworld)
    client.force_login(pworld.base.users["township"])
    before = stored()
    response = act(client, petition, "forward", department=pworld.units["townA1"].pk)
    assert response.status_code == 400 and response.json()["code"] == "invalid_transition"
    assert act(client, petition, "rate", rating="satisfied").status_code == 400
    assert act(client, petition, "publish", title="t", summary="s").status_code == 400
    petition.refresh_from_db()
    assert petition.state == State.SUBMITTED and stored() == before


def test_forward_to_a_unit_outside_the_chain_is_400(client, pworld):
    petition = submit(pworld)
    client.force_login(pworld.base.users["township"])
    act(client, petition, "accept")
    response = act(client, petition, "forward", department=pworld.units["townA2"].pk)
    assert response.status_code == 400 and "department" in field_names(response)


# --- filters and query counts ---------------------------------------------------------


def test_filters_state_region_department_overdue(client, pworld):
    late = forwarded(pworld)
    Petition.objects.filter(pk=late.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    county_unit = forwarded(pworld)
    staff = pworld.base.users["township"]
    workflow.petition_forward(
        actor=staff, petition_id=county_unit.pk, department_id=pworld.base.depts["countyA"].pk
    )
    fresh = submit(pworld, region_key="townA1")
    other = submit(pworld, region_key="townA2")
    client.force_login(pworld.base.users["county"])
    assert ids(client.get(URL)) == {late.pk, county_unit.pk, fresh.pk, other.pk}
    assert ids(client.get(URL, {"state": "submitted"})) == {fresh.pk, other.pk}
    assert ids(client.get(URL, {"region": pworld.base.regions["townA1"].pk})) == {
        late.pk,
        county_unit.pk,
        fresh.pk,
    }
    assert ids(client.get(URL, {"department": pworld.units["townA1"].pk})) == {late.pk}
    assert ids(client.get(URL, {"overdue": "true"})) == {late.pk}
    row = next(r for r in client.get(URL).json()["results"] if r["id"] == late.pk)
    assert row["overdue"] is True and row["deadline_light"] == "red"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "nope"}, "state"),
        ({"region": "abc"}, "region"),
        ({"department": "-1"}, "department"),
        ({"overdue": "maybe"}, "overdue"),
        ({"category": "nope"}, "category"),
        ({"stat": "submitted"}, "stat"),  # not a filter of this list
        ({"region_id": "1"}, "region_id"),
    ],
)
def test_bad_filters_are_400(client, pworld, params, field):
    client.force_login(pworld.base.users["county"])
    response = client.get(URL, params)
    assert response.status_code == 400 and field in field_names(response)


def test_region_filter_outside_scope_is_400(client, pworld):
    client.force_login(pworld.base.users["township"])
    response = client.get(URL, {"region": pworld.base.regions["townA2"].pk})
    assert response.status_code == 400 and "region" in field_names(response)


def test_category_filter_and_the_schema_documents_every_filter(client, pworld):
    housing = submit(pworld, category="housing")
    submit(pworld)
    client.force_login(pworld.base.users["county"])
    assert ids(client.get(URL, {"category": "housing"})) == {housing.pk}
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    params = {p["name"] for p in schema["paths"]["/api/v1/petitions/"]["get"]["parameters"]}
    assert {"state", "category", "region", "department", "overdue"} <= params


def _list_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"page_size": 100})
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.json()["results"])


@pytest.mark.parametrize("who", ["township", "handler"])
def test_list_costs_the_same_queries_at_5_or_40(client, pworld, who):
    user = pworld.handlers["townA1"] if who == "handler" else pworld.base.users["township"]
    client.force_login(user)
    for _unused in range(5):
        forwarded(pworld)
    small, rows = _list_queries(client)
    assert rows == 5
    for _unused in range(35):
        forwarded(pworld)
    large, rows = _list_queries(client)
    assert rows == 40 and small == large


def test_schema_lists_the_petition_endpoints(client):
    paths = client.get("/api/v1/schema/", {"format": "json"}).json()["paths"]
    assert "/api/v1/petitions/" in paths and "/api/v1/petitions/{id}/" in paths
    for action in (
        "accept", "reject", "duplicate", "answer", "forward", "hand_back", "reply", "escalate",
        "close", "rate", "publish",
    ):  # fmt: skip
        assert f"/api/v1/petitions/{{id}}/{action}/" in paths
