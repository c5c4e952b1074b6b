"""With the cache server (Redis) down, a citizen can still open the form, submit and track:
captcha claims and rate limits fall back to the process's memory instead of failing."""

import time

import pytest

from petitions.models import Petition
from portal import ratelimit
from tests.petitions.test_public import NEW_URL, TRACK_URL, errors_of, form_data

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # Nothing listens on port 1: every command fails at once with "connection refused".
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


@pytest.fixture
def cache_down(settings):
    settings.CACHES = DEAD_REDIS
    ratelimit._fallback.clear()
    yield
    ratelimit._fallback.clear()


def test_a_citizen_submits_and_tracks_while_the_cache_is_down(client, pworld, cache_down):
    started = time.monotonic()
    assert client.get(NEW_URL).status_code == 200
    response = client.post(NEW_URL, form_data(pworld))
    assert response.status_code == 302, response.content.decode()[-2000:]
    petition = Petition.objects.get()
    tracked = client.post(TRACK_URL, {"code": petition.tracking_code, "digits": "1111"})
    assert tracked.status_code == 200 and petition.tracking_code in tracked.content.decode()
    assert time.monotonic() - started < 10


def test_limits_still_hold_in_memory_while_the_cache_is_down(pworld, cache_down, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "petition_ip": (2, 60)}
    assert [ratelimit.hit("petition_ip", "10.0.0.9") for _ in range(3)] == [True, True, False]


def test_a_captcha_is_still_single_use_while_the_cache_is_down(client, pworld, cache_down):
    data = form_data(pworld)
    assert client.post(NEW_URL, data).status_code == 302
    again = form_data(pworld, captcha_token=data["captcha_token"], captcha=data["captcha"])
    assert set(errors_of(client.post(NEW_URL, again))) == {"captcha"}
    assert Petition.objects.count() == 1
