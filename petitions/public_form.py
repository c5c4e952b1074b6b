"""The citizens' issue form (no account): the blank form as its QR code opens it (shared
by all new visitors from the cache), the submission and its receipt, and the cascading
region selects.

What a citizen sends is checked by ``forms_public`` and written only by
``workflow.petition_submit``. The receipt page is shown only to the browser that submitted
(a signed cookie, no session row for a citizen).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import time
import uuid
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import models
from django.http import Http404, HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from petitions import tracking, workflow
from petitions.forms_public import PetitionForm, open_station, row_id
from petitions.models import Channel, Petition
from portal import captcha, captcha_sms, errorpages, ratelimit
from portal.errors import DomainError
from portal.models import Region

MAX_BODY_BYTES = 12 * 1024 * 1024
# The receipt page is shown only to the browser that submitted: a signed cookie lists the
# tracking codes it submitted lately (no database session for a citizen).
RECEIPT_COOKIE = "petition_receipts"
RECEIPT_SALT = "petitions.receipts"
RECEIPT_SECONDS = 2 * 60 * 60
RECEIPTS_KEPT = 5
# The blank form is shared by all new visitors from the cache (see ``_blank_page``).
PAGE_SECONDS = 60
PAGE_TEMPLATES = ("base.html", "petitions/public_new.html", "petitions/public_field.html")
PAGE_SLOTS = {
    name: f"\x00petition-form-{name}\x00"
    for name in ("csrf", "client_token", "captcha_token", "captcha_image")
}
MESSAGES_COOKIE = "messages"  # django.contrib.messages' cookie storage
Level = Region.Level

# Where a workflow refusal goes on the form (the workflow names its arguments).
FORM_FIELD_OF = {
    "region": "township",
    "category": "category",
    "title": "title",
    "description": "description",
    "citizen_name": "citizen_name",
    "citizen_phone": "citizen_phone",
    "photos": "photos",
}


def region_initial(region: Region) -> dict:
    """Return the county/township/village choices that locate ``region``."""
    codes = region.path.strip("/").split("/")
    paths = ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]
    initial = {}
    rows = Region.objects.filter(path__in=paths, level__in=(Level.COUNTY, Level.TOWNSHIP))
    for ancestor in rows.only("id", "level"):
        initial["county" if ancestor.level == Level.COUNTY else "township"] = str(ancestor.pk)
    if region.level == Level.VILLAGE:
        initial["village"] = str(region.pk)
    return initial


def _valid_token(value) -> str:
    try:
        token = str(uuid.UUID(str(value)))
    except ValueError:
        return ""
    return token if token == str(value) else ""


def _captcha_image(token: str) -> str:
    return f"{reverse('petitions:captcha')}?t={quote(token, safe='')}"


def _form_context(
    request, form, *, station=None, problem="", photos_dropped=False, sms=None
) -> dict:
    source = form.data if form.is_bound else form.initial
    kept = captcha_sms.kept_token(source.get("captcha_token"))  # a code sent is bound to it
    token = kept or captcha.issue()
    return {
        "form": form,
        "station": station,
        "problem": problem,
        "csrf_value": get_token(request),
        "client_token": _valid_token(source.get("client_token", "")) or str(uuid.uuid4()),
        "captcha_token": token,
        "captcha_image": _captcha_image(token),
        "photos_dropped": photos_dropped,
        "sms": sms,
        "sms_pending": bool(kept),
    }


def _render_form(
    request, form, *, station=None, status=200, problem="", photos_dropped=False, sms=None
) -> HttpResponse:
    if form.is_bound:
        form.load_choices()  # a bound form validates without them
        if form.errors:
            photos_dropped = photos_dropped or bool(form.files.getlist("photos"))
    context = _form_context(
        request, form, station=station, problem=problem, photos_dropped=photos_dropped, sms=sms
    )
    response = render(request, "petitions/public_new.html", context, status=status)
    add_never_cache_headers(response)  # it carries single-use tokens
    return response


def _blank_form(request) -> tuple[PetitionForm, models.Model | None]:
    station = open_station(request.GET.get("station"))
    initial = {}
    if station is not None:
        initial = region_initial(station.region) | {"station_id": station.pk}
    return PetitionForm(initial=initial), station


@functools.cache
def _page_version() -> str:
    """A digest of the templates of the blank form: a cached page never outlives them."""
    digest = hashlib.sha256()
    for name in PAGE_TEMPLATES:
        digest.update(get_template(name).template.source.encode())
    return digest.hexdigest()[:12]


def _blank_page(request) -> HttpResponse:
    """The blank form, as its QR code opens it.

    A new visitor (no session, no pending messages: what the page shows is the same for all
    of them) gets a page rendered at most once a minute per station and language and kept in
    the cache, with the tokens of the request put in: the CSRF token, the ``client_token``
    and the check code. Everyone else gets it rendered. Only open stations get a page of
    their own: any other ``?station=`` shares the page without a station, so that made-up
    numbers cannot fill the cache.
    """
    shared = not request.COOKIES.get(settings.SESSION_COOKIE_NAME) and (
        MESSAGES_COOKIE not in request.COOKIES
    )
    key = _page_key(row_id(request.GET.get("station")) or 0)
    page = _cached_page(key) if shared else None
    if page is None:
        form, station = _blank_form(request)
        if shared and station is None and key != _page_key(0):
            key = _page_key(0)
            page = _cached_page(key)
    if page is None:
        context = _form_context(request, form, station=station)
        response = render(request, "petitions/public_new.html", context)
        add_never_cache_headers(response)
        if shared and response.status_code == 200:
            page = _as_shared_page(response.content.decode(), context)
            if page is not None:
                _cache_page(key, page)
        return response
    token = captcha.issue()
    tokens = {
        PAGE_SLOTS["csrf"]: get_token(request),  # also sets the CSRF cookie, as the tag does
        PAGE_SLOTS["client_token"]: str(uuid.uuid4()),
        PAGE_SLOTS["captcha_token"]: token,
        PAGE_SLOTS["captcha_image"]: _captcha_image(token),
    }
    for slot, value in tokens.items():
        page = page.replace(slot, value, 1)
    response = HttpResponse(page)
    add_never_cache_headers(response)
    return response


def _page_key(station_id: int) -> str:
    return f"petition_form:page:{get_language()}:{station_id}:{_page_version()}"


def _cached_page(key: str) -> str | None:
    try:
        return _read_page(key)
    except ratelimit.CACHE_DOWN:  # no shared page while the cache is down: render it
        return None


def _read_page(key: str) -> str | None:
    found = ratelimit.redis_cache()  # on Redis: the text itself, without a new client
    if found is None:
        return cache.get(key)
    backend, client = found
    data = client.get(backend.make_and_validate_key(key))
    return None if data is None else data.decode()


def _cache_page(key: str, page: str) -> None:
    with contextlib.suppress(*ratelimit.CACHE_DOWN):  # the next visitor renders it again
        _write_page(key, page)


def _write_page(key: str, page: str) -> None:
    found = ratelimit.redis_cache()
    if found is None:
        cache.set(key, page, PAGE_SECONDS)
        return
    backend, client = found
    client.set(backend.make_and_validate_key(key), page.encode(), ex=PAGE_SECONDS)


def _as_shared_page(html: str, context: dict) -> str | None:
    """Return ``html`` with this request's tokens replaced by slots, or None when a token
    does not occur exactly once (then the page is not shared)."""
    values = {
        "csrf": context["csrf_value"],
        "client_token": context["client_token"],
        "captcha_image": context["captcha_image"],  # before the token: it contains it
        "captcha_token": context["captcha_token"],
    }
    for name, value in values.items():
        if html.count(value) != 1 or PAGE_SLOTS[name] in html:
            return None
        html = html.replace(value, PAGE_SLOTS[name])
    return html


def _refilled_form(request) -> tuple[PetitionForm, models.Model | None]:
    """Return an unbound form holding what was typed (for a refusal before validation)."""
    kept = ("county", "township", "village", "category", "title", "description",
            "citizen_name", "citizen_phone", "client_token", "captcha_token")  # fmt: skip
    initial = {key: request.POST.get(key, "") for key in kept}
    initial["wants_feedback"] = bool(request.POST.get("wants_feedback"))
    initial["consent"] = bool(request.POST.get("consent"))
    station = open_station(request.POST.get("station_id"))
    if station is not None:
        initial["station_id"] = station.pk
    return PetitionForm(initial=initial), station


def _receipts(request) -> dict[str, int]:
    """Return the tracking codes this browser submitted lately, with when."""
    value = request.get_signed_cookie(
        RECEIPT_COOKIE, default="", salt=RECEIPT_SALT, max_age=RECEIPT_SECONDS
    )
    receipts = {}
    for item in value.split(","):
        code, _sep, when = item.partition(".")
        if code and when.isdigit() and int(when) > time.time() - RECEIPT_SECONDS:
            receipts[code] = int(when)
    return receipts


def _receipt(request, code: str) -> HttpResponse:
    """Redirect to the receipt of ``code`` and remember in a signed cookie that this browser
    may see it (no session row is written for a citizen)."""
    receipts = _receipts(request)
    receipts[code] = int(time.time())
    newest = sorted(receipts.items(), key=lambda item: item[1])[-RECEIPTS_KEPT:]
    response = redirect("petitions:submitted", code=code)
    response.set_signed_cookie(
        RECEIPT_COOKIE,
        ",".join(f"{kept}.{when}" for kept, when in newest),
        salt=RECEIPT_SALT,
        max_age=RECEIPT_SECONDS,
        path=reverse("petitions:new").removesuffix("new/"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@csrf_exempt  # checked by ``_petition_form`` once the body is known to be of a sane size
@require_http_methods(["GET", "HEAD", "POST"])
def petition_new(request):
    """Show the issue form, or take a submission. An oversized body is refused before it is
    read; a malformed one is a clear message, never a 500."""
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        too_large = _("The submission is larger than %(mb)d MB. Attach fewer or smaller photos.")
        too_large %= {"mb": MAX_BODY_BYTES // (1024 * 1024)}
        if length > MAX_BODY_BYTES:
            form, station = _blank_form(request)
            return _render_form(request, form, station=station, status=413, problem=too_large)
        try:
            request.POST, request.FILES  # noqa: B018  (parse now, to answer errors here)
        except RequestDataTooBig:
            form, station = _blank_form(request)
            return _render_form(request, form, station=station, status=413, problem=too_large)
        except (TooManyFieldsSent, TooManyFilesSent, MultiPartParserError, UnreadablePostError):
            form, station = _blank_form(request)
            problem = _("The submission could not be read. Please fill in the form again.")
            return _render_form(request, form, station=station, status=400, problem=problem)
    return _petition_form(request)


def _csrf_refused(request, reason: str) -> HttpResponse:
    """Answer a failed CSRF check (a lost cookie, a page left open for long) with the form as
    it was typed and a fresh token, never with a page that loses it. Photos are not kept: a
    browser cannot be given files back."""
    form, station = _refilled_form(request)
    problem = _(
        "Your issue was not sent: the page had expired. What you typed is kept below; type "
        "the new check code and submit again."
    )
    dropped = bool(request.FILES.getlist("photos"))
    return _render_form(
        request, form, station=station, status=403, problem=problem, photos_dropped=dropped
    )


@errorpages.csrf_protect_with(_csrf_refused)
def _petition_form(request):
    if request.method != "POST":
        return _blank_page(request)
    if "send_sms_code" in request.POST:
        return _send_sms_code(request)
    token = _valid_token(request.POST.get("client_token", ""))
    if token:  # a retry or double click of a submission that already went through
        codes = Petition.objects.filter(client_token=token).order_by()
        for (code,) in codes.values_list("tracking_code")[:1]:
            return _receipt(request, code)
    if not ratelimit.hit("petition_ip", ratelimit.client_ip(request)):
        form, station = _refilled_form(request)
        problem = _("Too many issues were submitted from your network. Please try again later.")
        dropped = bool(request.FILES.getlist("photos"))
        return _render_form(
            request, form, station=station, status=429, problem=problem, photos_dropped=dropped
        )
    form = PetitionForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_form(request, form, station=form.station)
    data = form.cleaned_data
    station = form.station
    phone = data["citizen_phone"]
    if phone and not ratelimit.hit("petition_phone", phone):
        form.add_error(
            "citizen_phone",
            _("Too many issues were submitted with this phone number today. Please try tomorrow."),
        )
        return _render_form(request, form, station=station, status=429)
    try:
        petition = workflow.petition_submit(
            actor=request.user, channel=Channel.WEB, region_id=form.region.pk,
            category=data["category"], title=data["title"], description=data["description"],
            citizen_name=data["citizen_name"], citizen_phone=phone,
            wants_feedback=data["wants_feedback"], station_id=station.pk if station else None,
            photos=data["photos"], client_token=data["client_token"],
            region=form.region, station=station,
        )  # fmt: skip
    except DomainError as error:
        form.add_error(FORM_FIELD_OF.get(error.field or ""), error.message)
        return _render_form(request, form, station=station)
    return _receipt(request, petition.tracking_code)


def _send_sms_code(request) -> HttpResponse:
    """The form's "code by text message" button (it works without the page's script): send
    the code and show the form again as it was typed, with the same picture token."""
    form, station = _refilled_form(request)
    outcome = captcha_sms.send(
        request, request.POST.get("captcha_token", ""), request.POST.get("citizen_phone", "")
    )
    dropped = bool(request.FILES.getlist("photos"))
    return _render_form(
        request, form, station=station, status=outcome.status, photos_dropped=dropped, sms=outcome
    )


@require_safe
def petition_submitted(request, code: str):
    """Show the receipt with the tracking code, only to the browser that submitted it."""
    if code not in _receipts(request):
        raise Http404(_("No such receipt."))
    petition = get_object_or_404(
        Petition.objects.only("tracking_code", "title", "citizen_phone", "wants_feedback"),
        tracking_code=code,
    )
    link = tracking.link_url(petition.tracking_code, request)
    response = render(
        request, "petitions/public_submitted.html", {"petition": petition, "link": link}
    )
    add_never_cache_headers(response)
    return response


@require_safe
def region_children(request, pk: int):
    """Return the child regions of region ``pk`` as JSON, for the cascading selects."""
    region = get_object_or_404(Region.objects.only("id", "level"), pk=pk)
    children = list(Region.objects.filter(parent=region).order_by("path").values("id", "name"))
    response = JsonResponse({"id": region.pk, "level": region.level, "children": children})
    patch_cache_control(response, public=True, max_age=600)
    return response
