"""Benchmark: the liaison-station statistics of a year for a city, a county and a township.

    python -m bench.generate          # once: the city, its regions and the bench users
    python -m bench.stations_data     # stations, deputies, 300,000 receptions
    python -m bench.stations_stats [--repeat 10] [--explain]

Prints, on PostgreSQL, for the city, county and township users of ``bench.generate``: the
median time of ``stations.queries.station_statistics`` over the current year (the user's
grants read again before each run, as in a new request) with its query count, the stations
and receptions it covers, and the median time and query count of the whole page
``/desk/stations/statistics/?year=...`` through Django's test client; checks the rolled-up
totals against a direct SQL aggregate; with ``--explain``, the plans of the two aggregate
queries of the city.
"""

import argparse
import datetime
import re

from bench.common import setup_django
from bench.scoped_list import median_ms

# The same figures straight from the tables: stations under a region path and the
# receptions and matters of those stations dated in the period.
TOTALS_SQL = """
WITH s AS (
    SELECT s.id FROM stations_station s JOIN portal_region g ON g.id = s.region_id
    WHERE g.path LIKE %(prefix)s
), r AS (
    SELECT r.id, r.people_count FROM stations_reception r
    WHERE r.station_id IN (SELECT id FROM s) AND r.date BETWEEN %(start)s AND %(end)s
)
SELECT (SELECT count(*) FROM s),
       (SELECT count(*) FROM r),
       (SELECT coalesce(sum(people_count), 0) FROM r),
       (SELECT count(*) FROM stations_receptionmatter m WHERE m.reception_id IN (SELECT id FROM r)),
       (SELECT count(*) FROM stations_receptionmatter m
        WHERE m.solved AND m.reception_id IN (SELECT id FROM r))
"""
FIELDS = ("stations", "receptions", "people", "matters", "solved")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of the city's aggregates"
    )
    args = parser.parse_args()
    setup_django()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bench import generate
    from portal import access
    from portal.models import User
    from stations.models import Reception
    from stations.queries import station_statistics

    if not Reception.objects.exists():
        raise SystemExit("No receptions: run `python -m bench.stations_data` first.")
    year = timezone.localdate().year
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    labels = {"city": generate.CITY_USER, "county": generate.COUNTY_USER,
              "township": generate.TOWNSHIP_USER}  # fmt: skip
    users = {label: User.objects.select_related("region").get(username=name)
             for label, name in labels.items()}  # fmt: skip
    total = Reception.objects.count()
    in_year = Reception.objects.filter(date__range=(start, end)).count()
    print(f"receptions in the table: {total:,}; dated {year}: {in_year:,}")
    print(f"period {start} .. {end}, median of {args.repeat} runs after a warm-up")
    print()

    rows, mismatches, captured = {}, [], {}
    for label, user in users.items():

        def statistics(user=user):
            access.forget(user)  # read the grants again, as a new request does
            return station_statistics(user, start, end)

        with CaptureQueriesContext(connection) as ctx:
            nodes = statistics()
        captured[label] = [q["sql"] for q in ctx.captured_queries]
        top = nodes[0].figures  # the city node: the sum of every station the user sees
        got = tuple(getattr(top, f) for f in FIELDS)
        with connection.cursor() as cursor:
            cursor.execute(TOTALS_SQL, {"prefix": user.region.path + "%", "start": start,
                                        "end": end})  # fmt: skip
            expected = tuple(cursor.fetchone())
        if got != expected:
            mismatches.append(f"  {label}: statistics {dict(zip(FIELDS, got, strict=True))}"
                              f" != SQL {dict(zip(FIELDS, expected, strict=True))}")  # fmt: skip
        function_ms = median_ms(statistics, args.repeat, warmup=1)

        client = Client()
        client.force_login(user)
        url = f"/desk/stations/statistics/?year={year}"

        def page(client=client, url=url):
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return response

        with CaptureQueriesContext(connection) as ctx:
            page()
        page_queries = len(ctx.captured_queries)
        page_ms = median_ms(page, args.repeat, warmup=1)
        rows[label] = (top.stations, top.receptions, function_ms, len(captured[label]),
                       page_ms, page_queries)  # fmt: skip

    print(f"{'user':9s} {'stations':>8s} {'receptions':>10s}  {'statistics':>10s} {'queries':>7s}"
          f"  {'page':>9s} {'queries':>7s}")  # fmt: skip
    for label, (stations, receptions, function_ms, queries, page_ms, page_queries) in rows.items():
        print(f"{label:9s} {stations:>8,} {receptions:>10,}  {function_ms:7.1f} ms {queries:>7}"
              f"  {page_ms:6.1f} ms {page_queries:>7}")  # fmt: skip
    print()
    city, township = rows["city"], rows["township"]
    print(f"city / township: {city[2] / township[2]:.1f}x the time (statistics), "
          f"{city[4] / township[4]:.1f}x (page), for {city[0] / township[0]:.0f}x the stations")  # fmt: skip
    if mismatches:
        print("totals check: MISMATCH")
        print("\n".join(mismatches))
    else:
        print("totals check: ok (city, county and township equal a direct SQL aggregate)")

    if args.explain:
        explain(connection, captured["city"])


def _shorten(text: str) -> str:
    """Abbreviate the long id lists of a query or plan: (1, 2, 3, … 3150 values)."""

    def short(match: re.Match) -> str:
        values = re.split(r",\s*", match.group(0))
        return f"{', '.join(values[:3])}, … {len(values)} values"

    return re.sub(r"\d+(?:,\s*\d+){9,}", short, text)


def explain(connection, queries: list[str]) -> None:
    """Print EXPLAIN ANALYZE of the captured aggregate (GROUP BY) queries."""
    for sql in queries:
        if "GROUP BY" not in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        print()
        print(_shorten(sql))
        print(_shorten(plan))


if __name__ == "__main__":
    main()
