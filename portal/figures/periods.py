"""The periods of the dashboards: a month, a quarter, a year, or a run of months (custom).

Figures are kept by month, so every period is whole months: ``Period.months`` lists their
first days. ``parse`` reads the query string (``period=month&month=2026-11``,
``period=quarter&year=2026&quarter=4``, ``period=year&year=2026``,
``period=custom&from=2026-03&to=2026-08``) and answers bad input with field errors.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

KINDS = ("month", "quarter", "year", "custom")
MAX_MONTHS = 60


def first(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_label(month: datetime.date) -> str:
    """ "2026年3月"."""
    return _("%(month)d/%(year)d") % {"year": month.year, "month": month.month}


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first days of the months from ``start``'s to ``end``'s, both included."""
    out, month = [], first(start)
    while month <= end:
        out.append(month)
        month = add_months(month, 1)
    return out


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date  # first day of the first month
    end: datetime.date  # first day of the last month

    @property
    def months(self) -> list[datetime.date]:
        return months_between(self.start, self.end)

    @property
    def last_day(self) -> datetime.date:
        return add_months(self.end, 1) - datetime.timedelta(days=1)

    def previous(self) -> Period:
        """What the figures are compared with: for a year (or this year so far) the same
        months a year before; otherwise the period of the same length just before."""
        if self.kind == "year":
            return Period(self.kind, add_months(self.start, -12), add_months(self.end, -12))
        length = len(self.months)
        return Period(self.kind, add_months(self.start, -length), add_months(self.start, -1))

    @property
    def label(self) -> str:
        if self.kind == "month":
            return month_label(self.start)
        if self.kind == "quarter":
            quarter = (self.start.month - 1) // 3 + 1
            return _("Q%(quarter)d %(year)d") % {"year": self.start.year, "quarter": quarter}
        if self.kind == "year":
            return _("Year %(year)d") % {"year": self.start.year}
        return _("%(start)s to %(end)s") % {
            "start": month_label(self.start),
            "end": month_label(self.end),
        }

    def query(self) -> dict[str, str]:
        """The query-string parameters that give this period back."""
        if self.kind == "month":
            return {"period": "month", "month": self.start.strftime("%Y-%m")}
        if self.kind == "quarter":
            quarter = (self.start.month - 1) // 3 + 1
            return {"period": "quarter", "year": str(self.start.year), "quarter": str(quarter)}
        if self.kind == "year":
            return {"period": "year", "year": str(self.start.year)}
        return {
            "period": "custom",
            "from": self.start.strftime("%Y-%m"),
            "to": self.end.strftime("%Y-%m"),
        }


def _year_of(year: int, today: datetime.date) -> Period:
    """A year; this year only so far (no months to come)."""
    end = datetime.date(year, 12, 1)
    if year == today.year:
        end = first(today)
    return Period("year", datetime.date(year, 1, 1), end)


def default(today: datetime.date | None = None) -> Period:
    """This year so far."""
    today = today or timezone.localdate()
    return _year_of(today.year, today)


def _month(raw: str | None, name: str, errors: dict) -> datetime.date | None:
    try:
        year, month = (int(part) for part in (raw or "").split("-"))
        if not 2000 <= year <= 2100:
            raise ValueError
        return datetime.date(year, month, 1)
    except ValueError:
        errors[name] = [_("Enter a month as YYYY-MM, between 2000 and 2100.")]
        return None


def _year(raw: str | None, errors: dict) -> int | None:
    try:
        year = int(raw or "")
    except ValueError:
        errors["year"] = [_("Enter a year.")]
        return None
    if not 2000 <= year <= 2100:
        errors["year"] = [_("Enter a year between 2000 and 2100.")]
        return None
    return year


def parse(params, today: datetime.date | None = None) -> tuple[Period, dict[str, list[str]]]:
    """The period asked for in ``params`` (a QueryDict or dict) and the errors found; on
    errors the default period is returned with them."""
    today = today or timezone.localdate()
    kind = params.get("period") or "year"
    errors: dict[str, list[str]] = {}
    if kind not in KINDS:
        return default(today), {"period": [_("Choose month, quarter, year or custom.")]}
    if kind == "month":
        month = _month(params.get("month") or today.strftime("%Y-%m"), "month", errors)
        period = Period("month", month, month) if month else None
    elif kind in ("quarter", "year"):
        year = _year(params.get("year") or str(today.year), errors)
        period = None
        if year and kind == "year":
            period = _year_of(year, today)
        elif year:
            quarter = params.get("quarter") or str((today.month - 1) // 3 + 1)
            if quarter not in ("1", "2", "3", "4"):
                errors["quarter"] = [_("Choose a quarter from 1 to 4.")]
            else:
                start = datetime.date(year, (int(quarter) - 1) * 3 + 1, 1)
                period = Period("quarter", start, add_months(start, 2))
    else:
        start = _month(params.get("from"), "from", errors)
        end = _month(params.get("to"), "to", errors)
        period = None
        if start and end:
            if end < start:
                errors["to"] = [_("The end comes before the start.")]
            elif len(months_between(start, end)) > MAX_MONTHS:
                errors["to"] = [_("At most %(count)d months.") % {"count": MAX_MONTHS}]
            else:
                period = Period("custom", start, end)
    if period and period.start.year < 2000 or period and period.end.year > 2100:
        errors.setdefault("period", [_("Enter a period between 2000 and 2100.")])
        period = None
    return (period or default(today)), errors
