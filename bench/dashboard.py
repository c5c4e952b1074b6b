"""Benchmark: the leaders' dashboard and the station statistics at city scale.

    python -m bench.generate          # once: the city (150 townships, 3,000 villages) and users
    python -m bench.stations_data     # once: 3,150 stations, 20,000 deputies, 300,000 receptions
    python -m bench.staff_lists       # once: 1,000,000 citizen issues
    python -m bench.dashboard [--repeat 10] [--regenerate] [--skip-refresh]

Adds (once) 50,000 suggestions, 5,000 supervision matters with rounds and evaluations and the
deputies' contact households and visits (``bench.dashboard_data``); computes the figures of
the last 24 months as the nightly run would (``portal.figures.snapshots.refresh``) and the
current month as the every-ten-minutes run does, with their times and rows; checks the
snapshot totals of the city against plain SQL (``tests/portal/figure_sql.py``); then times,
through Django's test client, p50/p95 of ``--repeat`` runs with their query counts: the
dashboard page for the city user and a county user (this year), a township's, and the
station statistics page of the whole city. Database: ``BENCH_DATABASE_URL`` (default
``postgres://postgres@127.0.0.1:5432/bench_staff_lists``).
"""

import argparse
import datetime
import os
import statistics
import time

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_staff_lists")

from bench.common import setup_django  # noqa: E402

TARGETS = {"city": 300, "county": 150, "stations": 200}


def ensure_data(regenerate: bool) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from bench import dashboard_data as data
    from portal.models import User

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM supervision_matter WHERE title = '督事事项（bench）'")
        have = cursor.fetchone()[0]
    if have and not regenerate:
        print(f"data: {have:,} bench matters already there (and the rest of the data with them)")
        return
    author = User.objects.filter(username="bench_city").values_list("pk", flat=True).first()
    year = timezone.localdate().year
    steps = [
        ("clear", "DELETE FROM supervision_evaluation; DELETE FROM supervision_round; "
                  "DELETE FROM supervision_matter WHERE title = '督事事项（bench）'; "
                  "DELETE FROM suggestions_suggestion WHERE title LIKE '%%bench%%'; "
                  "DELETE FROM suggestions_session WHERE name LIKE '%%bench%%'; "
                  "DELETE FROM stations_contactvisit; DELETE FROM stations_household", {}),
        ("sessions", data.SESSIONS_SQL, {"first_year": year - 2, "last_year": year}),
        ("suggestions", data.SUGGESTIONS_SQL, {"count": data.SUGGESTIONS}),
        ("matters", data.MATTERS_SQL, {"count": data.MATTERS, "author": author}),
        ("rounds", data.ROUNDS_SQL, {}),
        ("evaluations", data.EVALUATIONS_SQL, {"author": author}),
        ("households", data.HOUSEHOLDS_SQL, {}),
        ("visits", data.VISITS_SQL, {"year": year, "author": author}),
    ]  # fmt: skip
    for name, sql, params in steps:
        began = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.rowcount
        print(f"  {name:<12} {rows:>9,} rows  {time.monotonic() - began:6.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def refresh(months) -> None:
    from portal.figures import snapshots

    per_source: dict[str, float] = {}
    last = [time.monotonic()]

    def progress(source, month, rows):
        now = time.monotonic()
        per_source[source] = per_source.get(source, 0) + now - last[0]
        last[0] = now

    began = time.monotonic()
    written = snapshots.refresh(months, progress=progress)
    took = time.monotonic() - began
    print(
        f"nightly-style run: {len(months)} months, {sum(written.values()):,} rows in {took:.1f} s"
    )
    for source, seconds in sorted(per_source.items(), key=lambda kv: -kv[1]):
        print(f"  {source:<26} {seconds:7.1f} s  {written.get(source, 0):>9,} rows")
    began = time.monotonic()
    snapshots.refresh(months[-1:])
    print(f"current-month run (every 10 minutes): {time.monotonic() - began:.1f} s")


def check(months) -> None:
    from django.db import connection
    from django.utils import timezone

    from portal.figures import periods, snapshots
    from portal.models import Region
    from tests.portal.figure_sql import SQL

    city = Region.objects.get(level=1)
    end = periods.add_months(months[-1], 1) - datetime.timedelta(days=1)
    stored = snapshots.totals([city.pk], months)[city.pk]
    wrong = []
    began = time.monotonic()
    for key, sql in SQL.items():
        with connection.cursor() as cursor:
            cursor.execute(sql, {"path": city.path + "%", "start": months[0], "end": end,
                                 "today": timezone.localdate()})  # fmt: skip
            expected = int(cursor.fetchone()[0] or 0)
        if stored.get(key, 0) != expected:
            wrong.append((key, stored.get(key, 0), expected))
    print(f"snapshot totals of the city = plain SQL for {len(SQL) - len(wrong)} of {len(SQL)} "
          f"measures ({time.monotonic() - began:.1f} s of SQL)")  # fmt: skip
    for key, got, expected in wrong:
        print(f"  DIFFERENT {key}: snapshot {got:,}, SQL {expected:,}")


def time_page(client, url, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    times, counts = [], set()
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        counts.add(len(ctx.captured_queries))
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], sorted(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--skip-refresh", action="store_true")
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from portal.figures import periods
    from portal.models import Region, User

    setup_test_environment()
    call_command("migrate", verbosity=0)
    ensure_data(args.regenerate)
    this = periods.first(timezone.localdate())
    months = periods.months_between(periods.add_months(this, -23), this)
    if not args.skip_refresh:
        refresh(months)
    check(periods.months_between(periods.add_months(this, -11), this))
    year = timezone.localdate().year
    client = Client()
    results = {}
    township = Region.objects.filter(level=3).order_by("code").first()
    for name, username, query in [
        ("city", "bench_city", ""),
        ("county", "bench_county", ""),
        ("township", "bench_county", f"&region={township.pk}"),
    ]:
        client.force_login(User.objects.get(username=username))
        url = f"/desk/dashboard/?period=year&year={year}{query}"
        results[name] = time_page(client, url, args.repeat)
    client.force_login(User.objects.get(username="bench_city"))
    results["stations"] = time_page(client, f"/desk/stations/statistics/?year={year}", args.repeat)
    print()
    for name, (p50, p95, counts) in results.items():
        target = TARGETS.get(name)
        verdict = (
            f"target p50 <= {target} ms: {'met' if p50 <= target else 'NOT met'}" if target else ""
        )
        print(f"{name:<9} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  queries {counts}  {verdict}")


if __name__ == "__main__":
    main()
