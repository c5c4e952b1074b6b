"""Dates as people in China write them: 2026年12月6日, and 2026年12月6日 14:05 with the time.

The patterns are the zh-hans locale's DATE_FORMAT and DATETIME_FORMAT (Django's own
``formats``), so no date pattern is written here. Aware datetimes are shown in the local
time zone; a missing value shows as "—". The template filters ``cndate``/``cndatetime``
(``portal/templatetags/chinese_dates.py``), the staff tables and the deadline explanations
all use these two functions."""

from __future__ import annotations

import datetime

from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime

EMPTY = "—"


def _value(value) -> datetime.date | None:
    """Return ``value`` as a date or a local datetime, or None when it is not one."""
    if isinstance(value, str):
        value = value.strip()
        try:
            value = parse_datetime(value) or parse_date(value)
        except ValueError:
            return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value
    return None


def format_date(value) -> str:
    """Return ``value`` (a date, a datetime or an ISO string) as 2026年12月6日, "—" when
    it is missing, or the value itself when it is not a date."""
    if value is None or value == "":
        return EMPTY
    original, value = value, _value(value)
    if value is None:
        return str(original)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return formats.date_format(value, "DATE_FORMAT")


def format_datetime(value) -> str:
    """Return ``value`` as 2026年12月6日 14:05 (a plain date without the time), "—" when
    it is missing, or the value itself when it is not a date."""
    if value is None or value == "":
        return EMPTY
    original, value = value, _value(value)
    if value is None:
        return str(original)
    if not isinstance(value, datetime.datetime):
        return format_date(value)
    return formats.date_format(value, "DATETIME_FORMAT")
