"""Run Celery beat only while holding the deployment's beat lock in PostgreSQL.

    python deploy/beat_singleton.py -- celery -A portal beat --loglevel=INFO ...

A deployment must run exactly one Celery beat: two would send every periodic task twice.
The lock is a PostgreSQL session advisory lock in the portal's database (DATABASE_URL), so
it holds across machines: enable portal-beat.service on one machine, or on two as a hot
standby; the second waits here until the first one's session ends, then starts its beat.

While beat runs, the session is checked every CHECK_SECONDS; if the database connection is
lost (and with it, possibly, the lock) beat is stopped and this exits non-zero, so that
systemd restarts it into waiting. Behind PgBouncer, point DATABASE_URL of this service at
PostgreSQL itself: a pooled connection in transaction mode cannot hold a session lock.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psycopg2

# Any constant: advisory locks are per database, so deployments never share one.
LOCK_KEY = 0x706F7274616C  # "portal"
CHECK_SECONDS = 15
STOP_SECONDS = 20


def log(message: str) -> None:
    print(f"beat-singleton: {message}", file=sys.stderr, flush=True)


def connect():
    url = os.environ["DATABASE_URL"]
    connection = psycopg2.connect(
        url, connect_timeout=10, keepalives=1, keepalives_idle=30, keepalives_interval=10,
        keepalives_count=3, application_name="portal-beat-lock",
    )  # fmt: skip
    connection.autocommit = True
    return connection


def try_lock(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        return bool(cursor.fetchone()[0])


def session_alive(connection) -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except psycopg2.Error:
        return False
    return True


def stop(child: subprocess.Popen) -> int:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
    return child.wait()


def wait_for_lock(connection) -> None:
    waited = False
    while not try_lock(connection):
        if not waited:
            log("another beat holds the lock; waiting (this one is the standby)")
            waited = True
        time.sleep(CHECK_SECONDS)


def supervise(connection, command: list[str]) -> int:
    child = subprocess.Popen(command)  # noqa: S603 - the unit file's own command line
    log(f"lock held, beat started (pid {child.pid})")

    def forward(signum, _frame):
        stop(child)
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    while True:
        try:
            return child.wait(CHECK_SECONDS)
        except subprocess.TimeoutExpired:
            pass
        if not session_alive(connection):
            log("database session lost: stopping beat, the lock may pass to another machine")
            stop(child)
            return 1


def main(argv: list[str]) -> int:
    command = argv[argv.index("--") + 1 :] if "--" in argv else argv
    if not command:
        log("usage: beat_singleton.py -- celery -A portal beat [options]")
        return 2
    connection = connect()
    wait_for_lock(connection)
    return supervise(connection, command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
