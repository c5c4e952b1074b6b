"""A rate-limit window keeps its length on every cache backend the portal runs on: the
file cache of ``make run``, the local-memory cache of the tests and of a Redis outage, and
Redis itself. Hits inside a window never restart it."""

import os
import time

import pytest
from django.core.cache import caches

from portal import ratelimit


class Clock:
    def __init__(self):
        self.now = time.time()

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(time, "time", fake)
    return fake


@pytest.fixture(params=["file", "locmem"])
def backend(request, settings, tmp_path):
    if request.param == "file":
        config = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    else:
        config = {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "windows",
        }
    settings.CACHES = {"default": config}
    caches["default"].clear()
    yield request.param
    caches["default"].clear()


def test_an_hour_long_window_outlives_the_default_cache_timeout(settings, backend, clock):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "petition_ip": (2, 3600)}
    assert ratelimit.hit("petition_ip", "10.0.0.1")
    clock.advance(200)
    assert ratelimit.hit("petition_ip", "10.0.0.1")
    clock.advance(400)  # quiet for longer than an entry's default life (300 s)
    assert not ratelimit.hit("petition_ip", "10.0.0.1")
    clock.advance(2000)
    assert not ratelimit.hit("petition_ip", "10.0.0.1")
    clock.advance(3600 - 2600 + 1)  # the hour since the first hit is over
    assert ratelimit.hit("petition_ip", "10.0.0.1")


def test_retrying_does_not_restart_the_wait(settings, backend, clock):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": (3, 300)}
    assert all(ratelimit.hit("login", "10.0.0.2") for _ in range(3))
    for _ in range(4):  # a client retrying every minute
        clock.advance(60)
        assert not ratelimit.hit("login", "10.0.0.2")
    clock.advance(61)  # 301 s after the window opened
    assert ratelimit.hit("login", "10.0.0.2")


def test_windows_are_per_key(settings, backend, clock):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": (1, 300)}
    assert ratelimit.hit("login", "10.0.0.3")
    assert not ratelimit.hit("login", "10.0.0.3")
    assert ratelimit.hit("login", "10.0.0.4")


def test_the_fallback_of_a_cache_outage_keeps_windows_too(settings, clock):
    ratelimit._fallback.clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "petition_ip": (1, 3600)}
    assert ratelimit._count_local(ratelimit._fallback, "ratelimit:x", 3600) == 1
    clock.advance(1000)
    assert ratelimit._count_local(ratelimit._fallback, "ratelimit:x", 3600) == 2
    clock.advance(2601)
    assert ratelimit._count_local(ratelimit._fallback, "ratelimit:x", 3600) == 1
    ratelimit._fallback.clear()


@pytest.mark.redis
def test_on_redis_the_window_is_set_once_and_kept(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("REDIS_URL", ""),
            "KEY_PREFIX": "test-windows",
        }
    }
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "petition_ip": (2, 3600)}
    ratelimit.reset("petition_ip", "10.0.0.5")
    backend, client = ratelimit.redis_cache()
    key = backend.make_and_validate_key("ratelimit:petition_ip:10.0.0.5")
    assert ratelimit.hit("petition_ip", "10.0.0.5")
    client.expire(key, 3000)  # as if 600 s had passed since the window opened
    assert ratelimit.hit("petition_ip", "10.0.0.5")
    assert not ratelimit.hit("petition_ip", "10.0.0.5")
    assert 2990 <= client.ttl(key) <= 3000  # later hits never moved the window's end
    ratelimit.reset("petition_ip", "10.0.0.5")
