"""Scratch PostgreSQL databases beside the test database, and the portal run against them
in processes of its own (the drill's databases are never the test run's connection)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg2
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
# Fixed for every process of one drill: the citizens' tracking links are signed with it.
DRILL_SECRET_KEY = "restore-drill-" + "k" * 50
# The portal's variables that must come from the drill, never from the calling shell.
PORTAL_VARIABLES = {
    "DATABASE_URL", "REDIS_URL", "PORTAL_VAR_DIR", "DJANGO_SETTINGS_MODULE", "SECRET_KEY",
    "DEBUG", "ALLOWED_HOSTS", "BACKUP_DIR", "BACKUP_KEEP_DAYS", "CELERY_QUEUE",
    "DATABASE_REPLICA_URL",
}  # fmt: skip


def _server() -> dict:
    db = settings.DATABASES["default"]
    return {
        "host": db.get("HOST") or "127.0.0.1",
        "port": str(db.get("PORT") or 5432),
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or "",
    }


def scratch_name(suffix: str) -> str:
    """A database name derived from the test database's: ``test_<name>_<suffix>``."""
    name = settings.DATABASES["default"]["NAME"]
    base = name if name.startswith("test_") else f"test_{name}"
    return f"{base}_{suffix}"[:63]


def url_for(name: str) -> str:
    server = _server()
    secret = f":{quote(server['password'], safe='')}" if server["password"] else ""
    user = quote(server["user"], safe="")
    return f"postgres://{user}{secret}@{server['host']}:{server['port']}/{name}"


def _admin():
    server = _server()
    connection = psycopg2.connect(dbname="postgres", connect_timeout=10, **server)
    connection.autocommit = True
    return connection


def _execute(statement: str) -> None:
    connection = _admin()
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def create_database(name: str) -> None:
    drop_database(name)
    _execute(f'CREATE DATABASE "{name}"')
    # A scratch database: commits need not wait for the disk (a shared CI machine's fsyncs).
    _execute(f'ALTER DATABASE "{name}" SET synchronous_commit TO off')


def drop_database(name: str) -> None:
    _execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def portal_env(url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a portal process on database ``url`` with its files in ``var_dir``:
    development settings, no Redis (tasks queue in files under ``var_dir``, never in a
    Redis a worker of another test might read)."""
    env = {k: v for k, v in os.environ.items() if k not in PORTAL_VARIABLES}
    env.update(
        DATABASE_URL=url, PORTAL_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="portal.settings",
        SECRET_KEY=DRILL_SECRET_KEY, DEBUG="false", ALLOWED_HOSTS="testserver",
        PYTHONDONTWRITEBYTECODE="1",
    )  # fmt: skip
    env.update(extra)
    return env


def run(command: list[str], env: dict[str, str], timeout: int = 300):
    """Run ``command`` in the project's directory; fail the test with its output if it fails."""
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
        )
    return result


def probe(command: str, env: dict[str, str], args: dict | None = None) -> dict:
    """Run a ``drill_probe`` command and return the JSON it printed last."""
    argv = [sys.executable, "-m", "tests.production.drill_probe", command]
    result = run(argv + [json.dumps(args or {})], env)
    return json.loads(result.stdout.strip().splitlines()[-1])
