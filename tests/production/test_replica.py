"""The replica router on a real PostgreSQL streaming standby (``scripts/standby``; `.ci/run`
starts it on port 5433 and sets DATABASE_REPLICA_URL): where reads and writes go, a commit on
the primary showing on the standby, a paused (lagging) standby bypassed and used again once
it has caught up, pages answering from the primary with the standby unreachable, a browser
that has just written reading from the primary, and no migration on the standby.

The test database that pytest-django creates on the primary streams to the standby, and the
``replica`` alias reads it there (``TEST: {"MIRROR": "default"}`` keeps the alias's own port).
The tests need committed data (``transaction=True``). Without DATABASE_REPLICA_URL they are
skipped, or fail when PORTAL_REQUIRE_REPLICA=1 (as in CI).
"""

import io
import os
import socket
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import DatabaseError, connections, router, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from portal import access, db_router
from portal.db_router import (
    DOWN,
    LAGGING,
    NOT_STANDBY,
    OK,
    PRIMARY,
    REPLICA,
    STICKY_COOKIE,
    UNSURE,
    ReplicaMiddleware,
    ReplicaRouter,
    judge,
    replica,
)
from portal.models import Region, RegionUserObjectPermission, User
from portal.tablemodels import ExportJob
from portal.tables import exports
from stations.models import Station
from stations.tables import stations as station_table
from tests.factories import make_region, staff_with_role

HAVE_REPLICA = REPLICA in settings.DATABASES
live = pytest.mark.django_db(
    transaction=True, databases=[PRIMARY, REPLICA] if HAVE_REPLICA else [PRIMARY]
)
WAIT = 10.0  # seconds a streaming standby gets to replay a commit (it takes milliseconds)


@pytest.fixture
def standby(settings):
    """The replica's connection, with the lag guard checking at every read; afterwards the
    alias's settings restored, replay resumed and the guard's memory cleared, so that the
    rest of the suite starts from a streaming standby and a fresh guard."""
    if not HAVE_REPLICA:
        reason = "needs a streaming standby: scripts/standby start; DATABASE_REPLICA_URL=..."
        if os.environ.get("PORTAL_REQUIRE_REPLICA") == "1":
            pytest.fail(f"required replica missing: {reason}", pytrace=False)
        pytest.skip(reason)
    settings.REPLICA_CHECK_SECONDS = 0
    replica.guard.reset()
    connection = connections[REPLICA]
    saved = dict(connection.settings_dict)
    yield connection
    connection.close()
    connection.settings_dict.update(saved)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    connection.close()
    replica.guard.reset()


def wait_until(predicate, timeout: float = WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def primary_lsn() -> str:
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def replayed(lsn: str) -> bool:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn()) <= 0", [lsn])
        return cursor.fetchone()[0]


def caught_up() -> None:
    lsn = primary_lsn()
    assert wait_until(lambda: replayed(lsn)), "the standby did not replay the primary's commits"


def set_replay(paused: bool) -> None:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(f"SELECT pg_wal_replay_{'pause' if paused else 'resume'}()")
    want = "paused" if paused else "not paused"

    def reached() -> bool:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_get_wal_replay_pause_state()")
            return cursor.fetchone()[0] == want

    assert wait_until(reached), f"replay did not become {want}"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(client, url, **params):
    """GET ``url``; return the response and the SQL sent to the primary and to the replica."""
    with (
        CaptureQueriesContext(connections[PRIMARY]) as on_primary,
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
    ):
        response = client.get(url, params)
        if hasattr(response, "streaming_content"):
            response.body = b"".join(response.streaming_content)
    return response, [q["sql"] for q in on_primary], [q["sql"] for q in on_replica]


def touching(queries: list[str], table: str) -> list[str]:
    return [sql for sql in queries if f'"{table}"' in sql]


def office(region: Region) -> User:
    return staff_with_role(region, access.Role.STAFF)


# --- the lag guard's verdict (no database) -----------------------------------------------


@pytest.mark.parametrize(
    ("behind", "paused", "age", "verdict"),
    [(0, False, 3600.0, OK),  # an idle primary: nothing new to replay, however long ago
     (-100, False, None, OK),  # the replica is past the position read a moment before
     (8192, False, 0.8, OK),  # busy: the last replayed commit is recent
     (8192, False, 30.0, UNSURE),  # a large gap or an idle primary's first commit: wait
     (8192, False, None, UNSURE),
     (8192, True, 0.1, LAGGING),  # replay paused: it will not catch up
     (None, False, None, NOT_STANDBY)],  # not in recovery: a primary, not a standby
)  # fmt: skip
def test_the_guard_judges_lag_by_what_is_left_to_replay(behind, paused, age, verdict):
    assert judge(behind_bytes=behind, paused=paused, replay_age=age, max_lag=5.0)[0] == verdict


# --- on the standby ----------------------------------------------------------------------


@pytest.mark.postgres
@live
def test_the_replica_alias_reads_the_test_database_on_a_read_only_standby(standby):
    assert standby.settings_dict["NAME"] == connections[PRIMARY].settings_dict["NAME"]
    assert standby.settings_dict["PORT"] != connections[PRIMARY].settings_dict["PORT"]
    with standby.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_database()")
        assert cursor.fetchone() == (True, connections[PRIMARY].settings_dict["NAME"])
    with pytest.raises(DatabaseError, match="read-only"):
        Region.objects.using(REPLICA).create(code="339900000000", name="x", level=1, path="x")


@pytest.mark.postgres
@live
def test_a_commit_on_the_primary_shows_on_the_replica(standby):
    region = make_region("复制市")
    began = time.monotonic()
    assert wait_until(lambda: Region.objects.using(REPLICA).filter(pk=region.pk).exists())
    assert time.monotonic() - began < WAIT


@pytest.mark.postgres
@live
def test_opted_in_reads_go_to_the_replica_writes_and_everything_else_to_the_primary(standby):
    caught_up()
    route = ReplicaRouter()
    assert route.db_for_read(Region) == PRIMARY  # nothing opted in
    with replica.reads():
        assert route.db_for_read(Region) == REPLICA
        assert Region.objects.all().db == REPLICA
        assert route.db_for_write(Region) == PRIMARY
        # Who is signed in and what they may see: always the primary.
        for model in (User, Session, RegionUserObjectPermission):
            assert route.db_for_read(model) == PRIMARY, model
        with transaction.atomic():
            assert route.db_for_read(Region) == PRIMARY  # a transaction reads the primary
        with replica.primary():
            assert route.db_for_read(Region) == PRIMARY
        assert route.db_for_read(Region) == REPLICA
    assert route.db_for_read(Region) == PRIMARY


@pytest.mark.postgres
@live
def test_a_public_page_reads_the_replica_and_a_form_the_primary(standby, client):
    town = make_region("复制镇", make_region("复制县", make_region("复制市")))
    Station.objects.create(region=town, name="复制镇中心联络站", kind=Station.Kind.CENTRAL)
    caught_up()
    response, on_primary, on_replica = get(client, "/stations/")
    assert response.status_code == 200
    assert "复制镇中心联络站" in response.content.decode()
    assert touching(on_replica, "stations_station")
    assert not touching(on_primary, "stations_station")
    # The citizens' form is not a lag-tolerant page.
    response, on_primary, on_replica = get(client, "/petitions/new/")
    assert response.status_code == 200
    assert on_replica == []


@pytest.mark.postgres
@live
def test_the_statistics_api_and_the_dashboard_read_the_replica(standby, client):
    county = make_region("复制县", make_region("复制市"))
    client.force_login(office(county))
    caught_up()
    for url, params in [
        ("/api/v1/statistics/receptions/", {"region": county.pk, "breakdown": "children"}),
        ("/desk/dashboard/", {"region": county.pk}),
        ("/desk/dashboard/export/", {"region": county.pk}),
    ]:
        response, on_primary, on_replica = get(client, url, **params)
        assert response.status_code == 200, url
        assert touching(on_replica, "portal_figurevalue"), url
        assert not touching(on_primary, "portal_figurevalue"), url
        # The session and the user's grants come from the primary.
        assert touching(on_primary, "django_session"), url
        assert not touching(on_replica, "portal_regionuserobjectpermission"), url


@pytest.mark.postgres
@live
def test_a_request_that_writes_reads_from_the_primary_after_its_write(standby):
    caught_up()
    seen = []

    @replica.view
    def view(request):
        seen.append(Region.objects.all().db)
        region = make_region("写后读市")
        seen.append(Region.objects.all().db)
        seen.append(Region.objects.filter(pk=region.pk).exists())
        return "done"

    middleware = ReplicaMiddleware(lambda request: middleware.process_view(
        request, view, (), {}) or view(request))  # fmt: skip
    assert middleware(RequestFactory().get("/")) == "done"
    assert seen == [REPLICA, PRIMARY, True]


@pytest.mark.postgres
@live
def test_a_paused_replica_is_bypassed_and_used_again_once_it_has_caught_up(standby, client):
    town = make_region("复制镇", make_region("复制县", make_region("复制市")))
    Station.objects.create(region=town, name="先建联络站", kind=Station.Kind.CENTRAL)
    caught_up()
    assert replica.guard.check().verdict == OK
    set_replay(paused=True)
    late = Station.objects.create(region=town, name="后建联络站", kind=Station.Kind.CENTRAL)

    health = replica.guard.check()
    assert (health.verdict, health.usable) == (LAGGING, False)
    assert not Station.objects.using(REPLICA).filter(pk=late.pk).exists()  # really behind
    response, on_primary, on_replica = get(client, "/stations/")
    assert response.status_code == 200
    assert "后建联络站" in response.content.decode()  # from the primary
    assert on_replica == [] or not touching(on_replica, "stations_station")
    assert touching(on_primary, "stations_station")

    set_replay(paused=False)
    caught_up()
    assert replica.guard.check().verdict == OK
    response, on_primary, on_replica = get(client, "/stations/")
    assert "后建联络站" in response.content.decode()
    assert touching(on_replica, "stations_station")


@pytest.mark.postgres
@live
def test_a_replica_a_moment_behind_is_waited_for_not_bypassed(standby, settings, monkeypatch):
    settings.REPLICA_MAX_LAG_SECONDS = 0  # every gap makes the guard wait for the replay
    monkeypatch.setattr(db_router, "CATCH_UP_WAIT", WAIT)  # however busy the machine is
    caught_up()
    make_region("刚写市")
    assert replica.guard.check().verdict == OK  # replayed within the guard's short wait
    set_replay(paused=True)
    make_region("未复制市")
    assert replica.guard.check().verdict == LAGGING


@pytest.mark.postgres
@live
def test_the_guard_refuses_a_replica_that_is_not_a_standby_of_this_database(standby):
    standby.close()
    standby.settings_dict["NAME"] = "postgres"  # the standby, but another database on it
    health = replica.guard.check()
    assert (health.verdict, health.usable) == (NOT_STANDBY, False)
    assert "database postgres" in health.detail
    standby.close()
    standby.settings_dict.update(
        NAME=connections[PRIMARY].settings_dict["NAME"],
        PORT=connections[PRIMARY].settings_dict["PORT"],  # the primary itself
    )
    health = replica.guard.check()
    assert (health.verdict, health.detail) == (NOT_STANDBY, "not in recovery")
    with replica.reads():
        assert Region.objects.all().db == PRIMARY


@pytest.mark.postgres
@live
def test_pages_answer_from_the_primary_with_the_replica_unreachable(standby, client):
    county = make_region("复制县", make_region("复制市"))
    Station.objects.create(region=county, name="县联络站", kind=Station.Kind.CENTRAL)
    client.force_login(office(county))
    standby.close()
    standby.settings_dict["PORT"] = str(closed_port())
    began = time.monotonic()
    for url, params in [
        ("/", {}),
        ("/stations/", {}),
        ("/petitions/results/", {}),
        ("/supervision/", {}),
        ("/voting/", {}),
        ("/api/v1/statistics/", {}),
        ("/api/v1/statistics/receptions/", {"region": county.pk}),
        ("/desk/dashboard/", {"region": county.pk}),
        ("/desk/stations/", {"export": "xlsx"}),
    ]:
        assert client.get(url, params).status_code == 200, url
    assert replica.guard.health.verdict == DOWN
    assert time.monotonic() - began < 30  # refused at once; not retried on every read


@pytest.mark.postgres
@live
def test_a_replica_failing_during_a_request_is_answered_again_from_the_primary(
    standby, client, settings
):
    county = make_region("复制县", make_region("复制市"))
    Station.objects.create(region=county, name="县联络站", kind=Station.Kind.CENTRAL)
    caught_up()
    settings.REPLICA_CHECK_SECONDS = 600
    assert replica.guard.check().usable  # and kept: the guard does not look again
    standby.close()
    standby.settings_dict["PORT"] = str(closed_port())
    response = client.get("/stations/")
    assert response.status_code == 200
    assert "县联络站" in response.content.decode()
    assert replica.guard.health.verdict == DOWN


@pytest.mark.postgres
@live
def test_a_browser_that_has_just_written_reads_its_write_from_the_primary(
    standby, client, settings
):
    county = make_region("复制县", make_region("复制市"))
    Station.objects.create(region=county, name="县联络站", kind=Station.Kind.CENTRAL)
    client.force_login(office(county))
    caught_up()
    settings.REPLICA_CHECK_SECONDS = 600
    assert replica.guard.check().usable  # the guard keeps "usable" while replay is paused
    set_replay(paused=True)

    posted = client.post("/desk/stations/", {"op": "columns", "col": ["name", "address"]})
    assert posted.status_code == 302
    cookie = posted.cookies[STICKY_COOKIE]
    assert int(cookie["max-age"]) == settings.REPLICA_STICKY_SECONDS

    def header(response) -> list[str]:
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.body)).active
        return [cell.value for cell in next(sheet.iter_rows(max_row=1))]

    mine, on_primary, on_replica = get(client, "/desk/stations/", export="xlsx")
    chosen = [str(c.label) for c in station_table.export_columns(["name", "address"])]
    assert header(mine) == chosen  # the columns just chosen
    assert on_replica == []

    # The same user without the cookie reads the (paused) replica: the choice is not there.
    client.cookies[STICKY_COOKIE] = str(int(time.time()) - 1)
    stale, on_primary, on_replica = get(client, "/desk/stations/", export="xlsx")
    assert touching(on_replica, "portal_tablepreference")
    assert header(stale) == [str(c.label) for c in station_table.export_columns(None)]


@pytest.mark.postgres
@live
def test_a_long_export_in_a_worker_reads_its_rows_from_the_replica(standby):
    county = make_region("复制县", make_region("复制市"))
    Station.objects.create(region=county, name="县联络站", kind=Station.Kind.CENTRAL)
    user = office(county)
    caught_up()
    job = ExportJob.objects.create(user=user, table="stations", columns=["name"], filename="x")
    with (
        CaptureQueriesContext(connections[PRIMARY]) as on_primary,
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
    ):
        assert exports.run(job.pk) == ExportJob.State.DONE
    replica_sql = [q["sql"] for q in on_replica]
    primary_sql = [q["sql"] for q in on_primary]
    assert touching(replica_sql, "stations_station")
    assert touching(primary_sql, "portal_exportjob")  # the job itself: the primary
    assert not touching(replica_sql, "portal_exportjob")


@pytest.mark.postgres
@live
def test_migrations_never_run_on_the_replica(standby):
    route = ReplicaRouter()
    assert settings.DATABASES[REPLICA]["TEST"]["MIRROR"] == PRIMARY  # never created in tests
    for app_label in ("portal", "stations", "petitions", "auth", "sessions"):
        assert route.allow_migrate(REPLICA, app_label) is False
        assert route.allow_migrate(PRIMARY, app_label) is None
    assert router.allow_migrate_model(REPLICA, Region) is False
    call_command("migrate", database=REPLICA, verbosity=0, interactive=False)
    with standby.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,)
