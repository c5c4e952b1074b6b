"""Error pages (400, 403, 404, 500 and the CSRF failure) in Chinese, in the product's look,
each with a way back: the home page, and the desk for someone signed in.

The 500 page is rendered without a request context: the database (sessions, the inbox's
count) may be what failed, so it reads nothing but the settings, and falls back to plain
HTML when even its template fails. ``csrf_protect_with`` lets a form answer a failed CSRF
check itself (with what was typed still there) instead of this generic page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseRedirect,
    HttpResponseServerError,
)
from django.middleware.csrf import CsrfViewMiddleware
from django.template.loader import get_template
from django.templatetags.static import static
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.decorators import decorator_from_middleware
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.log import log_response
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from portal import api_errors, context_processors

logger = logging.getLogger("django.security.csrf")


def _render(request, template: str, response_class, context=None) -> HttpResponse:
    return response_class(get_template(template).render(context or {}, request))


def _api(request) -> bool:
    """An API client reads the API's error body, not a page."""
    return request is not None and request.path.startswith("/api/")


@requires_csrf_token
def bad_request(request, exception=None, template_name="400.html"):
    if _api(request):
        return api_errors.for_status(400)
    return _render(request, template_name, HttpResponseBadRequest)


@requires_csrf_token
def permission_denied(request, exception=None, template_name="403.html"):
    # The portal's refusals say in the reader's words who may do this: show them.
    message = str(exception) if exception is not None and exception.args else ""
    if _api(request):
        return api_errors.for_status(403, message)
    return _render(request, template_name, HttpResponseForbidden, {"message": message})


@requires_csrf_token
def page_not_found(request, exception=None, template_name="404.html"):
    # Never the exception's text: Django's own 404s name models and queries.
    if _api(request):
        return api_errors.for_status(404)
    return _render(request, template_name, HttpResponseNotFound)


def server_error(request, template_name="500.html"):
    """Render the 500 page from the settings alone (no database, no context processors)."""
    if _api(request):
        return api_errors.for_status(500)
    context = context_processors.site(None)
    # The session cookie says, without the database, that someone may be signed in.
    context["maybe_signed_in"] = bool(
        request is not None and request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    )
    try:
        html = get_template(template_name).render(context)
    except Exception:  # the page must answer whatever else is broken
        logging.getLogger(__name__).exception("the 500 page could not be rendered")
        html = _plain_500()
    response = HttpResponseServerError(html)
    add_never_cache_headers(response)
    return response


def _plain_500() -> str:
    title = escape(_("The service is temporarily unavailable"))
    text = escape(_("Something went wrong on our side. Please try again in a few minutes."))
    home = escape(_("Back to the home page"))
    return (
        f'<!doctype html><html lang="zh-hans"><meta charset="utf-8"><title>{title}</title>'
        f'<h1>{title}</h1><p>{text}</p><p><a href="/">{home}</a></p></html>'
    )


def csrf_failure(request, reason="", template_name="403_csrf.html"):
    """The generic answer to a failed CSRF check (settings.CSRF_FAILURE_VIEW). The way back
    is the page the form was on (this site's Referer), never the address posted to: that
    one may not answer a GET."""
    referer = request.META.get("HTTP_REFERER", "")
    safe = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    again = referer if safe else ""
    response = _render(request, template_name, HttpResponseForbidden, {"again_url": again})
    add_never_cache_headers(response)
    return response


def csrf_protect_with(on_failure: Callable[[HttpRequest, str], HttpResponse]):
    """Return a decorator like ``csrf_protect`` whose refusal is ``on_failure(request,
    reason)``: a form answers with what was typed still there. Use it on a view marked
    ``csrf_exempt`` (as the outermost decorator), so that the middleware leaves it alone."""

    class KeepTypedCsrfMiddleware(CsrfViewMiddleware):
        def _reject(self, request, reason):
            response = on_failure(request, reason)
            log_response(
                "Forbidden (%s): %s", reason, request.path,
                response=response, request=request, logger=logger,
            )  # fmt: skip
            return response

    return decorator_from_middleware(KeepTypedCsrfMiddleware)


def favicon(request):
    """Answer ``/favicon.ico`` (browsers ask for it whatever the page links) with the
    emblem in the static files."""
    response = HttpResponseRedirect(static("portal/favicon.svg"))
    patch_cache_control(response, public=True, max_age=24 * 60 * 60)
    return response
