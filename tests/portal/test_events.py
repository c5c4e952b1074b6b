"""The audit trail is append-only: no interface changes or deletes an event."""

import pytest
from django.db import DatabaseError, connection, transaction

from portal import events
from portal.models import Event


@pytest.fixture
def event(world):
    return events.record(
        actor=world.users["county"],
        target=world.depts["townA1"],
        action="test_action",
        before="a",
        after="b",
        note="原因",
    )


def test_record_fills_region_target_and_states(world, event):
    assert event.region == world.regions["townA1"]
    assert event.target_repr == "甲一镇单位"
    assert (event.from_state, event.to_state, event.note) == ("a", "b", "原因")
    assert list(events.history(world.depts["townA1"])) == [event]
    assert list(events.history(world.depts["townA2"])) == []


def test_admin_cannot_change_or_delete_an_event(client, world, event):
    client.force_login(world.users["county"])
    url = f"/admin/portal/event/{event.pk}/"
    assert client.get(url + "change/").status_code == 200  # readable
    response = client.post(url + "change/", {"action": "edited", "note": "x"})
    assert response.status_code == 403
    assert client.get(url + "delete/").status_code == 403
    assert client.post(url + "delete/", {"post": "yes"}).status_code == 403
    response = client.post(
        "/admin/portal/event/", {"action": "delete_selected", "_selected_action": [event.pk]}
    )
    assert Event.objects.filter(pk=event.pk, action="test_action", note="原因").exists()
    assert client.get("/admin/portal/event/add/").status_code == 403


def test_superuser_cannot_change_or_delete_an_event_in_admin(
    client, world, event, django_user_model
):
    root = django_user_model.objects.create_superuser("root", password="x-Strong-pass-1")
    client.force_login(root)
    url = f"/admin/portal/event/{event.pk}/"
    assert client.post(url + "change/", {"action": "edited"}).status_code == 403
    assert client.post(url + "delete/", {"post": "yes"}).status_code == 403
    assert Event.objects.get(pk=event.pk).action == "test_action"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_api_cannot_change_or_delete_an_event(client, world, event, method):
    client.force_login(world.users["county"])
    response = getattr(client, method)(
        f"/api/v1/events/{event.pk}/", {"action": "edited"}, content_type="application/json"
    )
    assert response.status_code == 405
    assert Event.objects.get(pk=event.pk).action == "test_action"


def test_api_cannot_create_an_event(client, world):
    client.force_login(world.users["county"])
    response = client.post("/api/v1/events/", {"action": "forged"}, content_type="application/json")
    assert response.status_code == 405
    assert not Event.objects.filter(action="forged").exists()


def test_events_are_scoped_like_their_region(client, world, event):
    client.force_login(world.users["township"])
    assert client.get(f"/api/v1/events/{event.pk}/").status_code == 200
    client.force_login(world.users["city"])
    assert client.get(f"/api/v1/events/{event.pk}/").status_code == 200
    other = events.record(actor=None, target=world.depts["townA2"], action="x")
    client.force_login(world.users["township"])
    assert client.get(f"/api/v1/events/{other.pk}/").status_code == 404


def test_database_refuses_update(world, event):
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(action="edited")
    assert Event.objects.get(pk=event.pk).action == "test_action"


@pytest.mark.postgres
def test_postgres_refuses_delete(world, event):
    assert connection.vendor == "postgresql"
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).delete()
    assert Event.objects.filter(pk=event.pk).exists()


def test_admin_edit_writes_an_event_shown_in_history(client, world):
    dept = world.depts["townA1"]
    client.force_login(world.users["county"])
    response = client.post(
        f"/admin/portal/department/{dept.pk}/change/",
        {
            "region": dept.region_id,
            "name": dept.name,
            "kind": dept.kind,
            "phone": "0574-8888",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    event = events.history(dept).get()
    assert event.action == "admin_change" and event.actor == world.users["county"]
    page = client.get(f"/admin/portal/department/{dept.pk}/history/")
    assert page.status_code == 200
    assert "在管理后台修改" in page.content.decode()  # the action's label, not its code
    client.force_login(world.users["township"])
    assert (
        client.get(f"/admin/portal/department/{world.depts['countyA'].pk}/history/").status_code
        == 404
    )
