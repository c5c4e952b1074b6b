"""Duty roster recurrence: turn a ``DutyRule`` into dates, with the working-day calendar.

A monthly rule on the 31st uses the last day of shorter months; a day that is not a working
day is kept, moved to the next or previous working day, or skipped, as the rule says. Dates
in a year without holiday data follow the weekday rule and are flagged for review.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from portal.calendar import WorkCalendar
from stations.models import DutyRule, NonWorkingDay


@dataclass(frozen=True)
class Occurrence:
    date: datetime.date
    moved_from: datetime.date | None
    needs_review: bool


def _monthly_dates(day: int, start: datetime.date, end: datetime.date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        last = calendar.monthrange(year, month)[1]
        date = datetime.date(year, month, min(day, last))
        if start <= date <= end:
            yield date
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _weekly_dates(weekday: int, start: datetime.date, end: datetime.date):
    date = start + datetime.timedelta(days=(weekday - start.weekday()) % 7)
    while date <= end:
        yield date
        date += datetime.timedelta(days=7)


def nominal_dates(rule: DutyRule, start: datetime.date, end: datetime.date):
    """Yield the rule's dates in [start, end] before any working-day adjustment."""
    start = max(start, rule.valid_from)
    if rule.valid_until is not None:
        end = min(end, rule.valid_until)
    if start > end:
        return
    if rule.frequency == DutyRule.Frequency.MONTHLY:
        yield from _monthly_dates(rule.day_of_month, start, end)
    else:
        yield from _weekly_dates(rule.weekday, start, end)


def occurrences(
    rule: DutyRule,
    start: datetime.date,
    end: datetime.date,
    work_calendar: WorkCalendar | None = None,
) -> list[Occurrence]:
    """Return the dates of ``rule`` between ``start`` and ``end``, adjusted for holidays."""
    work_calendar = work_calendar or WorkCalendar(start - datetime.timedelta(days=31), end)
    result: dict[datetime.date, Occurrence] = {}
    for nominal in nominal_dates(rule, start, end):
        status = work_calendar.status(nominal)
        date = nominal
        if not status.is_working:
            policy = rule.on_non_working_day
            if policy == NonWorkingDay.SKIP:
                continue
            if policy == NonWorkingDay.NEXT:
                date = work_calendar.next_working_day(nominal)
            elif policy == NonWorkingDay.PREVIOUS:
                date = work_calendar.previous_working_day(nominal)
        needs_review = not status.known or not work_calendar.status(date).known
        if date not in result:
            result[date] = Occurrence(date, nominal if date != nominal else None, needs_review)
    return sorted(result.values(), key=lambda o: o.date)
