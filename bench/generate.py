"""Generate a city at realistic scale in the benchmark database.

    python -m bench.generate [--rows 1000000] [--counties 12] [--townships 150]
                             [--villages-per-township 20]

Builds one city with its counties, ~150 townships and ~3,000 villages (real 12-digit codes
and materialized paths), 1,000,000 region-owned rows (audit events, the first tenant-owned
table of the portal), a county user with a region grant, and a second county user holding
one guardian per-object grant per row of that county (the baseline the benchmark compares
against). Rows are generated inside PostgreSQL, so this takes about a minute.
"""

import argparse
import time

from bench.common import database_url, setup_django

COUNTY_USER = "bench_county"
GUARDIAN_USER = "bench_guardian"
TOWNSHIP_USER = "bench_township"
CITY_USER = "bench_city"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--counties", type=int, default=12)
    parser.add_argument("--townships", type=int, default=150)
    parser.add_argument("--villages-per-township", type=int, default=20)
    args = parser.parse_args()

    setup_django()
    from django.core.management import call_command

    started = time.perf_counter()
    print(f"database: {database_url()}")
    call_command("migrate", verbosity=0)
    build(args)
    print(f"done in {time.perf_counter() - started:.1f} s")


def build(args) -> None:
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from portal import access
    from portal.models import Event, Region, User

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE portal_event, guardian_userobjectpermission, "
            "portal_regionuserobjectpermission, portal_department, portal_user, portal_region "
            "RESTART IDENTITY CASCADE"
        )

    t = time.perf_counter()
    regions = []
    city = Region(code="330200000000", name="宁波市", level=1, path="/330200000000/")
    city.save()
    counties = []
    for c in range(1, args.counties + 1):
        code = f"3302{c:02d}000000"
        county = Region(
            code=code, name=f"第{c}区县", level=2, parent=city, path=f"{city.path}{code}/"
        )
        counties.append(county)
    Region.objects.bulk_create(counties)
    townships = []
    for i in range(args.townships):
        county = counties[i % len(counties)]
        code = f"{county.code[:6]}{i // len(counties) + 1:03d}000"
        townships.append(
            Region(
                code=code,
                name=f"第{i + 1}乡镇",
                level=3,
                parent=county,
                path=f"{county.path}{code}/",
            )
        )
    Region.objects.bulk_create(townships)
    villages = []
    for township in townships:
        for v in range(1, args.villages_per_township + 1):
            code = f"{township.code[:9]}{200 + v:03d}"
            villages.append(
                Region(code=code, name=f"{township.name}第{v}村", level=4, parent=township,
                       path=f"{township.path}{code}/")
            )  # fmt: skip
    Region.objects.bulk_create(villages, batch_size=2000)
    regions = [city, *counties, *townships, *villages]
    print(f"regions: {len(regions)} (1 city, {len(counties)} counties, {len(townships)} townships, "
          f"{len(villages)} villages) in {time.perf_counter() - t:.1f} s")  # fmt: skip

    # Rows are owned by villages (most) and townships, spread evenly.
    owners = [r.pk for r in villages] + [r.pk for r in townships]
    event_type = ContentType.objects.get_for_model(Event)
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO portal_event (created_at, actor_id, region_id, target_type_id, target_id,
                                      target_repr, action, from_state, to_state, note, data)
            SELECT now() - (g || ' seconds')::interval, NULL,
                   (%(owners)s::bigint[])[1 + ((g::bigint * 7919) %% %(n)s)::int], %(ct)s, g,
                   '事项 ' || g, 'bench', 'received', 'assigned', '', '{}'::jsonb
            FROM generate_series(1, %(rows)s) AS g
            """,
            {"owners": owners, "n": len(owners), "ct": event_type.pk, "rows": args.rows},
        )
    print(f"events: {args.rows:,} in {time.perf_counter() - t:.1f} s")

    county = counties[0]
    township = townships[0]
    users = {}
    for username, region in ((COUNTY_USER, county), (TOWNSHIP_USER, township), (CITY_USER, city)):
        users[username] = User.objects.create_user(
            username, password=None, region=region, is_staff=True
        )
        access.grant_role(users[username], region, access.Role.STAFF)
    baseline = User.objects.create_user(GUARDIAN_USER, password=None, region=county, is_staff=True)
    view_event = Permission.objects.get(content_type=event_type, codename="view_event")
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO guardian_userobjectpermission (object_pk, content_type_id, permission_id, user_id)
            SELECT e.id::text, %(ct)s, %(perm)s, %(user)s
            FROM portal_event e JOIN portal_region r ON r.id = e.region_id
            WHERE r.path LIKE %(prefix)s
            """,
            {
                "ct": event_type.pk,
                "perm": view_event.pk,
                "user": baseline.pk,
                "prefix": county.path + "%",
            },
        )
        grants = cursor.rowcount
        cursor.execute("ANALYZE")
    print(
        f"guardian per-object grants for {GUARDIAN_USER}: {grants:,} in {time.perf_counter() - t:.1f} s"
    )


if __name__ == "__main__":
    main()
