"""The stations API: scoped reads, receptions written through the workflow, bad input."""

import datetime

import pytest
from django.utils import timezone

from portal.models import Event
from stations import workflow
from stations.models import Reception
from tests.errors import field_names
from tests.stations.api_helpers import URL, YESTERDAY, body, patch, post, put, record, stored

# --- recording ----------------------------------------------------------------------


def test_deputy_records_reception_with_answered_and_forwarded_matters(client, sworld):
    client.force_login(sworld.base.users["deputy"])
    response = post(client, URL, body(sworld))
    assert response.status_code == 201, response.json()
    data = response.json()
    reception = Reception.objects.get(pk=data["id"])
    assert reception.station == sworld.stations["a1"]
    assert reception.region == sworld.stations["a1"].region
    assert reception.recorded_by == sworld.base.users["deputy"]
    assert reception.people_count == 5
    assert list(reception.deputies.all()) == [sworld.deps["a1"]]
    matters = list(reception.matters.order_by("id"))
    assert [(m.outcome, m.answer, m.solved) for m in matters] == [
        ("answered", "已联系供电所", True),
        ("forwarded", "", False),
    ]
    assert matters[1].citizen_phone == "13800000000"
    assert data["date"] == YESTERDAY.isoformat()
    assert data["deputies"] == [{"id": sworld.deps["a1"].pk, "name": "甲一代表"}]
    assert [m["content"] for m in data["matters"]] == ["村口路灯不亮", "道路破损需要维修"]
    assert set(data["matters"][0]) == {
        "id", "reception", "content", "outcome", "answer",
        "citizen_name", "citizen_phone", "solved", "petition_id",
    }  # fmt: skip
    event = Event.objects.get(action="reception_record", target_id=reception.pk)
    assert event.actor == sworld.base.users["deputy"]
    assert event.data == {"matters": 2, "forwarded": 1, "people": 5}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"people_count": None}, "people_count"),
        ({"people_count": -1}, "people_count"),
        ({"people_count": "many"}, "people_count"),
        ({"date": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()}, "date"),
        ({"date": "2024-02-30"}, "date"),
        ({"matters": [{"content": "路灯", "outcome": "answered"}]}, "matters"),
        ({"matters": [{"content": "路灯", "outcome": "x"}]}, "matters"),
        ({"matters": [{"outcome": "forwarded"}]}, "matters"),
        ({"matters": [{"content": "路灯", "outcome": "forwarded", "citizen_phone": "1" * 40}]}, "matters"),
        ({"matters": "路灯不亮"}, "matters"),
        ({"matters": {"content": "路灯"}}, "matters"),
        ({"deputies": []}, "deputies"),
        ({"deputies": "1"}, "deputies"),
        ({"deputies": [10**30]}, "deputies"),
        ({"form": "dance"}, "form"),
        ({"station": "abc"}, "station"),
        ({"summary": None}, "summary"),
    ],
)  # fmt: skip
def test_bad_reception_input_is_400_and_stores_nothing(client, sworld, overrides, field):
    client.force_login(sworld.base.users["deputy"])
    data = body(sworld, **overrides)
    if overrides.get("people_count", 0) is None:
        del data["people_count"]
    before = stored()
    response = post(client, URL, data)
    assert response.status_code == 400, response.content
    assert field in field_names(response)
    assert stored() == before


def test_deputy_of_another_station_cannot_be_recorded(client, sworld):
    client.force_login(sworld.base.users["deputy"])
    before = stored()
    response = post(client, URL, body(sworld, deputies=[sworld.deps["a2"].pk]))
    assert response.status_code == 400
    assert "deputies" in field_names(response)
    assert stored() == before


def test_deputy_cannot_record_at_a_station_out_of_scope(client, sworld):
    client.force_login(sworld.base.users["deputy"])
    before = stored()
    response = post(client, URL, body(sworld, station=sworld.stations["a2"].pk))
    assert response.status_code == 404
    assert stored() == before


def test_body_that_is_not_an_object_is_400(client, sworld):
    client.force_login(sworld.base.users["deputy"])
    assert post(client, URL, [1, 2]).status_code == 400
    assert client.post(URL, "{not json", content_type="application/json").status_code == 400


# --- who sees and changes what ------------------------------------------------------


def test_colleague_not_present_cannot_read_or_change_the_reception(client, sworld):
    reception = record(sworld, sworld.base.users["deputy"])
    client.force_login(sworld.base.users["deputy2"])
    detail = f"{URL}{reception.pk}/"
    assert client.get(detail).status_code == 404
    assert put(client, detail, body(sworld, people_count=9)).status_code == 404
    assert patch(client, detail, {"people_count": 9}).status_code == 404
    assert reception.pk not in {row["id"] for row in client.get(URL).json()["results"]}
    reception.refresh_from_db()
    assert reception.people_count == 3


def test_colleague_present_may_read_but_not_change_the_reception(client, sworld):
    reception = record(sworld, sworld.base.users["deputy"], deputies=("a1", "a1b"))
    client.force_login(sworld.base.users["deputy2"])
    detail = f"{URL}{reception.pk}/"
    assert client.get(detail).status_code == 200
    assert patch(client, detail, {"people_count": 9}).status_code == 403
    reception.refresh_from_db()
    assert reception.people_count == 3


def test_deputy_of_the_sibling_township_gets_404(client, sworld):
    reception = record(sworld, sworld.base.users["deputy"])
    client.force_login(sworld.base.users["deputy3"])
    assert client.get(f"{URL}{reception.pk}/").status_code == 404
    assert patch(client, f"{URL}{reception.pk}/", {"people_count": 1}).status_code == 404
    assert client.get(URL).json()["results"] == []


@pytest.fixture
def receptions_everywhere(sworld):
    users = sworld.base.users
    return {
        "a1": record(sworld, users["deputy"], "a1"),
        "a1v": record(sworld, users["deputy"], "a1v"),
        "a2": record(sworld, users["deputy3"], "a2", deputies=("a2",)),
        "b1": record(sworld, users["city"], "b1", deputies=("b1",)),
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("township", {"a1", "a1v"}),
        ("county", {"a1", "a1v", "a2"}),
        ("city", {"a1", "a1v", "a2", "b1"}),
        ("deputy", {"a1", "a1v"}),
        ("deputy3", {"a2"}),
        ("handler", set()),
    ],
)
def test_receptions_list_is_scoped(client, sworld, receptions_everywhere, role, expected):
    client.force_login(sworld.base.users[role])
    ids = {row["id"] for row in client.get(URL).json()["results"]}
    assert ids == {receptions_everywhere[key].pk for key in expected}
    for key, reception in receptions_everywhere.items():
        status = client.get(f"{URL}{reception.pk}/").status_code
        assert status == (200 if key in expected else 404), key


def test_region_and_station_filters_select_receptions(client, sworld, receptions_everywhere):
    client.force_login(sworld.base.users["county"])
    village = sworld.base.regions["villageA1"].pk
    rows = client.get(URL, {"region": village}).json()["results"]
    assert [row["id"] for row in rows] == [receptions_everywhere["a1v"].pk]
    rows = client.get(URL, {"station": sworld.stations["a2"].pk}).json()["results"]
    assert [row["id"] for row in rows] == [receptions_everywhere["a2"].pk]
    assert client.get(URL, {"date_from": timezone.localdate().isoformat()}).json()["results"] == []
    assert client.get(URL, {"region": sworld.base.regions["countyB"].pk}).status_code == 400


# --- corrections and locking --------------------------------------------------------


def test_author_corrects_the_reception_with_put(client, sworld):
    reception = record(sworld, sworld.base.users["deputy"], matters=[
        {"content": "旧事项", "outcome": "answered", "answer": "已答复"},
        {"content": "已转交的事项", "outcome": "forwarded"},
    ])  # fmt: skip
    client.force_login(sworld.base.users["deputy"])
    response = put(client, f"{URL}{reception.pk}/", body(sworld, people_count=8))
    assert response.status_code == 200, response.json()
    reception.refresh_from_db()
    assert reception.people_count == 8
    # The answered matter is replaced; the forwarded one is a citizen issue now and stays.
    assert sorted(reception.matters.values_list("content", flat=True)) == [
        "已转交的事项",
        "村口路灯不亮",
        "道路破损需要维修",
    ]
    assert Event.objects.filter(action="reception_update", target_id=reception.pk).count() == 1


def test_patch_keeps_what_it_does_not_send(client, sworld):
    reception = record(sworld, sworld.base.users["deputy"], deputies=("a1", "a1b"), matters=[
        {"content": "路灯", "outcome": "answered", "answer": "已修"},
    ], summary="夜聊")  # fmt: skip
    client.force_login(sworld.base.users["deputy"])
    response = patch(client, f"{URL}{reception.pk}/", {"people_count": 12})
    assert response.status_code == 200, response.json()
    reception.refresh_from_db()
    assert reception.people_count == 12
    assert reception.summary == "夜聊"
    assert set(reception.deputies.all()) == {sworld.deps["a1"], sworld.deps["a1b"]}
    assert list(reception.matters.values_list("content", "answer")) == [("路灯", "已修")]


def test_patch_cannot_move_the_reception_to_another_station(client, sworld):
    reception = record(sworld, sworld.base.users["deputy"])
    client.force_login(sworld.base.users["deputy"])
    response = patch(client, f"{URL}{reception.pk}/", {"station": sworld.stations["a1v"].pk})
    assert response.status_code == 400
    assert "station" in field_names(response)
    reception.refresh_from_db()
    assert reception.station == sworld.stations["a1"]


def test_bad_correction_is_400_and_changes_nothing(client, sworld):
    reception = record(sworld, sworld.base.users["deputy"])
    client.force_login(sworld.base.users["deputy"])
    before = stored()
    response = patch(
        client, f"{URL}{reception.pk}/", {"matters": [{"content": "x", "outcome": "x"}]}
    )
    assert response.status_code == 400
    assert "matters" in field_names(response)
    assert stored() == before


def test_after_the_office_locks_the_deputy_cannot_change_the_reception(client, sworld):
    reception = record(sworld, sworld.base.users["deputy"])
    client.force_login(sworld.base.users["township"])
    response = post(client, f"{URL}{reception.pk}/lock/", {})
    assert response.status_code == 200
    assert response.json()["is_locked"] is True
    assert Event.objects.filter(action="reception_lock", target_id=reception.pk).exists()

    client.force_login(sworld.base.users["deputy"])
    before = stored()
    response = put(client, f"{URL}{reception.pk}/", body(sworld, people_count=99))
    assert response.status_code == 400
    assert patch(client, f"{URL}{reception.pk}/", {"people_count": 99}).status_code == 400
    assert stored() == before
    reception.refresh_from_db()
    assert reception.people_count == 3
    assert reception.matters.count() == 0


def test_deputy_cannot_lock_or_unlock(client, sworld):
    reception = record(sworld, sworld.base.users["deputy"])
    client.force_login(sworld.base.users["deputy"])
    assert post(client, f"{URL}{reception.pk}/lock/", {}).status_code == 403
    workflow.reception_lock(actor=sworld.base.users["township"], reception_id=reception.pk)
    assert post(client, f"{URL}{reception.pk}/unlock/", {"note": "想改"}).status_code == 403
    reception.refresh_from_db()
    assert reception.is_locked


def test_office_unlocks_with_a_reason(client, sworld):
    reception = record(sworld, sworld.base.users["deputy"])
    workflow.reception_lock(actor=sworld.base.users["township"], reception_id=reception.pk)
    client.force_login(sworld.base.users["township"])
    response = post(client, f"{URL}{reception.pk}/unlock/", {"note": "  "})
    assert response.status_code == 400
    assert "note" in field_names(response)
    assert post(client, f"{URL}{reception.pk}/lock/", {}).status_code == 400  # already locked
    response = post(client, f"{URL}{reception.pk}/unlock/", {"note": "代表申请更正人数"})
    assert response.status_code == 200
    assert response.json()["is_locked"] is False
    event = Event.objects.get(action="reception_unlock", target_id=reception.pk)
    assert event.note == "代表申请更正人数"


def test_staff_of_a_sibling_township_cannot_lock(client, sworld):
    reception = record(sworld, sworld.base.users["deputy3"], "a2", deputies=("a2",))
    client.force_login(sworld.base.users["township"])
    assert post(client, f"{URL}{reception.pk}/lock/", {}).status_code == 404


def test_receptions_cannot_be_deleted(client, sworld):
    reception = record(sworld, sworld.base.users["deputy"])
    client.force_login(sworld.base.users["township"])
    assert client.delete(f"{URL}{reception.pk}/").status_code == 405
    assert Reception.objects.filter(pk=reception.pk).exists()


# --- matters ------------------------------------------------------------------------


def test_office_marks_a_forwarded_matter_solved(client, sworld):
    reception = record(sworld, sworld.base.users["deputy"], matters=[
        {"content": "道路破损", "outcome": "answered", "answer": "已告知村委会"},
        {"content": "路灯", "outcome": "forwarded"},
    ])  # fmt: skip
    matter = reception.matters.get(outcome="answered")
    url = f"/api/v1/matters/{matter.pk}/solved/"
    client.force_login(sworld.base.users["deputy"])
    assert post(client, url, {"solved": False}).status_code == 403
    client.force_login(sworld.base.users["township"])
    assert post(client, url, {}).status_code == 400
    assert post(client, url, {"solved": "maybe"}).status_code == 400
    response = post(client, url, {"solved": False})
    assert response.status_code == 200
    assert response.json()["solved"] is False
    matter.refresh_from_db()
    assert not matter.solved
    assert Event.objects.filter(action="matter_unsolved", target_id=matter.pk).exists()
    # A forwarded matter follows its citizen issue.
    forwarded = reception.matters.get(outcome="forwarded")
    assert (
        post(client, f"/api/v1/matters/{forwarded.pk}/solved/", {"solved": True}).status_code == 400
    )
    assert post(client, url, {"solved": True}).status_code == 200
    matter = reception.matters.get(outcome="answered")
    rows = client.get("/api/v1/matters/", {"solved": "false"}).json()["results"]
    assert {row["id"] for row in rows} == {forwarded.pk}
    rows = client.get("/api/v1/matters/", {"solved": "true"}).json()["results"]
    assert [row["id"] for row in rows] == [matter.pk]


def test_matters_of_a_colleagues_reception_are_hidden(client, sworld):
    reception = record(sworld, sworld.base.users["deputy"], matters=[
        {"content": "道路破损", "outcome": "forwarded"},
    ])  # fmt: skip
    client.force_login(sworld.base.users["deputy2"])
    assert client.get(f"/api/v1/matters/{reception.matters.get().pk}/").status_code == 404
    assert client.get("/api/v1/matters/").json()["results"] == []


# --- the surface --------------------------------------------------------------------

ENDPOINTS = [
    "/api/v1/representatives/",
    "/api/v1/stations/",
    "/api/v1/shifts/",
    "/api/v1/receptions/",
    "/api/v1/matters/",
    "/api/v1/households/",
    "/api/v1/contact-visits/",
    "/api/v1/activities/",
]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_is_401(client, sworld, url):
    assert client.get(url).status_code == 401


def test_anonymous_cannot_record(client, sworld):
    before = stored()
    assert post(client, URL, body(sworld)).status_code == 401
    assert stored() == before


def test_schema_lists_the_stations_endpoints(client):
    paths = client.get("/api/v1/schema/", {"format": "json"}).json()["paths"]
    for url in ENDPOINTS:
        assert url in paths
    for path in (
        "/api/v1/receptions/{id}/lock/",
        "/api/v1/receptions/{id}/unlock/",
        "/api/v1/matters/{id}/solved/",
    ):
        assert path in paths


def test_citizen_contact_is_masked_for_those_who_do_not_need_it(client, sworld):
    reception = record(sworld, sworld.base.users["deputy"], deputies=("a1", "a1b"), matters=[
        {"content": "路灯", "outcome": "answered", "answer": "已修", "citizen_name": "张三",
         "citizen_phone": "13800000000"},
    ])  # fmt: skip
    url = f"{URL}{reception.pk}/"
    seen = {}
    for role in ("deputy", "deputy2", "viewer", "township"):
        client.force_login(sworld.base.users[role])
        matter = client.get(url).json()["matters"][0]
        seen[role] = (matter["citizen_name"], matter["citizen_phone"])
    assert seen["deputy"] == seen["township"] == ("张三", "13800000000")
    assert seen["deputy2"] == seen["viewer"] == ("张**", "138****0000")
