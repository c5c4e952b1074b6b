"""Duty roster recurrence across month ends and the Chinese holiday calendar."""

import datetime

import chinese_calendar
import pytest
from django.core.exceptions import PermissionDenied

from portal.calendar import WorkCalendar
from portal.models import CalendarDay, CalendarYear, Event
from stations import roster, workflow
from stations.models import DutyRule, DutyShift, NonWorkingDay

D = datetime.date


def rule(station, **kwargs) -> DutyRule:
    values = {
        "region": station.region, "station": station, "frequency": DutyRule.Frequency.MONTHLY,
        "day_of_month": 10, "start_time": datetime.time(9), "end_time": datetime.time(11, 30),
        "valid_from": D(2026, 1, 1), "on_non_working_day": NonWorkingDay.KEEP,
    }  # fmt: skip
    values.update(kwargs)
    return DutyRule.objects.create(**values)


def dates(rule_, start, end):
    return [o.date for o in roster.occurrences(rule_, start, end)]


def first_package_workday_from(day: datetime.date) -> datetime.date:
    """The oracle: the package itself, not the database calendar the code reads."""
    while not chinese_calendar.is_workday(day):
        day += datetime.timedelta(days=1)
    return day


def test_day_31_uses_the_last_day_of_shorter_months(sworld):
    r = rule(sworld.stations["a1"], day_of_month=31)
    assert dates(r, D(2026, 1, 1), D(2026, 6, 30)) == [
        D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 30), D(2026, 5, 31), D(2026, 6, 30),
    ]  # fmt: skip


def test_leap_february_in_an_unknown_year_is_flagged(sworld):
    r = rule(sworld.stations["a1"], day_of_month=30, valid_from=D(2028, 1, 1))
    found = roster.occurrences(r, D(2028, 2, 1), D(2028, 3, 31))
    assert [o.date for o in found] == [D(2028, 2, 29), D(2028, 3, 30)]
    assert all(o.needs_review for o in found)


def test_next_working_day_skips_the_national_day_holiday(sworld):
    r = rule(sworld.stations["a1"], day_of_month=1, on_non_working_day=NonWorkingDay.NEXT)
    found = roster.occurrences(r, D(2026, 9, 1), D(2026, 10, 31))
    october = [o for o in found if o.date.month == 10 or o.moved_from and o.moved_from.month == 10]
    assert october[0].moved_from == D(2026, 10, 1)
    assert october[0].date == first_package_workday_from(D(2026, 10, 1)) == D(2026, 10, 8)
    assert not october[0].needs_review


def test_saturday_make_up_workday_is_kept_as_a_working_day(sworld):
    r = rule(sworld.stations["a1"], day_of_month=10, on_non_working_day=NonWorkingDay.NEXT)
    found = roster.occurrences(r, D(2026, 10, 1), D(2026, 10, 31))
    assert [(o.date, o.moved_from) for o in found] == [(D(2026, 10, 10), None)]  # 调休上班


def test_spring_festival_moves_a_shift_across_the_week(sworld):
    r = rule(sworld.stations["a1"], day_of_month=16, on_non_working_day=NonWorkingDay.NEXT)
    [feb] = roster.occurrences(r, D(2026, 2, 1), D(2026, 2, 28))
    assert feb.date == first_package_workday_from(D(2026, 2, 16)) == D(2026, 2, 24)


def test_previous_working_day_and_skip_and_keep(sworld):
    station = sworld.stations["a1"]
    previous = rule(station, day_of_month=1, on_non_working_day=NonWorkingDay.PREVIOUS)
    assert dates(previous, D(2026, 1, 1), D(2026, 1, 31)) == [D(2025, 12, 31)]
    skip = rule(station, day_of_month=1, on_non_working_day=NonWorkingDay.SKIP)
    # 1 January is New Year's Day, 1 February a Sunday, 1 March a Sunday: all skipped.
    assert dates(skip, D(2026, 1, 1), D(2026, 3, 31)) == []
    keep = rule(station, day_of_month=1, on_non_working_day=NonWorkingDay.KEEP)
    assert dates(keep, D(2026, 1, 1), D(2026, 1, 31)) == [D(2026, 1, 1)]


def test_skip_drops_only_non_working_days(sworld):
    r = rule(sworld.stations["a1"], day_of_month=1, on_non_working_day=NonWorkingDay.SKIP)
    got = dates(r, D(2026, 1, 1), D(2026, 12, 31))
    expected = [D(2026, m, 1) for m in range(1, 13) if chinese_calendar.is_workday(D(2026, m, 1))]
    assert got == expected
    assert D(2026, 1, 1) not in got and D(2026, 10, 1) not in got


def test_weekly_wednesday_through_the_national_day_week(sworld):
    r = rule(
        sworld.stations["a1"], frequency=DutyRule.Frequency.WEEKLY, day_of_month=None, weekday=2,
        on_non_working_day=NonWorkingDay.NEXT,
    )  # fmt: skip
    assert dates(r, D(2026, 9, 28), D(2026, 10, 20)) == [
        D(2026, 9, 30), D(2026, 10, 8), D(2026, 10, 14),
    ]  # fmt: skip


def test_unknown_year_uses_weekdays_and_is_flagged_until_staff_add_the_year(sworld):
    r = rule(sworld.stations["a1"], day_of_month=1, on_non_working_day=NonWorkingDay.NEXT,
             valid_from=D(2027, 1, 1))  # fmt: skip
    [jan] = roster.occurrences(r, D(2027, 1, 1), D(2027, 1, 31))
    assert (jan.date, jan.needs_review) == (D(2027, 1, 1), True)  # a Friday by the weekday rule
    CalendarYear.objects.create(year=2027, source="国务院办公厅通知")
    CalendarDay.objects.create(date=D(2027, 1, 1), is_working=False, name="元旦")
    [jan] = roster.occurrences(r, D(2027, 1, 1), D(2027, 1, 31))
    assert (jan.date, jan.moved_from, jan.needs_review) == (D(2027, 1, 4), D(2027, 1, 1), False)


def test_valid_until_bounds_the_rule(sworld):
    r = rule(sworld.stations["a1"], day_of_month=15, valid_until=D(2026, 3, 20))
    assert dates(r, D(2026, 1, 1), D(2026, 12, 31)) == [
        D(2026, 1, 15),
        D(2026, 2, 15),
        D(2026, 3, 15),
    ]


def test_work_calendar_answers_from_the_database():
    # The migration seeded the years the package knows.
    calendar = WorkCalendar(D(2026, 1, 1), D(2026, 12, 31))
    assert calendar.status(D(2026, 10, 1)).name == "国庆节"
    assert calendar.is_working(D(2026, 10, 10))
    assert not calendar.is_working(D(2026, 10, 11))


pytestmark = pytest.mark.django_db


def test_shifts_generate_is_idempotent_audited_and_staff_only(sworld):
    station = sworld.stations["a1"]
    r = rule(station, day_of_month=10, on_non_working_day=NonWorkingDay.NEXT)
    r.deputies.set([sworld.deps["a1"], sworld.deps["a1b"]])
    staff = sworld.base.users["township"]
    created = workflow.shifts_generate(
        actor=staff, rule_id=r.pk, start=D(2026, 1, 1), end=D(2026, 6, 30)
    )
    assert len(created) == 6
    assert (
        workflow.shifts_generate(actor=staff, rule_id=r.pk, start=D(2026, 1, 1), end=D(2026, 6, 30))
        == []
    )
    assert DutyShift.objects.filter(station=station).count() == 6
    shift = DutyShift.objects.get(station=station, date__month=5)
    assert set(shift.deputies.all()) == {sworld.deps["a1"], sworld.deps["a1b"]}
    assert shift.region == station.region
    assert Event.objects.filter(action="shifts_generate").count() == 2
    with pytest.raises(PermissionDenied):
        workflow.shifts_generate(
            actor=sworld.base.users["viewer"], rule_id=r.pk, start=D(2026, 7, 1), end=D(2026, 7, 31)
        )
    from django.http import Http404

    with pytest.raises(Http404):
        workflow.shifts_generate(
            actor=sworld.base.users["deputy"], rule_id=r.pk, start=D(2026, 7, 1), end=D(2026, 7, 31)
        )
