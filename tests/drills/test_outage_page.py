"""The outage answer of ``portal.outage`` without any service: a view or a middleware that
meets a database, cache or disk outage gives a 503 page in Chinese (the API's error body
under ``/api/``) with ``Retry-After``, rendered without the database; anything else stays a
server error. The drills show the same against real PostgreSQL and Redis processes."""

import errno
import logging

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path
from redis.exceptions import ConnectionError as RedisConnectionError

from portal import outage


def _raise(error):
    def view(request):
        raise error

    return view


def _fine(request):
    return HttpResponse("fine")


urlpatterns = [
    path("db/", _raise(OperationalError("connection refused"))),
    path("api/v1/db/", _raise(OperationalError("terminating connection"))),
    path("disk/", _raise(OSError(errno.ENOSPC, "No space left on device"))),
    path("cache/", _raise(RedisConnectionError("Error 111 connecting"))),
    path("bug/", _raise(ValueError("a bug"))),
    path("fine/", _fine),
    path("", include("portal.urls")),  # the pages link home and to the desk
]


class SessionSaveFails:
    """A middleware below the outage one whose way out meets the database (a session save)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path == "/fine/" and request.GET.get("save"):
            raise OperationalError("server closed the connection unexpectedly")
        return response


@pytest.fixture
def web(settings, monkeypatch):
    for name in ("django.request", "portal.outage"):  # the errors here are on purpose
        monkeypatch.setattr(logging.getLogger(name), "disabled", True)
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    settings.MIDDLEWARE = [
        "portal.outage.OutageMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        f"{__name__}.SessionSaveFails",
    ]
    return Client(raise_request_exception=False)


def _page(response) -> str:
    return response.content.decode()


def test_a_database_outage_is_a_503_page_in_chinese_without_the_database(web):
    response = web.get("/db/")  # no database fixture: any query here would fail the page
    page = _page(response)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "服务暂时不可用" in page and 'class="card narrow error-page"' in page
    assert "connection refused" not in page and "Traceback" not in page
    assert "no-cache" in response["Cache-Control"]


def test_under_the_api_the_outage_is_the_error_body(web):
    response = web.get("/api/v1/db/")
    assert response.status_code == 503 and response["Retry-After"]
    body = response.json()
    assert body["code"] == "service_unavailable" and body["detail"]
    assert "terminating" not in body["detail"]


@pytest.mark.parametrize(("url", "kind"), [("/disk/", "storage"), ("/cache/", "cache")])
def test_a_full_disk_and_a_lost_cache_server_are_outages_too(web, url, kind):
    response = web.get(url)
    assert response.status_code == 503 and "服务暂时不可用" in _page(response)
    assert outage._reason(kind) in _page(response)


def test_an_outage_met_by_another_middleware_is_a_503_with_its_headers(web):
    response = web.get("/fine/?save=1")
    assert response.status_code == 503 and "服务暂时不可用" in _page(response)
    assert response["X-Frame-Options"] == "DENY"  # added inside, kept on the 503


def test_a_bug_stays_a_server_error_and_a_good_request_is_untouched(web):
    assert web.get("/bug/").status_code == 500
    response = web.get("/fine/")
    assert response.status_code == 200 and _page(response) == "fine"


def test_the_cause_of_a_wrapped_error_counts():
    try:
        try:
            raise OperationalError("gone")
        except OperationalError as error:
            raise RuntimeError("while saving") from error
    except RuntimeError as wrapped:
        assert outage.kind_of(wrapped) == outage.DATABASE
    assert outage.kind_of(OSError(errno.EACCES, "denied")) is None
