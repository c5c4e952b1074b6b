"""Working days in China: weekends, statutory holidays and make-up workdays (调休).

The calendar lives in the database (``CalendarYear``, ``CalendarDay``), seeded from the
``chinese-calendar`` package for the years it knows and editable by staff when the State
Council publishes the next year's notice. A date in a year without data is judged by the
weekday alone and reported as not known, so callers can flag it for review; it is never an
error.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction

from portal.models import CalendarDay, CalendarYear

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass(frozen=True)
class DayStatus:
    date: datetime.date
    is_working: bool
    known: bool  # False: the year has no holiday data, only the weekday rule was applied
    name: str = ""


class WorkCalendar:
    """Answer working-day questions for a span of dates from two queries, then memory."""

    def __init__(self, start: datetime.date, end: datetime.date):
        # Look a little past the end so that "the next working day" after a long holiday
        # at the end of the span is still answered from data.
        self.start, self.end = start, end + datetime.timedelta(days=40)
        self.known_years = set(
            CalendarYear.objects.filter(
                year__gte=self.start.year, year__lte=self.end.year
            ).values_list("year", flat=True)
        )
        self.days = {
            day.date: day
            for day in CalendarDay.objects.filter(date__gte=self.start, date__lte=self.end)
        }

    def status(self, date: datetime.date) -> DayStatus:
        known = date.year in self.known_years
        special = self.days.get(date) if self.start <= date <= self.end else None
        if special is None and not (self.start <= date <= self.end):
            special = CalendarDay.objects.filter(date=date).first()
            known = CalendarYear.objects.filter(year=date.year).exists()
        if special is not None:
            return DayStatus(date, special.is_working, known, special.name)
        return DayStatus(date, date.weekday() < 5, known)

    def is_working(self, date: datetime.date) -> bool:
        return self.status(date).is_working

    def next_working_day(self, date: datetime.date) -> datetime.date:
        """Return ``date`` when it is a working day, else the first working day after it."""
        while not self.is_working(date):
            date += datetime.timedelta(days=1)
        return date

    def previous_working_day(self, date: datetime.date) -> datetime.date:
        while not self.is_working(date):
            date -= datetime.timedelta(days=1)
        return date


def day_status(date: datetime.date) -> DayStatus:
    return WorkCalendar(date, date).status(date)


@transaction.atomic
def seed_from_package(day_model=CalendarDay, year_model=CalendarYear) -> int:
    """Load every year the ``chinese-calendar`` package knows that the database does not have
    yet; return the number of years added. Migrations pass their historical models."""
    import chinese_calendar

    years: set[int] = set()
    rows: dict[datetime.date, CalendarDay] = {}
    for date, name in chinese_calendar.holidays.items():
        years.add(date.year)
        if date.weekday() < 5:
            rows[date] = day_model(date=date, is_working=False, name=HOLIDAY_NAMES.get(name, name))
    for date, name in chinese_calendar.workdays.items():
        years.add(date.year)
        if date.weekday() >= 5:
            label = HOLIDAY_NAMES.get(name, name)
            rows[date] = day_model(date=date, is_working=True, name=f"{label}调休上班")
    existing_years = set(year_model.objects.values_list("year", flat=True))
    new_years = sorted(years - existing_years)
    day_model.objects.bulk_create(
        [row for date, row in rows.items() if date.year in new_years], ignore_conflicts=True
    )
    year_model.objects.bulk_create(
        [year_model(year=y, source="chinese-calendar") for y in new_years], ignore_conflicts=True
    )
    return len(new_years)


def add_working_days(start: datetime.date, days: int) -> tuple[datetime.date, bool]:
    """Return the date ``days`` working days after ``start`` and whether every day on the way
    was known (False: some year had no holiday data, so the weekday rule was used)."""
    work_calendar = WorkCalendar(start, start + datetime.timedelta(days=days * 2 + 30))
    date, counted, known = start, 0, True
    while counted < days:
        date += datetime.timedelta(days=1)
        status = work_calendar.status(date)
        known = known and status.known
        if status.is_working:
            counted += 1
    return date, known
