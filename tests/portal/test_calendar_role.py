"""Who enters the holiday calendar in the admin: the office of a whole city (and superusers);
county and township offices only read it; deputies do not reach it."""

import datetime

import pytest
from django.urls import reverse

from portal import access
from portal.events import Action
from portal.models import CalendarDay, CalendarYear, Event
from tests.factories import staff_with_role

ADD_DAY = reverse("admin:portal_calendarday_add")
DAYS = reverse("admin:portal_calendarday_changelist")
NEW_YEAR = {"date": "2027-01-01", "name": "元旦"}  # a Friday: a holiday on a weekday


def events_of(obj, action) -> int:
    return Event.objects.filter(
        target_type__model=obj._meta.model_name, target_id=obj.pk, action=action
    ).count()


def test_city_office_staff_adds_and_changes_a_holiday_audited(client, world):
    clerk = world.users["city"]
    client.force_login(clerk)
    assert client.get(ADD_DAY).status_code == 200
    assert client.post(ADD_DAY, NEW_YEAR).status_code == 302
    day = CalendarDay.objects.get(date=datetime.date(2027, 1, 1))
    assert not day.is_working
    assert events_of(day, Action.ADMIN_CREATE) == 1
    assert Event.objects.get(target_id=day.pk, action=Action.ADMIN_CREATE).actor == clerk

    change = reverse("admin:portal_calendarday_change", args=[day.pk])
    assert client.post(change, {**NEW_YEAR, "name": "元旦假期"}).status_code == 302
    day.refresh_from_db()
    assert day.name == "元旦假期"
    assert events_of(day, Action.ADMIN_CHANGE) == 1


def test_city_office_staff_marks_a_year_as_known(client, world):
    client.force_login(world.users["city"])
    response = client.post(
        reverse("admin:portal_calendaryear_add"), {"year": 2027, "source": "国办发明电〔2026〕1号"}
    )
    assert response.status_code == 302
    year = CalendarYear.objects.get(year=2027)
    assert events_of(year, Action.ADMIN_CREATE) == 1


def test_city_office_staff_deletes_a_mistaken_day_audited(client, world):
    day = CalendarDay.objects.create(date=datetime.date(2027, 1, 4), is_working=False, name="误录")
    client.force_login(world.users["city"])
    delete = reverse("admin:portal_calendarday_delete", args=[day.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    assert Event.objects.filter(target_id=day.pk, action="admin_delete").count() == 1


@pytest.mark.parametrize("who", ["county", "township"])
def test_county_and_township_staff_read_the_calendar_but_cannot_change_it(client, world, who):
    day = CalendarDay.objects.create(date=datetime.date(2027, 1, 1), is_working=False, name="元旦")
    client.force_login(world.users[who])
    assert client.get(DAYS).status_code == 200
    assert client.get(ADD_DAY).status_code == 403
    assert client.post(ADD_DAY, {**NEW_YEAR, "date": "2027-01-04"}).status_code == 403
    change = reverse("admin:portal_calendarday_change", args=[day.pk])
    assert client.post(change, {**NEW_YEAR, "name": "改名"}).status_code == 403
    delete = reverse("admin:portal_calendarday_delete", args=[day.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:portal_calendaryear_add"), {"year": 2027}).status_code == 403
    day.refresh_from_db()
    assert day.name == "元旦"
    assert not CalendarDay.objects.filter(date=datetime.date(2027, 1, 4)).exists()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_a_city_viewer_reads_but_cannot_change(client, world):
    viewer = staff_with_role(world.regions["city"], access.Role.VIEWER, username="city_viewer")
    client.force_login(viewer)
    assert client.get(DAYS).status_code == 200
    assert client.get(ADD_DAY).status_code == 403


def test_deputies_and_handlers_do_not_reach_the_calendar(client, world):
    client.force_login(world.users["deputy"])  # no admin at all
    assert client.get(ADD_DAY).status_code == 302
    assert client.post(ADD_DAY, NEW_YEAR).status_code == 302
    client.force_login(world.users["handler"])  # a handling unit is no office
    assert client.get(DAYS).status_code == 403
    assert client.post(ADD_DAY, NEW_YEAR).status_code == 403
    assert not CalendarDay.objects.filter(date=datetime.date(2027, 1, 1)).exists()


def test_the_right_belongs_to_the_city_level_only(world):
    assert access.may_edit_calendar(world.users["city"])
    for who in ("county", "township", "viewer", "deputy", "handler", "anonymous"):
        assert not access.may_edit_calendar(world.users[who]), who
