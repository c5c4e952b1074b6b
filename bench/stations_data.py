"""Generate liaison stations, deputies and two years of receptions in the benchmark database.

    python -m bench.generate          # once: the city, its regions and the bench users
    python -m bench.stations_data [--receptions 300000] [--deputies 20000]

On the city of ``bench.generate``: one central station per township and one station per
village; deputies spread over the townships, each entered into its township's central station
and every second one also into a village station of that township; receptions over the last
two years (30% at central stations), each with 0–3 matters and one deputy present. The
stations tables are emptied first with TRUNCATE ... CASCADE, which also empties the tables
that point at them (citizen issues); the regions, users and events of ``bench.generate`` are
kept, so the script can run again. Rows are generated inside PostgreSQL from a fixed seed,
in about half a minute, then the tables are vacuumed and analyzed.
"""

import argparse
import time

from bench.common import database_url, setup_django

CENTRAL_SHARE = 0.3  # share of receptions held at township central stations
ANSWERED_SHARE = 0.6  # share of matters answered on the spot; the rest are forwarded
SEED = 0.42


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--receptions", type=int, default=300_000)
    parser.add_argument("--deputies", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=730, help="span of reception dates")
    args = parser.parse_args()

    setup_django()
    from django.core.management import call_command

    started = time.perf_counter()
    print(f"database: {database_url()}")
    call_command("migrate", verbosity=0)
    build(args)
    print(f"done in {time.perf_counter() - started:.1f} s")


def _step(cursor, label: str, sql: str, params: dict | None = None) -> int:
    t = time.perf_counter()
    cursor.execute(sql, params or {})
    rows = cursor.rowcount
    print(f"  {label:28s} {rows:>9,} rows  {time.perf_counter() - t:6.1f} s")
    return rows


def build(args) -> None:
    from django.apps import apps
    from django.db import connection, transaction
    from django.utils import timezone

    from bench import generate
    from portal.models import Region, User
    from stations.models import Reception, ReceptionMatter, Station

    bench_users = list(
        User.objects.filter(
            username__in=[generate.CITY_USER, generate.COUNTY_USER, generate.TOWNSHIP_USER]
        ).select_related("region")
    )
    city = next((u.region for u in bench_users if u.username == generate.CITY_USER), None)
    villages = Region.objects.filter(level=Region.Level.VILLAGE)
    if city is None or not villages.filter(path__startswith=city.path).exists():
        raise SystemExit("No city: run `python -m bench.generate` first.")

    tables = [
        model._meta.db_table
        for model in apps.get_app_config("stations").get_models(include_auto_created=True)
    ]
    params = {
        "city": city.path + "%",
        "township": Region.Level.TOWNSHIP,
        "village": Region.Level.VILLAGE,
        "central": Station.Kind.CENTRAL,
        "village_kind": Station.Kind.VILLAGE,
        "deputies": args.deputies,
        "receptions": args.receptions,
        "days": args.days,
        "today": timezone.localdate(),
        "central_share": CENTRAL_SHARE,
        "answered_share": ANSWERED_SHARE,
        "forms": list(Reception.Form.values),
        "users": [u.pk for u in bench_users],
        "answered": ReceptionMatter.Outcome.ANSWERED,
        "forwarded": ReceptionMatter.Outcome.FORWARDED,
        "seed": SEED,
    }
    print(f"city {city.name} ({city.path}); emptying {len(tables)} stations tables")
    with transaction.atomic(), connection.cursor() as cursor:
        t = time.perf_counter()
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        print(f"  {'truncate':28s} {'':>9s}       {time.perf_counter() - t:6.1f} s")
        cursor.execute("SELECT setseed(%(seed)s)", params)
        _step(cursor, "stations", STATIONS_SQL, params)
        _step(cursor, "deputies", DEPUTIES_SQL, params)
        _step(cursor, "memberships, central", CENTRAL_MEMBERS_SQL, params)
        _step(cursor, "memberships, village", VILLAGE_MEMBERS_SQL, params)
        _step(cursor, "receptions", RECEPTIONS_SQL, params)
        _step(cursor, "reception matters", MATTERS_SQL, params)
        _step(cursor, "receptions' deputies", RECEPTION_DEPUTIES_SQL, params)
    with connection.cursor() as cursor:
        t = time.perf_counter()
        # VACUUM as well, so the figures do not depend on when autovacuum gets to the tables.
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
        print(f"  {'vacuum, analyze':28s} {'':>9s}       {time.perf_counter() - t:6.1f} s")
        summarize(cursor, params)


def summarize(cursor, params: dict) -> None:
    cursor.execute(
        """
        SELECT (SELECT count(*) FROM stations_station WHERE kind = %(central)s),
               (SELECT count(*) FROM stations_station WHERE kind = %(village_kind)s),
               (SELECT count(*) FROM stations_representative),
               (SELECT count(*) FROM stations_stationmembership),
               (SELECT count(*) FROM stations_reception),
               (SELECT min(date) FROM stations_reception),
               (SELECT max(date) FROM stations_reception),
               (SELECT count(*) FROM stations_receptionmatter),
               (SELECT count(*) FROM stations_receptionmatter WHERE solved),
               (SELECT count(*) FROM stations_reception_deputies)
        """,
        params,
    )
    central, village, deputies, members, receptions, first, last, matters, solved, present = (
        cursor.fetchone()
    )
    cursor.execute(
        """
        SELECT n, count(*) FROM (
            SELECT count(m.id) AS n FROM stations_reception r
            LEFT JOIN stations_receptionmatter m ON m.reception_id = r.id GROUP BY r.id
        ) per_reception GROUP BY n ORDER BY n
        """
    )
    spread = ", ".join(f"{n}: {count:,}" for n, count in cursor.fetchall())
    print(f"stations: {central + village:,} ({central:,} central, {village:,} village)")
    print(f"deputies: {deputies:,}; station memberships: {members:,}")
    print(f"receptions: {receptions:,} dated {first} .. {last}")
    print(f"matters: {matters:,} ({solved:,} solved); receptions by matter count: {spread}")
    print(f"receptions' deputies: {present:,}")


STATIONS_SQL = """
INSERT INTO stations_station (region_id, name, kind, address, opening_hours, phone,
                              liaison_officer, checklist, activity_plan, rules, is_active)
SELECT r.id,
       r.name || CASE WHEN r.level = %(township)s THEN '代表联络总站' ELSE '代表联络站' END,
       CASE WHEN r.level = %(township)s THEN %(central)s ELSE %(village_kind)s END,
       r.name, '周一至周五 9:00-17:00', '', '',
       '{"organization": true, "premises": true, "rules": true, "signboard": true}'::jsonb,
       '', '', true
FROM portal_region r
WHERE r.path LIKE %(city)s AND r.level IN (%(township)s, %(village)s)
ORDER BY r.path
"""

# Deputies are spread evenly over the townships, by roster number.
DEPUTIES_SQL = """
WITH t AS (
    SELECT array_agg(id ORDER BY path) AS ids, count(*) AS n
    FROM portal_region WHERE path LIKE %(city)s AND level = %(township)s
)
INSERT INTO stations_representative (region_id, name, gender, id_code, phone, work_unit,
                                     public_contact, photo, is_active)
SELECT t.ids[1 + (g - 1) %% t.n], '代表' || g, CASE WHEN g %% 3 = 0 THEN 'F' ELSE 'M' END,
       'BENCH' || lpad(g::text, 6, '0'), '', '', '', '', true
FROM generate_series(1, %(deputies)s) AS g CROSS JOIN t
"""

CENTRAL_MEMBERS_SQL = """
INSERT INTO stations_stationmembership (region_id, station_id, representative_id, joined_on)
SELECT s.region_id, s.id, d.id, %(today)s::date - %(days)s
FROM stations_representative d
JOIN stations_station s ON s.region_id = d.region_id AND s.kind = %(central)s
"""

# Every second deputy of a township joins one of its village stations, in turn, so each
# village station has members.
VILLAGE_MEMBERS_SQL = """
WITH d AS (
    SELECT id, region_id, row_number() OVER (PARTITION BY region_id ORDER BY id) AS rn
    FROM stations_representative
), v AS (
    SELECT s.id, s.region_id, r.parent_id AS township_id,
           row_number() OVER (PARTITION BY r.parent_id ORDER BY r.path) AS k,
           count(*) OVER (PARTITION BY r.parent_id) AS n
    FROM stations_station s JOIN portal_region r ON r.id = s.region_id
    WHERE s.kind = %(village_kind)s
)
INSERT INTO stations_stationmembership (region_id, station_id, representative_id, joined_on)
SELECT v.region_id, v.id, d.id, %(today)s::date - %(days)s
FROM d JOIN v ON v.township_id = d.region_id AND v.k = 1 + (d.rn / 2 - 1) %% v.n
WHERE d.rn %% 2 = 0
"""

# Inserted in date order, as a real log grows.
RECEPTIONS_SQL = """
WITH c AS (
    SELECT array_agg(id ORDER BY id) AS ids, count(*) AS n
    FROM stations_station WHERE kind = %(central)s
), v AS (
    SELECT array_agg(id ORDER BY id) AS ids, count(*) AS n
    FROM stations_station WHERE kind = %(village_kind)s
), x AS (
    SELECT g,
           CASE WHEN random() < %(central_share)s
                THEN c.ids[1 + floor(random() * c.n)::int]
                ELSE v.ids[1 + floor(random() * v.n)::int] END AS station_id,
           %(today)s::date - floor(random() * %(days)s)::int AS day,
           (%(forms)s::text[])[1 + floor(random() * cardinality(%(forms)s::text[]))::int] AS form,
           1 + floor(random() * 30)::int AS people,
           (%(users)s::bigint[])[1 + floor(random() * cardinality(%(users)s::bigint[]))::int]
               AS recorded_by,
           random() AS minute
    FROM generate_series(1, %(receptions)s) AS g CROSS JOIN c CROSS JOIN v
)
INSERT INTO stations_reception (region_id, station_id, date, form, people_count, summary,
                                recorded_by_id, created_at)
SELECT s.region_id, s.id, x.day, x.form, x.people, '', x.recorded_by,
       x.day + time '09:00' + x.minute * interval '9 hours'
FROM x JOIN stations_station s ON s.id = x.station_id
ORDER BY x.day, x.g
"""

MATTERS_SQL = """
WITH r AS (
    SELECT id, region_id, floor(random() * 4)::int AS k FROM stations_reception
), q AS (
    SELECT r.id, r.region_id, i,
           CASE WHEN random() < %(answered_share)s THEN %(answered)s ELSE %(forwarded)s END
               AS outcome,
           random() < 0.5 AS done
    FROM r CROSS JOIN LATERAL generate_series(1, r.k) AS i
)
INSERT INTO stations_receptionmatter (region_id, reception_id, content, outcome, answer,
                                      citizen_name, citizen_phone, solved)
SELECT q.region_id, q.id, '群众反映事项 ' || q.id || '-' || q.i, q.outcome,
       CASE WHEN q.outcome = %(answered)s THEN '已当场答复' ELSE '' END, '', '',
       q.outcome = %(answered)s OR q.done
FROM q ORDER BY q.id, q.i
"""

# One deputy present at each reception: a member of the reception's station.
RECEPTION_DEPUTIES_SQL = """
WITH m AS (
    SELECT station_id, representative_id,
           row_number() OVER (PARTITION BY station_id ORDER BY representative_id) AS k
    FROM stations_stationmembership
), n AS (
    SELECT station_id, count(*) AS n FROM stations_stationmembership GROUP BY station_id
)
INSERT INTO stations_reception_deputies (reception_id, representative_id)
SELECT r.id, m.representative_id
FROM stations_reception r
JOIN n ON n.station_id = r.station_id
JOIN m ON m.station_id = r.station_id AND m.k = 1 + r.id %% n.n
"""


if __name__ == "__main__":
    main()
