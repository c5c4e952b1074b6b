"""Template filters of ``portal.dates``: ``{{ value|cndate }}`` gives 2026年12月6日 and
``{{ value|cndatetime }}`` gives 2026年12月6日 14:05. Date inputs (``type=date``) keep their
ISO values and never use these filters."""

from django import template

from portal.dates import format_date, format_datetime

register = template.Library()

# expects_localtime is off: the filters convert aware values themselves, so a value passed
# to them from Python code is treated the same as one from a template.
register.filter("cndate", format_date)
register.filter("cndatetime", format_datetime)
