"""What every Open311 endpoint shares: its format and methods, the caller's key and
jurisdiction, the rate limits, and the turning of every refusal into the spec's error body.

No input gets past ``endpoint`` as a 500: a refusal of this app (``Open311Error``), of the
workflow (``DomainError``: 400, ``PermissionDenied``: 403, ``Http404``: 404) or of Django's
body parsing is answered in the format asked for (XML when the format itself is unknown).
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from open311 import keys, render
from open311.models import ApiClient
from open311.params import Params, bad
from open311.render import Open311Error
from portal import ratelimit
from portal.errors import DomainError
from portal.models import Region
from portal.regions import normalize_code

KEY_HEADER = "HTTP_X_API_KEY"
# Used until settings.RATE_LIMITS declares these scopes: (requests, seconds).
DEFAULT_LIMITS = {
    "open311_ip": (300, 3600),  # POSTs per client address, before the key is checked
    "open311_key": (600, 3600),  # POSTs per key
    "open311_read": (600, 600),  # GETs per client address
}


def endpoint(*methods: str):
    """Make ``view(request, fmt, **kwargs)`` an Open311 endpoint answering ``methods``."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def wrap(view):
        @csrf_exempt  # no cookie is read: the caller is its api_key
        @functools.wraps(view)
        def handle(request, fmt: str, **kwargs):
            fmt = fmt.lower()
            if fmt not in render.CONTENT_TYPES:
                return render.error(render.XML, 404, _("Unknown format: use .xml or .json."))
            if request.method not in allowed:
                return render.error(
                    fmt, 405, _("Method not allowed."), {"Allow": ", ".join(sorted(allowed))}
                )
            try:
                return view(request, fmt, **kwargs)
            except Open311Error as error:
                return render.error(fmt, error.status, error.description, error.headers)
            except DomainError as error:
                return render.error(fmt, 400, _field_message(error))
            except PermissionDenied as error:
                text = str(error.args[0]) if error.args else _("Permission denied.")
                return render.error(fmt, 403, text)
            except Http404:
                return render.error(fmt, 404, _("No such service request."))

        return handle

    return wrap


def _field_message(error: DomainError) -> str:
    if error.field:
        return _("%(field)s: %(message)s") % {"field": error.field, "message": error.message}
    return error.message


def not_found(request, path: str = ""):
    """Answer any other address under the interface with the spec's 404."""
    fmt = render.JSON if path.lower().endswith(".json") else render.XML
    return render.error(fmt, 404, _("No such resource."))


def limit(scope: str, key) -> None:
    """Count one call of ``scope`` for ``key``; answer 429 past the limit."""
    count, window = settings.RATE_LIMITS.get(scope) or DEFAULT_LIMITS[scope]
    if ratelimit.count(f"ratelimit:{scope}:{key}", window) > count:
        raise Open311Error(
            429,
            _("Too many requests. Please try again later."),
            headers={"Retry-After": str(window)},
        )


def params_of(request, allowed: set[str]) -> Params:
    """Count the call against the caller's address, then read its parameters."""
    scope = "open311_ip" if request.method == "POST" else "open311_read"
    limit(scope, ratelimit.client_ip(request))
    return Params.of(request, allowed | {"api_key", "jurisdiction_id"})


def client_of(request, params: Params, *, required: bool) -> ApiClient | None:
    """Return the client whose ``api_key`` (or ``X-Api-Key`` header) was given: None
    without one, unless ``required``; a key given that is not valid is refused (403)."""
    raw = params.one("api_key") or request.META.get(KEY_HEADER, "").strip()
    if not raw:
        if required:
            raise Open311Error(403, _("An api_key is required."))
        return None
    client = keys.client_for_key(raw)
    if client is None:
        raise Open311Error(403, _("The api_key is not valid."))
    return client


def jurisdiction_of(params: Params, client: ApiClient | None) -> Region | None:
    """Return the region of ``jurisdiction_id`` (a division code such as 330225), which
    must lie within the key's; the key's own region when none is given (None without a
    key: every jurisdiction)."""
    raw = params.one("jurisdiction_id")
    if not raw:
        return client.region if client else None
    code = normalize_code(raw)
    if code is None:
        raise bad(_("jurisdiction_id must be a division code such as 330225."))
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Open311Error(404, _("jurisdiction_id was not found."))
    if client is not None and not region.is_within(client.region):
        raise Open311Error(403, _("This key is not valid for this jurisdiction."))
    return region


def base_url(request) -> str:
    """Return the absolute address of the interface (``PORTAL_BASE_URL`` when set)."""
    path = reverse("open311:discovery", args=["xml"]).rsplit("/", 1)[0] + "/"
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)
