"""The stations' reminder sweeps: duty tomorrow, the monthly reception day, and deputies
short of the double-contact quota in the fourth quarter."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from portal import reminders
from portal.models import Notification, Reminder
from stations import reminders as station_reminders
from stations.models import ContactVisit, DutyRule, DutyShift, Household
from tests.stations.conftest import sworld, world  # noqa: F401, F811  (fixtures)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 2)


def shift(station, date, deputies, rule=None):
    row = DutyShift.objects.create(
        region=station.region, station=station, date=date, start_time=datetime.time(9),
        end_time=datetime.time(11), rule=rule,
    )  # fmt: skip
    row.deputies.set(deputies)
    return row


def recipients_of(obj):
    """The people told about ``obj`` (its type and id: ids of other models may coincide)."""
    kind = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return set(
        Notification.objects.filter(target_type=kind, target_id=obj.pk).values_list(
            "recipient__username", flat=True
        )
    )


def test_deputies_on_duty_are_reminded_the_day_before_once(sworld):  # noqa: F811
    st, deps = sworld.stations, sworld.deps
    tomorrow = shift(st["a1"], TODAY + datetime.timedelta(days=1), [deps["a1"], deps["b1"]])
    later = shift(st["a1"], TODAY + datetime.timedelta(days=2), [deps["a1b"]])
    for _run in range(2):
        reminders.run(station_reminders.DUTY_SHIFT, TODAY)
    assert list(Reminder.objects.values_list("target_id", flat=True)) == [tomorrow.pk]
    # dep_b1 has no account: only dep_a1's account is told
    assert recipients_of(tomorrow) == {sworld.base.users["deputy"].username}
    assert recipients_of(later) == set()
    row = Notification.objects.get(target_id=tomorrow.pk)
    assert "甲一镇中心联络站" in row.subject and "09:00" in row.subject


def test_the_monthly_reception_day_reaches_every_deputy_of_the_station(sworld):  # noqa: F811
    st, deps = sworld.stations, sworld.deps
    rule = DutyRule.objects.create(
        region=st["a1"].region, station=st["a1"], frequency=DutyRule.Frequency.MONTHLY,
        day_of_month=5, start_time=datetime.time(9), end_time=datetime.time(11),
        valid_from=TODAY,
    )  # fmt: skip
    day = shift(st["a1"], TODAY + datetime.timedelta(days=3), [deps["a1"]], rule=rule)
    reminders.run(station_reminders.DUTY_SHIFT, TODAY)
    reminders.run(station_reminders.RECEPTION_DAY, TODAY)
    reminders.run(station_reminders.RECEPTION_DAY, TODAY + datetime.timedelta(days=2))
    assert sorted(Reminder.objects.values_list("kind", "threshold")) == [
        ("stations.reception_day", 1), ("stations.reception_day", 3),
    ]  # fmt: skip
    users = sworld.base.users
    assert recipients_of(day) == {users["deputy"].username, users["deputy2"].username}


def _household(deputy, kind, visits, by):
    household = Household.objects.create(
        region=deputy.region, representative=deputy, name=f"户{kind}", kind=kind
    )
    for day in range(visits):
        ContactVisit.objects.create(
            region=deputy.region,
            household=household,
            date=datetime.date(2026, 3, 1 + day),
            recorded_by=by,
        )


def test_deputies_short_of_the_quota_are_reminded_in_the_fourth_quarter_only(sworld):  # noqa: F811
    deps, by = sworld.deps, sworld.base.users["deputy"]
    for kind in ("wealth_leader", "poor", "worthy"):
        _household(deps["a1"], kind, visits=2, by=by)  # complete
    for kind in ("wealth_leader", "poor", "worthy"):
        _household(deps["a1b"], kind, visits=1, by=by)  # met each only once
    _household(deps["a2"], "poor", visits=3, by=by)  # one household only
    sweep = station_reminders.CONTACT_QUOTA
    reminders.run(sweep, datetime.date(2026, 9, 30))
    assert not Reminder.objects.exists()
    for day in (datetime.date(2026, 10, 1), datetime.date(2026, 10, 20)):
        reminders.run(sweep, day)
    assert sorted(Reminder.objects.values_list("target_id", "threshold", "due_on")) == sorted(
        [(deps["a1b"].pk, 91, datetime.date(2026, 12, 31)),
         (deps["a2"].pk, 91, datetime.date(2026, 12, 31))]
    )  # fmt: skip
    reminders.run(sweep, datetime.date(2026, 12, 1))
    assert Reminder.objects.filter(threshold=30).count() == 2
    users = sworld.base.users
    assert recipients_of(deps["a2"]) == {users["deputy3"].username}
    assert recipients_of(deps["a1"]) == set()


def test_the_quota_sweep_and_the_compliance_list_agree_on_who_is_short(sworld):  # noqa: F811
    """``short_of_quota`` restates ``stations.queries.contact_compliance`` in SQL (a sweep
    needs a queryset): both must name the same deputies."""
    from stations.queries import contact_compliance
    from tests.factories import UserFactory

    deps, by = sworld.deps, sworld.base.users["deputy"]
    for kind in ("wealth_leader", "poor", "worthy"):
        _household(deps["a1"], kind, visits=2, by=by)
        _household(deps["a1b"], kind, visits=1, by=by)
    _household(deps["a2"], "poor", visits=3, by=by)
    today = datetime.date(2026, 10, 1)
    swept = set(station_reminders.short_of_quota(today).values_list("pk", flat=True))
    rows, _members = contact_compliance(UserFactory(is_superuser=True), today.year)
    short = {r.representative.pk for r in rows if not r.compliant and r.representative.user_id}
    assert swept == short and deps["a1"].pk not in swept
