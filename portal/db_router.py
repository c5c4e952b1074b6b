"""Reads that may lag go to the PostgreSQL streaming replica; everything else to the primary.

The portal reads from the primary (``default``) unless a code path opts in, and then only
while the replica is safe to read (docs/SCALING.md):

- **Opt in.** ``ReplicaMiddleware`` opts in the GET/HEAD requests of the views named in
  ``settings.REPLICA_VIEWS`` (public pages, statistics pages and API, the dashboard and its
  export), of views decorated with ``@replica.view``, and the Excel export of every staff
  list (``?export=`` on a ``portal.tables`` view). Other code wraps its lag-tolerant reads
  in ``with replica.reads():`` (long exports in a worker).
- **Never inside a transaction** on the primary: a transaction reads what it may write.
- **Read your writes.** A request that writes switches to the primary for the rest of it, and
  the browser that sent a POST (any unsafe method) reads from the primary for
  ``REPLICA_STICKY_SECONDS`` (a cookie), longer than the replica may lag.
- **Identity and grants** (sessions, tokens, users, permissions, sign-in records) are always
  read from the primary: a new session or a revoked grant counts at once.
- **The lag guard.** The replica is used only while it is reachable, is a standby, and lags
  at most ``REPLICA_MAX_LAG_SECONDS``; each process re-checks every
  ``REPLICA_CHECK_SECONDS``. A replica that cannot be reached is left alone for
  ``REPLICA_RETRY_SECONDS``. A request whose replica read fails is answered again from the
  primary, so pages keep working with the replica down.
- **Writes and migrations** go to the primary only; the replica is never migrated.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

log = logging.getLogger(__name__)

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"
STICKY_COOKIE = "portal_primary"
SAFE_METHODS = ("GET", "HEAD")
# Read from the primary always: who is signed in and what they may see must be current.
PRIMARY_ONLY_APPS = frozenset(
    {"admin", "auth", "authtoken", "axes", "contenttypes", "guardian", "sessions"}
)
CATCH_UP_WAIT = 0.3  # seconds the guard waits for a replica that is a little behind

# Scope kinds: what the running code asked for.
EXPLICIT = "replica"  # replica.reads(): lag-tolerant reads, writes beside them or not
UNTIL_WRITE = "replica-until-write"  # an opted-in request, until it writes
FORCED_PRIMARY = "primary"  # sticky browser, a request that wrote, a retry


@dataclass
class Scope:
    kind: str
    used: bool = False  # a read went to the replica in this scope


_scope: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("replica_scope", default=None)


def configured() -> bool:
    """Return whether a replica is configured (``DATABASE_REPLICA_URL``)."""
    return REPLICA in connections.settings


# --- the lag guard --------------------------------------------------------------------

OK, LAGGING, UNSURE, NOT_STANDBY, DOWN, UNKNOWN = (
    "ok", "lagging", "unsure", "not a standby", "down", "not checked yet",
)  # fmt: skip


def judge(
    *, behind_bytes: float | None, paused: bool, replay_age: float | None, max_lag: float
) -> tuple[str, float | None]:
    """Return the verdict on a replica and its lag in seconds (an upper bound, or None).

    ``behind_bytes``: how far the replica's replayed WAL is behind the primary's position
    read just before (None: the server is not in recovery, so not a standby);
    ``replay_age``: seconds since the last transaction the replica replayed committed.
    A replica that has replayed all the primary had is current, however long ago the last
    commit was (an idle primary). Otherwise ``replay_age`` bounds what it misses: fine when
    small; when large it may also be an idle primary's first new commit in flight, which the
    caller settles by waiting a moment (``UNSURE``). A paused replay never catches up.
    """
    if behind_bytes is None:
        return NOT_STANDBY, None
    if behind_bytes <= 0:
        return OK, 0.0
    if paused:
        return LAGGING, replay_age
    if replay_age is not None and replay_age <= max_lag:
        return OK, max(replay_age, 0.0)
    return UNSURE, replay_age


@dataclass(frozen=True)
class Health:
    verdict: str
    lag: float | None = None  # seconds, an upper bound
    detail: str = ""
    checked_at: float = 0.0  # time.monotonic()
    next_check: float = 0.0  # time.monotonic()

    @property
    def usable(self) -> bool:
        return self.verdict == OK


# The primary's position and identity. A physical standby has the primary's system
# identifier and databases: a standby of another server, or another database on this one (a
# URL that names the wrong database), must not serve this one's reads.
PRIMARY_SQL = """
SELECT pg_current_wal_lsn()::text, system_identifier, current_database()
FROM pg_control_system()
"""
PROBE_SQL = """
SELECT pg_is_in_recovery(),
       pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn()),
       CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END,
       EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()),
       (SELECT system_identifier FROM pg_control_system()),
       current_database()
"""
BEHIND_SQL = "SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())"


class Guard:
    """Whether this process may read from the replica now, re-checked every few seconds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.health = Health(UNKNOWN)

    def usable(self) -> bool:
        """Return whether the replica may serve a read now (checking it when due)."""
        health = self.health
        if time.monotonic() < health.next_check:
            return health.usable
        # One thread checks; the others go on with the last answer meanwhile, unless every
        # read is to be checked (REPLICA_CHECK_SECONDS = 0).
        if not self._lock.acquire(blocking=_setting("CHECK") <= 0):
            return health.usable
        try:
            self._record(self._check())
        finally:
            self._lock.release()
        return self.health.usable

    def check(self) -> Health:
        """Check the replica now and return what was found."""
        with self._lock:
            self._record(self._check())
        return self.health

    def mark_down(self, error: BaseException | str) -> None:
        """Leave the replica alone for ``REPLICA_RETRY_SECONDS`` (a read on it failed)."""
        now = time.monotonic()
        self._record(Health(DOWN, None, _describe(error), now, now + _setting("RETRY")))
        _close_replica()

    def reset(self) -> None:
        """Forget the last check (the next read checks again)."""
        self.health = Health(UNKNOWN)

    def _check(self) -> Health:
        now = time.monotonic()
        try:
            # First the replica's connection: one that cannot be reached costs the primary
            # no query.
            connections[REPLICA].ensure_connection()
            with connections[PRIMARY].cursor() as cursor:
                cursor.execute(PRIMARY_SQL)
                primary_lsn, primary_id, primary_db = cursor.fetchone()
            with connections[REPLICA].cursor() as cursor:
                cursor.execute(PROBE_SQL, [primary_lsn])
                recovering, behind, paused, replay_age, replica_id, replica_db = cursor.fetchone()
                if (replica_id, replica_db) != (primary_id, primary_db):
                    now = time.monotonic()
                    detail = (
                        "a standby of another server" if replica_id != primary_id
                        else f"database {replica_db}, not {primary_db}"
                    )  # fmt: skip
                    return Health(NOT_STANDBY, None, detail, now, now + _setting("RETRY"))
                if not recovering:
                    behind = None
                verdict, lag = judge(
                    behind_bytes=None if behind is None else float(behind),
                    paused=bool(paused),
                    replay_age=None if replay_age is None else float(replay_age),
                    max_lag=_setting("MAX_LAG"),
                )
                if verdict == UNSURE:
                    verdict, lag = self._wait_for(cursor, primary_lsn, lag)
        except Exception as exc:  # unreachable, refused, timed out, or not allowed here
            # (a test that did not ask for the replica): any failure means "do not use it".
            _close_replica()
            return Health(DOWN, None, _describe(exc), now, now + _setting("RETRY"))
        if verdict == NOT_STANDBY:
            return Health(verdict, None, "not in recovery", now, now + _setting("RETRY"))
        return Health(verdict, lag, f"{behind} bytes behind", now, now + _setting("CHECK"))

    @staticmethod
    def _wait_for(cursor, primary_lsn: str, lag: float | None) -> tuple[str, float | None]:
        """Whether the replica replays ``primary_lsn`` within a moment (an idle primary's
        first commit in flight) or stays behind (lagging, by up to ``lag`` seconds)."""
        began = time.monotonic()
        while time.monotonic() - began < CATCH_UP_WAIT:
            time.sleep(0.005)
            cursor.execute(BEHIND_SQL, [primary_lsn])
            if float(cursor.fetchone()[0]) <= 0:
                return OK, time.monotonic() - began
        return LAGGING, lag

    def _record(self, health: Health) -> None:
        before = self.health
        self.health = health
        if health.usable and not before.usable and before.verdict != UNKNOWN:
            log.info("replica: usable again (lag %.1f s)", health.lag or 0.0)
        elif not health.usable and (before.usable or before.verdict != health.verdict):
            lag = "" if health.lag is None else f", lag up to {health.lag:.1f} s"
            log.warning("replica: not used (%s%s: %s)", health.verdict, lag, health.detail)


def _setting(name: str) -> float:
    defaults = {"MAX_LAG": 5.0, "CHECK": 2.0, "RETRY": 30.0, "STICKY": 10.0}
    full = {"MAX_LAG": "REPLICA_MAX_LAG_SECONDS", "CHECK": "REPLICA_CHECK_SECONDS",
            "RETRY": "REPLICA_RETRY_SECONDS", "STICKY": "REPLICA_STICKY_SECONDS"}  # fmt: skip
    return float(getattr(settings, full[name], defaults[name]))


def _describe(error: BaseException | str) -> str:
    if isinstance(error, str):
        return error
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}"[:200]


def _close_replica() -> None:
    with contextlib.suppress(Exception):
        connections[REPLICA].close()


# --- the choice -----------------------------------------------------------------------


@functools.cache
def primary_only(model) -> bool:
    """Return whether ``model`` is always read from the primary (identity and grants)."""
    from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

    meta = model._meta
    if meta.app_label in PRIMARY_ONLY_APPS:
        return True
    if meta.label_lower == settings.AUTH_USER_MODEL.lower():
        return True
    return issubclass(model, (UserObjectPermissionBase, GroupObjectPermissionBase))


class Replica:
    """The portal's use of the replica: scopes, the guard and the choice of alias."""

    def __init__(self) -> None:
        self.guard = Guard()

    @contextlib.contextmanager
    def reads(self) -> Iterator[None]:
        """Let the reads in this block go to the replica (when the guard allows): for code
        whose reads may lag, e.g. a long export written by a worker."""
        token = _scope.set(Scope(EXPLICIT))
        try:
            yield
        finally:
            _scope.reset(token)

    @contextlib.contextmanager
    def primary(self) -> Iterator[None]:
        """Read from the primary in this block, whatever the surrounding code asked."""
        token = _scope.set(Scope(FORCED_PRIMARY))
        try:
            yield
        finally:
            _scope.reset(token)

    @staticmethod
    def view(view_func: Callable) -> Callable:
        """Mark a view whose GET answer may lag: ``ReplicaMiddleware`` lets its reads go to
        the replica (the same rules as for ``settings.REPLICA_VIEWS``)."""
        view_func.replica_reads = True
        return view_func

    def alias_for_read(self, model) -> str:
        """Return the alias that a read of ``model`` goes to now."""
        scope = _scope.get()
        if scope is None or scope.kind not in (EXPLICIT, UNTIL_WRITE) or not configured():
            return PRIMARY
        if primary_only(model) or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        if not self.guard.usable():
            return PRIMARY
        scope.used = True
        return REPLICA

    @staticmethod
    def note_write() -> None:
        """A write: an opted-in request reads from the primary from now on."""
        scope = _scope.get()
        if scope is not None and scope.kind == UNTIL_WRITE:
            scope.kind = FORCED_PRIMARY

    def status(self) -> dict:
        """The guard's last answer, for health pages and logs."""
        health = self.guard.health
        return {
            "configured": configured(),
            "usable": health.usable,
            "verdict": health.verdict,
            "lag_seconds": None if health.lag is None else round(health.lag, 3),
            "detail": health.detail,
        }


replica = Replica()


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry: reads as ``replica`` decides, writes to the primary."""

    def db_for_read(self, model, **hints) -> str:
        # Always an answer: an object read from the replica must not pull its related
        # objects from there outside an opted-in scope (Django would follow its hint).
        return replica.alias_for_read(model)

    def db_for_write(self, model, **hints) -> str:
        replica.note_write()
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}:
            return True  # the same data, one behind the other
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        if db == REPLICA:
            return False  # a standby is read-only: it gets the primary's schema by streaming
        return None


# --- requests -------------------------------------------------------------------------


def _sticky(request) -> bool:
    raw = request.COOKIES.get(STICKY_COOKIE, "")
    try:
        return float(raw) > time.time()
    except ValueError:
        return False


def _lag_tolerant(request, view_func) -> bool:
    if request.method not in SAFE_METHODS:
        return False
    if getattr(view_func, "replica_reads", False):
        return True
    match = request.resolver_match
    if match is not None and match.view_name in getattr(settings, "REPLICA_VIEWS", ()):
        return True
    # The Excel export of a staff list (portal.tables.views.table_view).
    return getattr(view_func, "table", None) is not None and bool(request.GET.get("export"))


def _recovery_conflict(error: BaseException) -> bool:
    cause = error.__cause__
    return getattr(cause, "pgcode", None) in {"40001", "40P01"} and "recovery" in str(error)


def _replica_failed(error: BaseException) -> bool:
    """Return whether ``error`` came from the replica (its connection is broken, or the
    standby cancelled the query for a conflict with replay)."""
    if _recovery_conflict(error):
        return True
    connection = connections[REPLICA]
    if connection.connection is None:
        return True
    try:
        return not connection.is_usable()
    except Exception:
        return True


def _browser(request) -> bool:
    """A browser keeps cookies (its session or CSRF cookie is there); a system calling the API
    or Open311 with a key does not, and is given none."""
    from django.conf import settings

    return (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or settings.CSRF_COOKIE_NAME in request.COOKIES
    )


class ReplicaMiddleware:
    """Opt lag-tolerant GET requests in to the replica; keep a browser that has just
    written on the primary; answer again from the primary when the replica fails."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not configured():
            return self.get_response(request)
        token = _scope.set(Scope(FORCED_PRIMARY) if _sticky(request) else None)
        try:
            response = self.get_response(request)
        finally:
            _scope.reset(token)
        if request.method not in SAFE_METHODS and _browser(request):
            seconds = int(_setting("STICKY"))
            response.set_cookie(
                STICKY_COOKIE, str(int(time.time()) + seconds), max_age=seconds,
                httponly=True, samesite="Lax", secure=request.is_secure(),
            )  # fmt: skip
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        scope = _scope.get()
        if not configured() or (scope is not None and scope.kind == FORCED_PRIMARY):
            return None
        if _lag_tolerant(request, view_func):
            _scope.set(Scope(UNTIL_WRITE))  # undone by __call__'s reset
            request._replica_view = (view_func, view_args, view_kwargs)
        return None

    def process_exception(self, request, exception):
        scope = _scope.get()
        retry = getattr(request, "_replica_view", None)
        if scope is None or not scope.used or retry is None:
            return None
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        if not _replica_failed(exception):
            return None
        if not _recovery_conflict(exception):
            replica.guard.mark_down(exception)
        log.warning("replica: a read failed (%s); answering from the primary", exception)
        scope.kind = FORCED_PRIMARY
        request._replica_view = None  # one retry
        view_func, view_args, view_kwargs = retry
        return view_func(request, *view_args, **view_kwargs)
