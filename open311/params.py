"""The parameters of an Open311 call, read and checked once.

Every call declares the names it takes; any other name is a 400, as everywhere in the
portal. A POST is read as the spec sends it (``application/x-www-form-urlencoded``) or as a
JSON object of plain values; parameters in the query string count too. Values are text of
bounded length without control characters; dates are W3C date-times (a date alone is that
day in the portal's time zone, and so is a time without its offset); lists are comma
separated and may be repeated. Nothing a caller sends can raise past this module: it is a
400 (or a 413 for a body too large) in the spec's error format.
"""

from __future__ import annotations

import datetime
import json
import re

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.translation import gettext as _

from open311.render import NOT_XML, Open311Error
from petitions.forms_public import row_id

MAX_VALUE = 10_000  # characters of one value (a description is at most 5,000)
MAX_LIST = 1_000  # items of one comma-separated list
MAX_NAME_SHOWN = 40
W3C_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|z|[+-]\d{2}:?\d{2})?)?$"
)
TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no", ""}


def bad(description: str) -> Open311Error:
    return Open311Error(400, description)


def _body_values(request) -> dict[str, list[str]]:
    """Return the values of a POST body (form or JSON object)."""
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    try:
        if content_type == "application/json":
            return _json_values(request.body)
        if request.FILES:
            raise bad(_("Files are not accepted: describe the problem in words."))
        return {key: request.POST.getlist(key) for key in request.POST}
    except RequestDataTooBig:
        raise Open311Error(413, _("The request body is too large.")) from None
    except (TooManyFieldsSent, TooManyFilesSent, MultiPartParserError, UnreadablePostError):
        raise bad(_("The request body could not be read.")) from None


def _json_values(body: bytes) -> dict[str, list[str]]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise bad(_("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise bad(_("The request body must be a JSON object of parameters."))
    values: dict[str, list[str]] = {}
    for key, value in data.items():
        items = value if isinstance(value, list) else [value]
        for item in items:
            if item is None:
                continue
            if isinstance(item, bool):
                item = "true" if item else "false"
            if not isinstance(item, str | int | float):
                raise bad(_("Parameter %(name)s must be text.") % {"name": _shown(key)})
            values.setdefault(key, []).append(str(item))
    return values


def _shown(name: str) -> str:
    """Return a parameter's name as an error message may quote it."""
    return NOT_XML.sub("", name)[:MAX_NAME_SHOWN] or "?"


# attribute[code]=value: the spec's service attributes. No service here has any, so they are
# accepted and not read (a client that always sends them is not refused).
ATTRIBUTE = re.compile(r"attribute\[[^\[\]]{1,64}\](\[\])?")


class Params:
    """The checked parameters of one call."""

    def __init__(self, values: dict[str, list[str]], allowed: set[str]):
        for name, items in values.items():
            if name not in allowed and not ATTRIBUTE.fullmatch(name):
                raise bad(_("Unknown parameter: %(name)s.") % {"name": _shown(name)})
            for item in items:
                if len(item) > MAX_VALUE:
                    raise bad(_("Parameter %(name)s is too long.") % {"name": name})
                if NOT_XML.search(item):
                    raise bad(
                        _("Parameter %(name)s contains characters that are not allowed.")
                        % {"name": name}
                    )
        self.values = values

    @classmethod
    def of(cls, request, allowed: set[str]) -> Params:
        """Read the parameters of ``request``: its query string, and its body for a POST."""
        values = {key: request.GET.getlist(key) for key in request.GET}
        if request.method == "POST":
            for key, items in _body_values(request).items():
                values.setdefault(key, []).extend(items)
        return cls(values, allowed)

    def one(self, name: str) -> str:
        """Return the last value given for ``name``, stripped ("" when absent)."""
        items = self.values.get(name) or [""]
        return items[-1].strip()

    def many(self, name: str) -> list[str]:
        """Return the items of a comma-separated (and possibly repeated) parameter."""
        found = []
        for item in self.values.get(name, []):
            found.extend(part.strip() for part in item.split(",") if part.strip())
        if len(found) > MAX_LIST:
            raise bad(_("Parameter %(name)s has too many items.") % {"name": name})
        return found

    def ids(self, name: str) -> list[int]:
        """Return the row ids of a comma-separated parameter; anything else is a 400."""
        found = []
        for item in self.many(name):
            pk = row_id(item)
            if pk is None:
                raise bad(_("%(name)s must be numbers.") % {"name": name})
            found.append(pk)
        return found

    def number(self, name: str, *, low: int, high: int, default: int) -> int:
        text = self.one(name)
        if not text:
            return default
        digits = text.isascii() and text.isdigit() and len(text) <= len(str(high))
        if not digits or not low <= int(text) <= high:
            raise bad(
                _("%(name)s must be a whole number from %(low)d to %(high)d.")
                % {"name": name, "low": low, "high": high}
            )
        return int(text)

    def coordinate(self, name: str, limit: float) -> float | None:
        text = self.one(name)
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            value = None
        if value is None or value != value or not -limit <= value <= limit:  # NaN too
            raise bad(
                _("%(name)s must be a number from %(low)s to %(high)s.")
                % {"name": name, "low": -limit, "high": limit}
            )
        return value

    def flag(self, name: str) -> bool:
        text = self.one(name).lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise bad(_("%(name)s must be true or false.") % {"name": name})

    def moment(self, name: str, *, end_of_day: bool = False) -> datetime.datetime | None:
        """Return a W3C date-time as an aware datetime, or None when absent."""
        text = self.one(name)
        if not text:
            return None
        if not W3C_DATETIME.match(text):
            raise bad(
                _("%(name)s must be a W3C date-time such as 2026-01-01T08:00:00+08:00.")
                % {"name": name}
            )
        try:
            value = datetime.datetime.fromisoformat(text.replace("z", "Z"))
            if len(text) == 10 and end_of_day:  # a date alone: up to the end of that day
                value += datetime.timedelta(days=1, microseconds=-1)
            if timezone.is_naive(value):
                value = timezone.make_aware(value)
            value.astimezone(datetime.UTC)  # out of range once converted: the same 400
        except (ValueError, OverflowError):
            raise bad(
                _("%(name)s must be a W3C date-time such as 2026-01-01T08:00:00+08:00.")
                % {"name": name}
            ) from None
        return value


def window(
    params: Params, *, default: datetime.timedelta, longest: datetime.timedelta
) -> tuple[datetime.datetime, datetime.datetime]:
    """Return the ``start_date``..``end_date`` window of a list: ``default`` long, ending now,
    when neither is given; at most ``longest`` (else a 400); the start not after the end."""
    start = params.moment("start_date")
    end = params.moment("end_date", end_of_day=True)
    try:
        if start is None and end is None:
            end = timezone.now()
            start = end - default
        elif start is None:
            start = end - default
        elif end is None:
            end = min(start + default, max(timezone.now(), start))
    except OverflowError:
        raise bad(_("start_date or end_date is out of range.")) from None
    if start > end:
        raise bad(_("start_date is after end_date."))
    if end - start > longest:
        raise bad(
            _("start_date and end_date may not span more than %(days)d days.")
            % {"days": longest.days}
        )
    return start, end
