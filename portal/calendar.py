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


# --- importing a year from the State Council's notice ---------------------------------------

HOLIDAY_WORDS = {"holiday", "off", "休", "假", "放假", "节假日"}
WORKDAY_WORDS = {"workday", "work", "班", "上班", "调休上班", "工作日"}


class CalendarImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def _parse_date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text.strip().replace("/", "-"))


def parse_year_file(data: bytes, year: int) -> dict[datetime.date, tuple[bool, str]]:
    """Parse a simple text file of one year's holidays and make-up workdays::

        # 2027 国务院办公厅通知
        2027-01-01,holiday,元旦
        2027-02-06..2027-02-12,holiday,春节     (a range, both ends included)
        2027-02-20,workday,春节调休上班

    Kind words: holiday/休/放假 or workday/班/上班. Blank lines and ``#`` comments are
    skipped. Return {date: (is_working, name)} with only the days that break the weekday
    rule; raise ``CalendarImportError`` with every bad line."""
    from django.utils.translation import gettext as _

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CalendarImportError([_("The file is not UTF-8 text.")]) from None
    days: dict[datetime.date, tuple[bool, str]] = {}
    seen: dict[datetime.date, int] = {}
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = [part.strip() for part in line.replace("，", ",").split(",")]
        if len(parts) not in (2, 3):
            errors.append(_("Line %(line)d: expected date, kind and name.") % {"line": number})
            continue
        span, kind, name = parts[0], parts[1].lower(), (parts[2] if len(parts) == 3 else "")
        try:
            first, _sep, last = span.partition("..")
            start = _parse_date(first)
            end = _parse_date(last) if last else start
        except ValueError:
            errors.append(
                _("Line %(line)d: “%(date)s” is not a date like 2027-01-01.")
                % {"line": number, "date": span}
            )
            continue
        if kind not in HOLIDAY_WORDS | WORKDAY_WORDS:
            errors.append(
                _("Line %(line)d: the kind must be holiday or workday, not “%(kind)s”.")
                % {"line": number, "kind": parts[1]}
            )
            continue
        if start.year != year or end.year != year or end < start or (end - start).days > 31:
            errors.append(
                _("Line %(line)d: the dates must lie in %(year)d, at most a month apart.")
                % {"line": number, "year": year}
            )
            continue
        if len(name) > 50:
            errors.append(_("Line %(line)d: the name is longer than 50 characters.")
                          % {"line": number})  # fmt: skip
            continue
        working = kind in WORKDAY_WORDS
        date = start
        while date <= end:
            if date in seen:
                errors.append(
                    _("Line %(line)d: %(date)s already appears on line %(other)d.")
                    % {"line": number, "date": date.isoformat(), "other": seen[date]}
                )
                break
            seen[date] = number
            if working != (date.weekday() < 5):  # only days that break the weekday rule
                days[date] = (working, name)
            date += datetime.timedelta(days=1)
    if not errors and not seen:
        errors.append(_("The file holds no days."))
    if errors:
        raise CalendarImportError(errors)
    return days


@transaction.atomic
def import_year(year: int, days: dict[datetime.date, tuple[bool, str]], *, source: str,
                actor=None) -> CalendarYear:  # fmt: skip
    """Replace the holidays and make-up workdays of ``year`` and mark the year known (its
    dates are no longer flagged for review); write an audit event."""
    from portal import events

    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    removed, _detail = CalendarDay.objects.filter(date__gte=start, date__lte=end).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(date=date, is_working=working, name=name)
        for date, (working, name) in sorted(days.items())
    )
    calendar_year, _created = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": source[:100]}
    )
    events.record(
        actor=actor, target=calendar_year, action=events.Action.CALENDAR_IMPORT,
        data={"days": len(days), "replaced": removed, "source": source[:100]},
    )  # fmt: skip
    return calendar_year
