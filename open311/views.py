"""The reading endpoints of Open311 GeoReport v2 under ``/open311/v2/``: discovery, services
and their definitions, requests (a list and one), tokens, and the updates feed of
FixMyStreet's extension. The writing ones (POST requests, POST servicerequestupdates) are
in ``views_write``; ``requests.{fmt}`` answers both methods.

What each caller sees is decided in ``queries`` (anonymous: published outcomes only; a key:
its jurisdiction, never a citizen's name or phone).
"""

from __future__ import annotations

import datetime

from django.apps import apps
from django.utils.translation import gettext as _

from open311 import queries, render, statuses, views_write
from open311.calls import base_url, client_of, endpoint, jurisdiction_of, params_of
from open311.models import SubmittedRequest
from open311.params import bad, window
from open311.render import Open311Error
from petitions.forms_public import row_id
from petitions.models import Category

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-05-01T00:00:00+08:00"  # when the interface last changed
DEFAULT_SPAN = datetime.timedelta(days=90)  # the spec's default and longest window
UPDATES_SPAN = datetime.timedelta(days=1)  # the updates feed without dates: the last day
PAGE_SIZE = 1000  # the spec's "first 1000 requests"
MAX_PAGE = 1000
LIST_PARAMS = {
    "service_request_id", "service_code", "start_date", "end_date", "status", "page",
    "page_size", "extensions",
}  # fmt: skip


@endpoint("GET")
def discovery(request, fmt: str):
    """The service discovery document: where the interface is and what it speaks."""
    params_of(request, set())
    endpoint_row = {
        "specification": SPECIFICATION,
        "url": base_url(request),
        "changeset": CHANGESET,
        "type": "production",
        "formats": [render.CONTENT_TYPES[render.XML].split(";")[0], "application/json"],
    }
    row = {
        "changeset": CHANGESET,
        "contact": _("The congress office of your jurisdiction."),
        "key_service": _(
            "API keys are issued per client system by the congress office staff in the "
            "portal's admin."
        ),
        "endpoints": [endpoint_row],
    }
    return render.single(fmt, "discovery", row)


def _service_rows() -> list[dict]:
    group = str(apps.get_app_config("petitions").verbose_name)
    return [
        {
            "service_code": code,
            "service_name": str(label),
            "description": str(label),
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": group,
        }
        for code, label in Category.choices
    ]


@endpoint("GET")
def services(request, fmt: str):
    """The service list: one service per category of citizen issues."""
    params = params_of(request, set())
    jurisdiction_of(params, client_of(request, params, required=False))
    return render.listing(fmt, "services", "service", _service_rows())


@endpoint("GET")
def service_definition(request, fmt: str, code: str):
    """A service's definition: no attributes (``metadata`` is false for every service)."""
    params = params_of(request, set())
    jurisdiction_of(params, client_of(request, params, required=False))
    if code not in Category.values:
        raise Open311Error(404, _("service_code was not found."))
    return render.single(fmt, "service_definition", {"service_code": code, "attributes": []})


@endpoint("GET", "POST")
def requests(request, fmt: str):
    """GET: the requests the caller sees, filtered as the spec says; POST: a new one."""
    if request.method == "POST":
        return views_write.request_create(request, fmt)
    params = params_of(request, LIST_PARAMS)
    client = client_of(request, params, required=False)
    root = jurisdiction_of(params, client)
    extensions = params.flag("extensions")
    found = queries.requests_for(client, root)
    ids = params.ids("service_request_id")
    codes = params.many("service_code")
    wanted = params.many("status")
    start, end = window(params, default=DEFAULT_SPAN, longest=DEFAULT_SPAN)
    page = params.number("page", low=1, high=MAX_PAGE, default=1)
    size = params.number("page_size", low=1, high=PAGE_SIZE, default=PAGE_SIZE)
    for code in codes:
        if code not in Category.values:
            raise bad(_("Unknown service_code: %(code)s.") % {"code": code[:40]})
    for status in wanted:
        if status not in statuses.BASIC:
            raise bad(_("status must be open or closed."))
    if ids:  # the spec: ids override every other filter
        found = found.filter(pk__in=ids)
    else:
        found = found.filter(submitted_at__gte=start, submitted_at__lte=end)
        if codes:
            found = found.filter(category__in=codes)
        if wanted:
            states = [state for status in wanted for state in statuses.states_with(status)]
            found = found.filter(state__in=states)
    offset = (page - 1) * size
    rows = found.order_by("-submitted_at", "-id")[offset : offset + size]
    items = queries.request_rows(
        rows, keyed=client is not None, extensions=extensions, client=client
    )
    return render.listing(fmt, "service_requests", "request", items)


@endpoint("GET")
def request_detail(request, fmt: str, request_id: str):
    """One request, as the list shows it."""
    params = params_of(request, {"extensions"})
    client = client_of(request, params, required=False)
    root = jurisdiction_of(params, client)
    pk = row_id(request_id)
    if pk is None:
        raise bad(_("service_request_id must be a number."))
    petition = queries.request_for(client, root, pk)
    items = queries.request_rows(
        [petition], keyed=client is not None, extensions=params.flag("extensions"), client=client
    )
    return render.listing(fmt, "service_requests", "request", items)


@endpoint("GET")
def token_detail(request, fmt: str, token: str):
    """The request a POST's token stands for."""
    params = params_of(request, set())
    client = client_of(request, params, required=False)
    root = jurisdiction_of(params, client)
    token = token.lower()
    received = None
    if len(token) == 32 and all(ch in "0123456789abcdef" for ch in token):
        received = SubmittedRequest.objects.filter(token=token).select_related("region").first()
    if received is not None and client is not None:
        if not queries.requests_for(client, root).filter(pk=received.petition_id).exists():
            received = None
    elif received is not None and root is not None and not received.region.is_within(root):
        received = None
    if received is None:
        raise Open311Error(404, _("No such token."))
    row = {"service_request_id": str(received.petition_id), "token": received.token}
    return render.listing(fmt, "service_requests", "request", [row])


@endpoint("GET", "POST")
def updates(request, fmt: str):
    """GET: the state changes of the key's requests in a window (FixMyStreet's extension);
    POST: a handling unit's system pushes its reply."""
    if request.method == "POST":
        return views_write.update_create(request, fmt)
    params = params_of(request, {"start_date", "end_date"})
    client = client_of(request, params, required=True)
    root = jurisdiction_of(params, client)
    start, end = window(params, default=UPDATES_SPAN, longest=DEFAULT_SPAN)
    rows = queries.updates_for(client, root, start, end)
    return render.listing(fmt, "service_request_updates", "request_update", rows)
