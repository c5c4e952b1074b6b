"""Deadlines in calendar months: the date arithmetic and the readable record of a deadline.

A deadline is more than a date: it says what started it (the unit's receipt of an
assignment), the rule (three calendar months), the extensions granted (each with its
approver and reason) and the cap on the total (six months for deputies' suggestions). The
due date is always computed from those facts, never typed in, so that the explanation people
read and the date the lists filter on cannot disagree.

Month arithmetic is end-of-month safe: a date moves to the same day of the target month, or
to that month's last day when it has no such day (30 November + 3 months = 28 or 29
February; 31 August + 3 months = 30 November). A deadline falls on that date even when it is
a weekend or holiday: the rules count calendar months, not working days.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _

from portal.dates import format_date
from portal.errors import DomainError

# Deadline lights on every list: yellow when at most NEAR_DAYS days are left, red when overdue.
LIGHT_RED, LIGHT_YELLOW = "light-red", "light-yellow"
NEAR_DAYS = 3
API_LIGHTS = {LIGHT_RED: "red", LIGHT_YELLOW: "yellow", "": ""}  # the API's words for them


def light(due_on: datetime.date | None, today: datetime.date | None = None,
          near_days: int = NEAR_DAYS) -> str:  # fmt: skip
    """Return the CSS class of a running deadline: red overdue, yellow near, else ''."""
    if due_on is None:
        return ""
    from django.utils import timezone

    left = (due_on - (today or timezone.localdate())).days
    if left < 0:
        return LIGHT_RED
    return LIGHT_YELLOW if left <= near_days else ""


# Deputies' suggestions: handled within 3 months of receipt, at most 6 months in all (seed 003).
SUGGESTION_MONTHS = 3
SUGGESTION_CAP_MONTHS = 6


def add_months(date: datetime.date, months: int) -> datetime.date:
    """Return ``date`` moved by ``months`` calendar months, clamped to the month's last day."""
    index = date.year * 12 + (date.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise DomainError(_("The date is out of range."))
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(date.day, last))


@dataclass(frozen=True)
class Extension:
    """An approved extension of a deadline by a number of months."""

    months: int
    reason: str
    approved_by: str
    approved_on: datetime.date


@dataclass(frozen=True)
class Deadline:
    """A deadline as facts: the start, the rule in months, the extensions, the cap."""

    started_on: datetime.date
    started_by: str  # what started it, in words people read ("receipt of the assignment")
    months: int = SUGGESTION_MONTHS
    cap_months: int | None = SUGGESTION_CAP_MONTHS
    extensions: tuple[Extension, ...] = field(default=())

    @property
    def total_months(self) -> int:
        return self.months + sum(extension.months for extension in self.extensions)

    @property
    def due_on(self) -> datetime.date:
        return add_months(self.started_on, self.total_months)

    @property
    def months_left_to_cap(self) -> int | None:
        return None if self.cap_months is None else self.cap_months - self.total_months

    def check_extension(self, months: int, reason: str) -> None:
        """Raise ``DomainError`` when an extension of ``months`` with ``reason`` is refused."""
        # bool is an int in Python: True must not pass as "1 month".
        if isinstance(months, bool) or not isinstance(months, int) or months < 1:
            raise DomainError(_("Extend by at least one month."), field="months")
        if not (reason or "").strip():
            raise DomainError(_("Give the reason for the extension."), field="reason")
        left = self.months_left_to_cap
        if left is not None and months > left:
            raise DomainError(
                _(
                    "The deadline can be extended to at most %(cap)d months in all: "
                    "%(used)d months are used, %(left)d remain."
                )
                % {"cap": self.cap_months, "used": self.total_months, "left": max(left, 0)},
                field="months",
            )

    def extend(
        self, months: int, *, reason: str, approved_by: str, approved_on: datetime.date
    ) -> Deadline:
        """Return this deadline with one more approved extension; refuse one past the cap."""
        self.check_extension(months, reason)
        extension = Extension(months, reason.strip(), approved_by, approved_on)
        return replace(self, extensions=(*self.extensions, extension))

    def explain(self) -> str:
        """Return how the due date was computed, in a sentence people can check by hand."""
        parts = [
            _("%(months)d months from %(start)s (%(what)s)")
            % {
                "months": self.months,
                "start": format_date(self.started_on),
                "what": self.started_by,
            }
        ]
        for extension in self.extensions:
            parts.append(
                _("extended by %(months)d months on %(date)s, approved by %(who)s: %(reason)s")
                % {
                    "months": extension.months,
                    "date": format_date(extension.approved_on),
                    "who": extension.approved_by,
                    "reason": extension.reason,
                }
            )
        # Each piece is a whole phrase people translate; the separator is translated too.
        steps = _("; ").join(parts)
        due = format_date(self.due_on)
        if self.due_on.day != self.started_on.day:
            due_text = _("due on %(due)s (the target month has no day %(day)d: its last day)") % {
                "due": due,
                "day": self.started_on.day,
            }
        else:
            due_text = _("due on %(due)s") % {"due": due}
        if self.cap_months is None:
            return _("%(steps)s → %(due)s") % {"steps": steps, "due": due_text}
        return _("%(steps)s → %(due)s; at most %(cap)d months in all.") % {
            "steps": steps,
            "due": due_text,
            "cap": self.cap_months,
        }


def suggestion_deadline(started_on: datetime.date, started_by: str, **kwargs) -> Deadline:
    """Return the 3-month deadline of a suggestion's handling, capped at 6 months in all."""
    kwargs.setdefault("months", SUGGESTION_MONTHS)
    kwargs.setdefault("cap_months", SUGGESTION_CAP_MONTHS)
    return Deadline(started_on=started_on, started_by=started_by, **kwargs)
