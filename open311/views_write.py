"""The writing endpoints: POST requests (a city or hotline system submits an issue) and POST
servicerequestupdates (a handling unit's system pushes its reply). Both need a key and are
limited per client address (before the key is looked at) and per key.

A POSTed request is checked by the issue workflow like the web form's (the same function,
``petition_submit``, with the same limit per phone number), lands in the same screening
queue and is audited the same way, with one more event naming the client. What the web
form asks of a person (check code, consent) a key stands for here.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from open311 import queries, render, workflow
from open311.calls import client_of, jurisdiction_of, limit, params_of
from open311.params import bad
from open311.render import Open311Error
from petitions.forms_public import row_id
from petitions.models import Category
from portal import ratelimit
from portal.models import Region
from portal.phones import is_phone, normalize_phone

REQUEST_PARAMS = {
    "service_code", "lat", "long", "address_string", "address_id", "email", "device_id",
    "account_id", "first_name", "last_name", "phone", "description", "media_url", "title",
}  # fmt: skip
UPDATE_PARAMS = {
    "service_request_id", "status", "description", "updated_datetime", "update_time",
    "update_id", "first_name", "last_name", "email", "phone", "account_id", "media_url",
    "title", "service_code",
}  # fmt: skip
PLACES_SECONDS = 300
Level = Region.Level


def _keyed(request, params):
    client = client_of(request, params, required=True)
    limit("open311_key", client.pk)
    return client


MEDIA_URL = re.compile(r"https?://[^\s]{3,500}")
REQUEST_KEY = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def _media_url(params) -> str:
    """A photo's address as the client sent it: kept as text for the staff, never fetched."""
    url = params.one("media_url")
    if url and not MEDIA_URL.fullmatch(url):
        raise bad(_("media_url must be an http or https address."))
    return url


def _request_key(request) -> str:
    """The client's ``Idempotency-Key`` header: a retried POST with the same key returns the
    issue created the first time instead of a second one."""
    key = request.META.get("HTTP_IDEMPOTENCY_KEY", "").strip()
    if key and not REQUEST_KEY.fullmatch(key):
        raise bad(_("The Idempotency-Key header has 1 to 64 letters, digits and . _ : -."))
    return key


def _places(root: Region) -> list[tuple[int, int, str, str]]:
    """Return ``(id, level, path, name)`` of the regions below ``root`` (kept a few minutes:
    the tree changes a few times a year)."""

    def read():
        rows = Region.objects.filter(path__startswith=root.path, level__gt=root.level)
        return list(rows.order_by("path").values_list("id", "level", "path", "name"))

    return ratelimit.cache_get_or_set(f"open311:places:{root.pk}", read, PLACES_SECONDS)


def place_in(root: Region, address: str) -> Region:
    """Return the deepest region below ``root`` that ``address`` names unambiguously
    (象山县石浦镇番西村… → 番西村), level by level; ``root`` when it names none."""
    if not address:
        return root
    found = [row for row in _places(root) if row[3] and row[3] in address]
    chosen_id, chosen_path = root.pk, root.path
    for level in range(root.level + 1, Level.VILLAGE + 1):
        here = [row for row in found if row[1] == level and row[2].startswith(chosen_path)]
        if len(here) > 1:
            break  # two places of that name: stay where it is certain
        if here:
            chosen_id, chosen_path = here[0][0], here[0][2]
    return root if chosen_id == root.pk else Region.objects.get(pk=chosen_id)


def _citizen_name(first: str, last: str) -> str:
    """Join the names as the language writes them: 王 + 海燕 → 王海燕; John Smith stays."""
    if first.isascii() and last.isascii():
        return " ".join(part for part in (first, last) if part)
    return f"{last}{first}"


def _tracking_notice(request, code: str) -> str:
    path = reverse("petitions:track")
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    url = f"{base}{path}" if base else request.build_absolute_uri(path)
    return _(
        "Received and waiting for screening by the congress office. Tracking code: %(code)s; "
        "the citizen follows the issue at %(url)s."
    ) % {"code": code, "url": url}


def request_create(request, fmt: str):
    """POST requests: create an issue from a city or hotline system."""
    params = params_of(request, REQUEST_PARAMS)
    client = _keyed(request, params)
    root = jurisdiction_of(params, client)
    media_url = _media_url(params)
    request_key = _request_key(request)
    code = params.one("service_code")
    if not code:
        raise bad(_("service_code is required."))
    if code not in Category.values:
        raise Open311Error(404, _("service_code was not found."))
    lat, long = params.coordinate("lat", 90), params.coordinate("long", 180)
    if (lat is None) != (long is None):
        raise bad(_("lat and long must be sent together."))
    address = params.one("address_string")
    address_id = params.one("address_id")
    if lat is None and not address and not address_id:
        raise bad(_("A location is required: lat and long, address_string or address_id."))
    description = params.one("description")
    if not description:
        raise bad(_("description is required."))
    phone = normalize_phone(params.one("phone"))
    if phone and is_phone(phone) and not ratelimit.hit("petition_phone", phone):
        raise Open311Error(
            429,
            _("Too many issues were submitted with this phone number today. Please try tomorrow."),
        )
    received = workflow.request_submit(
        client=client, region=place_in(root, address), category=code,
        description=description, title=params.one("title"),
        citizen_name=_citizen_name(params.one("first_name"), params.one("last_name")),
        citizen_phone=phone, address_string=address, address_id=address_id, lat=lat, long=long,
        media_url=media_url, request_key=request_key,
    )  # fmt: skip
    petition = received.petition
    row = {
        "service_request_id": str(petition.pk),
        "token": received.token,
        "service_notice": _tracking_notice(request, petition.tracking_code),
        "account_id": None,
    }
    return render.listing(fmt, "service_requests", "request", [row])


def update_create(request, fmt: str):
    """POST servicerequestupdates: a handling unit's system pushes its reply or hand-back."""
    params = params_of(request, UPDATE_PARAMS)
    client = _keyed(request, params)
    root = jurisdiction_of(params, client)
    _media_url(params)  # a unit's photo of the work done is not kept; its reply's words are
    raw_id = params.one("service_request_id")
    if not raw_id:
        raise bad(_("service_request_id is required."))
    pk = row_id(raw_id)
    if pk is None:
        raise bad(_("service_request_id must be a number."))
    status = params.one("status").lower()
    if not status:
        raise bad(_("status is required."))
    description = params.one("description")
    if not description:
        raise bad(_("description is required."))
    stated = params.moment("updated_datetime") or params.moment("update_time")
    if not client.department_id:
        raise Open311Error(403, _("Only a handling unit's key pushes updates."))
    if not _in_jurisdiction(client, root, pk):
        raise Open311Error(404, _("No such service request."))
    pushed, _new = workflow.update_push(
        client=client, petition_id=pk, status=status, text=description,
        external_id=params.one("update_id"), stated_at=stated,
    )  # fmt: skip
    row = {"update_id": str(pushed.event_id)}
    return render.listing(fmt, "service_request_updates", "request_update", [row])


def _in_jurisdiction(client, root: Region, pk: int) -> bool:
    return queries.requests_for(client, root).filter(pk=pk).exists()
