"""Shared fixtures and the rules for tests that need real services.

Tests marked ``postgres``, ``redis`` or ``browser`` run when the service is there and are
skipped with a visible reason otherwise. With ``PORTAL_REQUIRE_SERVICES=1`` (set by
``.ci/run``) a missing service fails those tests instead of skipping them.
"""

import hashlib
import io
import os
import shutil
import sys
import uuid

import pytest
from django.db import connection, transaction


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


# The settings the autouse fixtures above give every test, for data built outside a test.
TEST_SETTINGS = {
    "CACHES": {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}
    },
    "NAV_COUNT_SECONDS": 0,
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}


class _DemoSnapshot:
    """``seed_demo``'s result, copied out of PostgreSQL the first time a module seeds it.

    A later module gets the very same rows copied back in instead of seeding again, but only
    while the database it starts from is the one that was seeded (same rows in every table,
    byte for byte, so the same content types, permissions and calendar days) and on the same
    day; otherwise, or when another session holds a lock on a table, it seeds, and keeps that
    result instead. The copy replaces the rows of every table inside the module's
    transaction, so the rollback at its end undoes it.
    """

    key: tuple | None = None
    rows: dict[str, bytes] = {}

    @staticmethod
    def _tables() -> list[str]:
        tables = connection.introspection.django_table_names(True, include_views=False)
        return sorted(tables)

    @classmethod
    def _copy_out(cls) -> dict[str, bytes]:
        quote = connection.ops.quote_name
        rows = {}
        with connection.cursor() as cursor:
            for table in cls._tables():
                buffer = io.BytesIO()
                cursor.copy_expert(f"COPY {quote(table)} TO STDOUT (FORMAT binary)", buffer)
                rows[table] = buffer.getvalue()
        return rows

    @classmethod
    def _key(cls) -> tuple:
        from django.utils import timezone

        before = hashlib.sha256()
        for table, data in cls._copy_out().items():
            before.update(table.encode() + b"\0" + data)
        return before.hexdigest(), timezone.localdate()

    @classmethod
    def _copy_in(cls) -> bool:
        """Replace every table's rows by the copy; False (nothing changed) when a table is
        locked by another session."""
        from django.db import OperationalError

        quote = connection.ops.quote_name
        tables = ", ".join(quote(table) for table in cls.rows)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE NOWAIT")
        except OperationalError:
            return False
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables}")
            for table, data in cls.rows.items():
                cursor.copy_expert(
                    f"COPY {quote(table)} FROM STDIN (FORMAT binary)", io.BytesIO(data)
                )
                # New rows of the tests get ids above the copied ones, as after seeding.
                for sequence in connection.introspection.get_sequences(cursor, table):
                    column, name = quote(sequence["column"]), quote(sequence["name"])
                    cursor.execute(
                        f"SELECT setval('{name}', m) FROM (SELECT MAX({column}) AS m"
                        f" FROM {quote(table)}) AS t WHERE m > (SELECT last_value FROM {name})"
                    )
        return True

    @classmethod
    def build(cls, seed) -> None:
        """Give the open transaction the seeded demo: copied in when it may be, else seeded."""
        if connection.vendor != "postgresql":
            seed()
            return
        key = cls._key()
        if key == cls.key and cls._copy_in():
            return
        seed()
        cls.key, cls.rows = key, cls._copy_out()


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup, django_db_blocker):
    """The whole demo (``seed_demo``), built once for the module in a transaction that is
    rolled back at the module's end (on PostgreSQL usually copied from the session's first
    seeding: see _DemoSnapshot).

    Each test's ``db`` transaction is a savepoint inside it, rolled back after the test: every
    test starts from the freshly seeded demo and never sees what another test wrote. Only for
    tests that do not commit (no ``transactional_db``, no live server). A module's tests that
    must not see the demo run before its first test that asks for it.
    """
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import override_settings

    def seed():
        cache.clear()
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())

    outer = transaction.atomic()
    with django_db_blocker.unblock(), override_settings(**TEST_SETTINGS):
        outer.__enter__()
        try:
            _DemoSnapshot.build(seed)
            # Check the demo rows' deferred constraints once, here: otherwise every test's
            # teardown checks them all again.
            connection.check_constraints()
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
