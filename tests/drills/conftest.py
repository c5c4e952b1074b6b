"""Fixtures of the fault drills: one private PostgreSQL cluster for the session with a
migrated template database holding the demo's regions, handling units and accounts (the
first step of ``seed_demo``, ``portal.demo.core``: its years of history would cost the drills
twenty seconds and they need none of it), and for each drill a ``Stack``: its own database
copied from the template, and whatever services it starts, all stopped afterwards.

The drills never use pytest-django's test database nor the machine's shared PostgreSQL and
Redis: they run beside any other test of the session.
"""

import shutil
import tempfile
import time
from pathlib import Path

import pytest

from tests.drills import harness

TEMPLATE = "drill_template"
SEED = """
from django.core.management import call_command
from portal.demo import core
call_command("migrate", interactive=False, skip_checks=True, verbosity=0)
core.build()
"""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "drill: a fault drill on private PostgreSQL/Redis processes (tests/drills)"
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/drills/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.drill)


@pytest.fixture(scope="session")
def drill_cluster():
    """A private PostgreSQL cluster on a free port from 5440, with the template database."""
    harness.require(postgres=True)
    folder = Path(tempfile.mkdtemp(prefix="portal-drill-pg-"))
    folder.chmod(0o755)  # the postgres user walks into it
    cluster = harness.Postgres(folder / "pg", harness.free_port(5440))
    started = time.monotonic()
    try:
        cluster.init()
        cluster.start()
        harness.trace("private PostgreSQL up")
        cluster.create_database(TEMPLATE)
        env = harness.portal_env(
            database_url=cluster.url(TEMPLATE), redis_url=None, var_dir=folder / "var"
        )
        (folder / "var").mkdir()
        harness.manage(env, "shell", "-c", SEED)  # one Django start for both
        # Whatever the demo notified counts as sent: a drill counts only its own messages.
        cluster.query(
            TEMPLATE,
            "UPDATE portal_notification SET delivered_at = now() WHERE delivered_at IS NULL",
        )
        harness.trace(f"template ready in {time.monotonic() - started:.1f} s")
        yield cluster
    finally:
        cluster.destroy()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def drill_stack(request, drill_cluster):
    """One drill's database and services; ``stack.close()`` runs even when the drill fails."""
    stack = harness.Stack(drill_cluster, TEMPLATE, request.node.name.removeprefix("test_")[:20])
    request.addfinalizer(stack.close)
    stack.open()
    return stack
