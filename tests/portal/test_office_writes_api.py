"""The office's writes over the API: handling units and their handlers' accounts, liaison
stations, congress sessions — each role against its own region, its children, its siblings
and its parent; bad input names its field and stores nothing; every write is audited."""

import pytest
from rest_framework.authtoken.models import Token

from portal import sms, tasks
from portal.models import Department, Event, User
from stations.models import Station
from supervision.suggestions.models import Session
from tests.errors import field_names
from tests.portal.conftest import POSITIONS

pytestmark = pytest.mark.django_db
OFFICES = ["city", "county", "township"]
ALLOWED = {"own": True, "child": True, "sibling": False, "parent": False}


def auth(world, role) -> dict:
    return {
        "HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=world.users[role])[0].key}"
    }


def post(client, url, body, headers):
    return client.post(url, body, content_type="application/json", **headers)


@pytest.fixture(autouse=True)
def _send_at_once(monkeypatch):
    sms.outbox.clear()
    task = tasks.send_activation_code
    monkeypatch.setattr(task, "apply_async", lambda args, **kwargs: task.run(*args))


CASES = [(role, pos) for role in OFFICES for pos in ALLOWED if POSITIONS[role][pos] is not None]


@pytest.mark.parametrize(("role", "position"), CASES)
def test_handling_units_and_handlers_by_region(
    client, world, role, position, django_capture_on_commit_callbacks
):
    region = world.region_at(role, position)
    headers = auth(world, role)
    before = Department.objects.count()
    made = post(
        client,
        "/api/v1/departments/",
        {"region": region.pk, "name": "新设局", "kind": "government"},
        headers,
    )
    if not ALLOWED[position]:
        assert made.status_code == 400 and field_names(made) == {"region"}
        assert Department.objects.count() == before
    else:
        assert made.status_code == 201, made.content
        assert Event.objects.filter(
            action="department_create", target_id=made.json()["id"]
        ).exists()
    unit = world.dept_at(role, position)
    with django_capture_on_commit_callbacks(execute=True):
        handler = post(client, f"/api/v1/departments/{unit.pk}/handlers/",
                       {"full_name": "李经办", "phone": "13600001234"}, headers)  # fmt: skip
    if ALLOWED[position]:
        assert handler.status_code == 201, handler.content
        account = User.objects.get(pk=handler.json()["id"])
        assert account.kind == User.Kind.HANDLER and account.department == unit
        assert not account.has_usable_password() and sms.outbox[-1][0] == "13600001234"
    else:
        assert handler.status_code == 404 and not sms.outbox
        assert not User.objects.filter(full_name="李经办").exists()


def test_non_office_roles_cannot_write(client, world):
    for role in ("viewer", "deputy", "handler"):
        answer = post(client, "/api/v1/departments/",
                      {"region": world.regions["countyA"].pk, "name": "某局", "kind": "government"},
                      auth(world, role))  # fmt: skip
        assert answer.status_code == 403, role
    anonymous = client.post("/api/v1/departments/", {}, content_type="application/json")
    assert anonymous.status_code == 401


def test_a_unit_is_corrected_and_a_clash_is_a_field_error(client, world):
    headers = auth(world, "county")
    unit = world.depts["countyA"]
    renamed = client.patch(f"/api/v1/departments/{unit.pk}/", {"name": "甲县交通运输局"},
                           content_type="application/json", **headers)  # fmt: skip
    assert renamed.status_code == 200 and renamed.json()["name"] == "甲县交通运输局"
    clash = client.patch(f"/api/v1/departments/{unit.pk}/", {"name": "甲县另一单位"},
                         content_type="application/json", **headers)  # fmt: skip
    assert clash.status_code == 400 and field_names(clash) == {"name"}
    assert Department.objects.get(pk=unit.pk).name == "甲县交通运输局"
    bad_kind = client.patch(f"/api/v1/departments/{unit.pk}/", {"kind": "bank"},
                            content_type="application/json", **headers)  # fmt: skip
    assert bad_kind.status_code == 400 and field_names(bad_kind) == {"kind"}


@pytest.mark.parametrize(("role", "position"), CASES)
def test_stations_and_sessions_by_region(client, world, role, position):
    region = world.region_at(role, position)
    headers = auth(world, role)
    station = post(client, "/api/v1/stations/", {
        "region": region.pk, "name": "新联络站", "kind": "village", "checklist": {"premises": True},
    }, headers)  # fmt: skip
    session = post(client, "/api/v1/suggestion-sessions/", {
        "region": region.pk, "name": "第十八届人大第三次会议",
        "opens_on": "2027-01-10", "closes_on": "2027-01-12",
    }, headers)  # fmt: skip
    if ALLOWED[position]:
        assert station.status_code == 201, station.content
        assert session.status_code == 201, session.content
    else:
        for answer in (station, session):
            assert answer.status_code == 400 and field_names(answer) == {"region"}
        assert not Station.objects.filter(name="新联络站").exists()
        assert not Session.objects.filter(name="第十八届人大第三次会议").exists()


def test_station_bad_input_and_members(client, world):
    from stations.models import Representative

    headers = auth(world, "township")
    own = Representative.objects.create(
        region=world.regions["townA1"], name="甲代表", id_code="T-1"
    )
    other = Representative.objects.create(
        region=world.regions["townA2"], name="乙代表", id_code="T-2"
    )
    base = {"region": world.regions["townA1"].pk, "name": "甲一站", "kind": "village"}
    for field, override in {"kind": {"kind": "boat"}, "checklist": {"checklist": {"pool": True}},
                            "members": {"members": [own.pk, other.pk]},
                            "chief": {"chief": other.pk}}.items():  # fmt: skip
        answer = post(client, "/api/v1/stations/", {**base, **override}, headers)
        assert answer.status_code == 400 and field in field_names(answer), (field, answer.json())
    assert not Station.objects.filter(name="甲一站").exists()
    made = post(
        client, "/api/v1/stations/", {**base, "members": [own.pk], "chief": own.pk}, headers
    )
    assert made.status_code == 201 and made.json()["members"] == [own.pk]
    emptied = client.patch(f"/api/v1/stations/{made.json()['id']}/", {"members": []},
                           content_type="application/json", **headers)  # fmt: skip
    assert emptied.status_code == 200 and emptied.json()["members"] == []


def test_session_dates_and_names(client, world):
    headers = auth(world, "county")
    body = {"region": world.regions["countyA"].pk, "name": "甲县人大一次会议",
            "opens_on": "2027-01-10", "closes_on": "2027-01-09"}  # fmt: skip
    backwards = post(client, "/api/v1/suggestion-sessions/", body, headers)
    assert backwards.status_code == 400 and field_names(backwards) == {"closes_on"}
    made = post(
        client, "/api/v1/suggestion-sessions/", {**body, "closes_on": "2027-01-12"}, headers
    )
    assert made.status_code == 201
    twice = post(
        client, "/api/v1/suggestion-sessions/", {**body, "closes_on": "2027-01-12"}, headers
    )
    assert twice.status_code == 400 and field_names(twice) == {"name"}
    moved = client.patch(f"/api/v1/suggestion-sessions/{made.json()['id']}/", {"closes_on": "2027-01-13"},
                         content_type="application/json", **headers)  # fmt: skip
    assert moved.status_code == 200 and moved.json()["closes_on"] == "2027-01-13"
    assert Event.objects.filter(action="suggestion_session_update").count() == 1
