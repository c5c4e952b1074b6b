"""Answer an outage with a clear 503 instead of a server error: the database down or
restarting, the cache or broker server gone where a page needs it, the uploads' disk full.

``OutageMiddleware`` goes first in ``MIDDLEWARE`` (outermost). A view's exception reaches
its ``process_exception``; one raised by another middleware (a session saved on the way
out) has already become a 500 when it comes back, so a ``got_request_exception`` receiver
notes the outage on the request and the middleware replaces that 500. Either way the
answer is rendered from the settings alone (no database, no context processors), with
``Retry-After``; under ``/api/`` it is the API's error body ``{code, detail}``. The portal
reconnects by itself: Django drops a connection that failed at the end of the request and
checks a kept one before reusing it (``CONN_HEALTH_CHECKS``).
"""

from __future__ import annotations

import errno
import logging
import sys
import time

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import get_template
from django.utils.cache import add_never_cache_headers
from django.utils.html import escape
from django.utils.translation import gettext as _

from portal import api_errors, context_processors

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
TEMPLATE = "503.html"
DATABASE, CACHE, STORAGE = "database", "cache", "storage"
DISK_FULL = {errno.ENOSPC, errno.EDQUOT}
_MARK = "_portal_outage"
# Headers the inner middleware put on the server error that a 503 replacing it keeps.
KEPT_HEADERS = (
    "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
    "Cross-Origin-Opener-Policy", "Strict-Transport-Security", "Content-Security-Policy",
)  # fmt: skip


def _driver_errors() -> tuple[type[BaseException], ...]:
    """The database driver's own connection errors, for code that reaches it unwrapped."""
    try:
        import psycopg2
    except ImportError:  # pragma: no cover - SQLite only
        return ()
    return (psycopg2.OperationalError, psycopg2.InterfaceError)


DATABASE_ERRORS = (OperationalError, InterfaceError, *_driver_errors())


def _cache_errors() -> tuple[type[BaseException], ...]:
    """The connection errors of the Redis client and of the Celery broker (kombu)."""
    found: list[type[BaseException]] = []
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        found += [RedisConnectionError, RedisTimeoutError]
    except ImportError:  # pragma: no cover - redis is a pinned dependency
        pass
    try:
        from kombu.exceptions import OperationalError as BrokerError

        found.append(BrokerError)
    except ImportError:  # pragma: no cover - kombu is a pinned dependency
        pass
    return tuple(found)


CACHE_ERRORS = _cache_errors()


def kind_of(error: BaseException | None) -> str | None:
    """Return what is out (``database``, ``cache``, ``storage``) when ``error`` says a
    service is unavailable, else None. The causes of a wrapped error count too."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, DATABASE_ERRORS):
            return DATABASE
        if CACHE_ERRORS and isinstance(error, CACHE_ERRORS):
            return CACHE
        if isinstance(error, OSError) and error.errno in DISK_FULL:
            return STORAGE
        error = error.__cause__ or error.__context__
        seen += 1
    return None


def _reason(kind: str) -> str:
    if kind == STORAGE:
        return _("The portal cannot store files just now, so nothing was saved.")
    if kind == CACHE:
        return _("The portal cannot reach one of its services just now.")
    return _("The portal cannot reach its database just now.")


def _plain(kind: str) -> str:
    title = escape(_("The service is temporarily unavailable"))
    reason = escape(_reason(kind))
    again = escape(_("Please try again in a minute."))
    home = escape(_("Back to the home page"))
    return (
        f'<!doctype html><html lang="zh-hans"><meta charset="utf-8"><title>{title}</title>'
        f'<h1>{title}</h1><p>{reason} {again}</p><p><a href="/">{home}</a></p></html>'
    )


def response_for(request, kind: str) -> HttpResponse:
    """Return the 503 answer of an outage of ``kind``, read from nothing but the settings."""
    if request is not None and request.path.startswith("/api/"):
        detail = f"{_reason(kind)} {_('Please try again in a minute.')}"
        response = api_errors.error_json(503, "service_unavailable", detail)
    else:
        context = context_processors.site(None)
        context.update(
            reason=_reason(kind),
            maybe_signed_in=bool(
                request is not None and request.COOKIES.get(settings.SESSION_COOKIE_NAME)
            ),
        )
        try:
            html = get_template(TEMPLATE).render(context)
        except Exception:  # the page must answer whatever else is broken
            log.exception("the 503 page could not be rendered")
            html = _plain(kind)
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


_last_warning = {DATABASE: 0.0, CACHE: 0.0, STORAGE: 0.0}


def _warn(kind: str, error: BaseException, request) -> None:
    """Log an outage at most every ten seconds per kind and process, not once per request."""
    now = time.monotonic()
    if now - _last_warning[kind] >= 10:
        _last_warning[kind] = now
        path = getattr(request, "path", "")
        log.warning("%s unavailable, answering 503 (%s: %s) on %s", kind,
                    error.__class__.__name__, str(error).strip()[:200], path)  # fmt: skip


def _note_outage(sender, request=None, **kwargs) -> None:
    """Mark the request whose uncaught exception is an outage (raised outside a view)."""
    error = sys.exc_info()[1]
    kind = kind_of(error)
    if kind is not None and request is not None:
        setattr(request, _MARK, kind)
        _warn(kind, error, request)


got_request_exception.connect(_note_outage, dispatch_uid="portal.outage")


class OutageMiddleware:
    """Turn an outage anywhere below it into a 503 page (first in ``MIDDLEWARE``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        kind = getattr(request, _MARK, None)
        if kind is None or response.status_code != 500:
            return response
        replaced = response_for(request, kind)
        for header in KEPT_HEADERS:  # what the inner middleware added stays
            if header in response and header not in replaced:
                replaced[header] = response[header]
        return replaced

    def process_exception(self, request, exception):
        kind = kind_of(exception)
        if kind is None:
            return None
        _warn(kind, exception, request)
        return response_for(request, kind)
