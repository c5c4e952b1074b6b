"""Shared fixtures and the rules for tests that need real services.

Tests marked ``postgres``, ``redis`` or ``browser`` run when the service is there and are
skipped with a visible reason otherwise. With ``PORTAL_REQUIRE_SERVICES=1`` (set by
``.ci/run``) a missing service fails those tests instead of skipping them.
"""

import os
import shutil
import uuid

import pytest
from django.db import connection


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


def _missing(item) -> str | None:
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    if item.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        return "needs Redis: set REDIS_URL=redis://..."
    if item.get_closest_marker("browser") and not chromium_path():
        return "needs Debian's chromium (apt-get install chromium)"
    return None


def pytest_runtest_setup(item):
    reason = _missing(item)
    if reason is None:
        return
    if os.environ.get("PORTAL_REQUIRE_SERVICES") == "1":
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Rate-limit counters live in the cache: every test gets a private, empty one, so that
    test runs never share counters with each other or with a running portal."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}
    }
    cache.clear()
    yield


@pytest.fixture
def redis_cache(settings):
    """The default cache on the Redis of REDIS_URL, under a prefix of this test only."""
    from portal import ratelimit

    prefix = f"test-ratelimit-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("REDIS_URL", ""),
            "KEY_PREFIX": prefix,
        }
    }
    backend, client = ratelimit.redis_cache()
    yield backend, client
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _menu_counts_every_request(settings):
    """The side menu keeps its counts a minute; tests count them on every request, so that a
    page costs the same number of queries each time (tests/portal/test_nav.py tests the
    keeping)."""
    settings.NAV_COUNT_SECONDS = 0


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
