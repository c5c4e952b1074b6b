"""Benchmark: stored concentrated issues (``petitions.topic_store``) at city scale.

    python -m bench.generate; python -m bench.stations_data; python -m bench.staff_lists  # or:
    python -m bench.topics_speed [--repeat 10] [--regenerate] [--explain]

Database: ``BENCH_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/bench_staff_lists``),
migrated first. The targets (acceptance lines of the concentrated-issues work):

- the page (``topic_store.topics_for``) for a county user at 1M issues: <= 300 ms;
- matching one new issue (``topic_store.match``): <= 50 ms;
- a full re-grouping (``topic_store.regroup``) of a county of 5,000 issues: <= 10 s.

1. Data: the city, stations and 1,000,000 citizen issues of ``bench.generate``,
   ``bench.stations_data`` and ``bench.staff_lists`` (built when missing, as those scripts
   do). Then (once; again with ``--regenerate``) one ``IssueTopic`` per issue, by SQL, not
   by a million ``match()`` calls: the problem drawn from the lexicon of civic problems
   (``portal/data/problem_lexicon.txt``) by the issue's category (the lexicon's sections)
   with Zipf-like weights in file order, from a hash of the id; 5% name no problem; places
   ``["r:<region>"]``; the county from the region tree. Groups as that data implies: for
   each county, problem, village and 90-day period (the last 90 days being the first) with
   two issues or more, one ``TopicGroup`` labelled "<village> · <problem>"; one group in ten
   older than three days is confirmed (its members pinned). Then ``VACUUM (ANALYZE)``.
2. The page: ``topics_for(user, user.region, days)`` for the county user (30 and 90 days),
   the township user and the city user; median and p95 of ``--repeat`` warm runs (the user
   read again before each run, as in a new request), its query count, the issues in the
   window and the groups returned; then the whole page ``GET /desk/petitions/topics/`` as
   the county user (30 and 90 days, Django's test client). EXPLAIN ANALYZE of the slowest
   query when the county page is over target (always with ``--explain``). (An earlier
   ``--try-index`` timed the page query proposed then; it is ``topic_store.topics_for`` now.)
3. Matching: 51 new issues with the hand-written texts of ``bench/data/topics_dev.jsonl``,
   placed in villages of the bench county (the item's village and township names in the
   text replaced by the bench village's and township's), submitted with
   ``petition_submit`` (its after-commit match switched off), then ``match(pk)`` timed for
   each, one after the other (the first, which loads jieba, not counted): p50, p95, max,
   queries, CPU and the candidates compared.
4. Re-grouping: a county of its own (象山县 (bench), the 18 townships and 67 villages of the
   hand-written set) with 5,000 issues of the last 88 days: the 240 hand-written texts,
   each ~21 times, first in its own village, then spread over the county's other villages
   (village and township names in the text replaced), with an opener and a closer (no two
   alike); ``regroup(county)`` timed twice: first with every issue read anew, then with all
   read (only settling).

Everything added in 3 and 4 is deleted at the end (and at the start, after a run that
stopped half way); the groups the 50 matches touched keep their new labels.
"""

import argparse
import datetime
import logging
import math
import os
import statistics
import time
from contextlib import contextmanager

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_staff_lists")

from bench import topics_handwritten  # noqa: E402
from bench.common import database_url, setup_django  # noqa: E402
from bench.topics_speed_data import (  # noqa: E402
    TOKEN,
    build_county,
    category_of,
    cleanup,
    concept_rows,
    describe_data,
    ensure_city_scale,
    ensure_topics,
    regroup_issues,
    relocate,
)

TARGET_PAGE_MS = 300
TARGET_MATCH_MS = 50
TARGET_REGROUP_S = 10
MATCH_ISSUES = 50
PAGE_URL = "/desk/petitions/topics/"


# --- 1. data -------------------------------------------------------------------------------


# --- measuring helpers ----------------------------------------------------------------------


def fingerprints() -> list[tuple[str, str]]:
    """Short hashes of the modules measured (they change while the work goes on)."""
    import hashlib
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    names = ("petitions/topic_store.py", "petitions/topic_text.py", "petitions/topic_groups.py",
             "petitions/topic_models.py", "portal/data/problem_lexicon.txt")  # fmt: skip
    return [
        (Path(name).name, hashlib.sha256((root / name).read_bytes()).hexdigest()[:10])
        for name in names
        if (root / name).exists()
    ]


def percentile(samples, q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


class Queries:
    """Counts the queries and their time while active (a cheap execute wrapper)."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0
        self.slowest: tuple[float, str, object] = (0.0, "", None)
        self.cpu = 0.0
        self.pg: float | None = None

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - began
            self.count += 1
            self.seconds += took
            if took > self.slowest[0]:
                self.slowest = (took, sql, params)


@contextmanager
def counting():
    """The queries run inside, and the CPU time of this process and of its PostgreSQL
    backend (``cpu``, ``pg`` in seconds; ``pg`` None when /proc does not show the backend;
    parallel workers not included): on a shared machine they move much less than the wall
    time."""
    from django.db import connection

    from bench.staff_lists import pg_cpu

    queries = Queries()
    connection.ensure_connection()
    pg_before, cpu_before = pg_cpu(), time.process_time()
    with connection.execute_wrapper(queries):
        yield queries
    queries.cpu = time.process_time() - cpu_before
    pg_after = pg_cpu()
    queries.pg = (
        pg_after[1] - pg_before[1]
        if pg_before and pg_after and pg_before[0] == pg_after[0]
        else None
    )


def explain(sql: str, params) -> None:
    from django.db import connection

    if not sql.lstrip().upper().startswith("SELECT"):
        return
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        for (line,) in cursor.fetchall():
            print(f"    | {line}")


# --- 2. the page ---------------------------------------------------------------------------


def time_pages(args, users) -> dict:
    from django.db.models import Count, Q
    from django.utils import timezone

    from bench import generate
    from petitions import topic_store
    from petitions.models import IssueTopic, Petition
    from portal import access
    from portal.models import User

    cases = (
        ("county", generate.COUNTY_USER, 30),
        ("county", generate.COUNTY_USER, 90),
        ("township", generate.TOWNSHIP_USER, 30),
        ("city", generate.CITY_USER, 30),
    )
    print(f"\n2. the page: topic_store.topics_for(user, user.region, days); median and p95 of "
          f"{args.repeat} warm runs; SQL = time in queries, CPU = CPU of this process (median) "
          f"and of its PostgreSQL backend (mean)")  # fmt: skip
    print(f"{'user':<9} {'days':>4} {'issues':>9} {'grouped':>9} {'groups':>6} "
          f"{'p50':>9} {'p95':>9} {'queries':>7} {'SQL':>8} {'CPU py':>8} {'CPU pg':>8}")  # fmt: skip
    results = {}
    for label, username, days in cases:
        user = users[username]
        region = user.region
        topic_store.topics_for(user, region, days=days)  # warm
        times, sql_ms, cpu_ms, pg_ms = [], [], [], []
        for _ in range(args.repeat):
            fresh = User.objects.select_related("region").get(pk=user.pk)  # as a new request
            with counting() as queries:
                began = time.perf_counter()
                topics = topic_store.topics_for(fresh, region, days=days)
                times.append((time.perf_counter() - began) * 1000)
            sql_ms.append(queries.seconds * 1000)
            cpu_ms.append(queries.cpu * 1000)
            if queries.pg is not None:
                pg_ms.append(queries.pg * 1000)
        since = timezone.now() - datetime.timedelta(days=days)
        visible = (
            access.visible(user, Petition.objects.all())
            .filter(region__path__startswith=region.path, submitted_at__gte=since)
            .exclude(state__in=[Petition.State.REJECTED, Petition.State.DUPLICATE])
        )
        window = IssueTopic.objects.filter(
            submitted_at__gte=since, petition__in=visible.values("pk")
        ).aggregate(n=Count("pk"), grouped=Count("pk", filter=Q(group__isnull=False)))
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        pg = statistics.mean(pg_ms) if pg_ms else None
        results[(label, days)] = {
            "p50": p50, "p95": p95, "queries": queries.count, "slowest": queries.slowest,
            "issues": window["n"], "grouped": window["grouped"], "groups": len(topics),
            "sql": statistics.median(sql_ms), "cpu": statistics.median(cpu_ms), "pg": pg,
        }  # fmt: skip
        pg_text = f"{pg:>5.1f} ms" if pg is not None else "       ?"
        print(f"{label:<9} {days:>4} {window['n']:>9,} {window['grouped']:>9,} {len(topics):>6} "
              f"{p50:>6.1f} ms {p95:>6.1f} ms {queries.count:>7} "
              f"{statistics.median(sql_ms):>5.1f} ms {statistics.median(cpu_ms):>5.1f} ms "
              f"{pg_text}")  # fmt: skip
    # the whole page, as the county user: topics_for, the members' titles, the template
    from django.test import Client

    client = Client()
    client.force_login(users[generate.COUNTY_USER])
    for days in (30, 90):
        url = f"{PAGE_URL}?days={days}"
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times, counts = [], []
        for _ in range(args.repeat):
            with counting() as queries:
                began = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - began) * 1000)
            counts.append(queries.count)
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        results[("page", days)] = {"p50": p50, "p95": p95, "queries": max(counts)}
        print(f"whole page GET {url} as the county user ({days} days): p50 {p50:.1f} ms  "
              f"p95 {p95:.1f} ms  queries {max(counts)}  {len(response.content):,} bytes")  # fmt: skip
    county = results[("county", 30)]
    if args.explain or max(county["p50"], results[("county", 90)]["p50"]) > TARGET_PAGE_MS:
        for days in (30, 90):
            took, sql, params = results[("county", days)]["slowest"]
            print(f"\nslowest query of the county page ({days} days, {took * 1000:.1f} ms):")
            explain(sql, params)
    return results


def time_matches(users, families) -> dict:
    """50 new issues in the villages of the bench county, matched one by one."""
    from unittest import mock

    from bench import generate

    items = topics_handwritten.items("dev")
    from petitions import topic_store, topic_text
    from petitions.models import IssueTopic
    from petitions.workflow.intake import petition_submit
    from portal.models import Region

    county = users[generate.COUNTY_USER].region
    townships = list(Region.objects.filter(parent=county).order_by("path"))
    villages = {t.pk: list(Region.objects.filter(parent=t).order_by("path")) for t in townships}
    reader = topic_text.file_reader()
    # the first items of the dev set (its order is shuffled: every style, many problems)
    chosen = items[: MATCH_ISSUES + 1]
    keys = sorted({i.region_key.split("/")[0] for i in chosen})
    town_of = {key: townships[n % len(townships)] for n, key in enumerate(keys)}
    stamp = int(time.time())
    created = []
    with mock.patch.object(topic_store, "match_quietly", lambda pk: None):
        for n, item in enumerate(chosen):
            town_name, _slash, village_name = item.region_key.partition("/")
            township = town_of[town_name]
            options = villages[township.pk]
            village = options[sum(map(ord, village_name)) % len(options)] if options else township
            title, text = relocate(item, village_name, town_name, village.name, township.name)
            petition = petition_submit(
                channel="web", region_id=village.pk, region=village, title=title or text[:30],
                description=text, category=category_of(item, reader, families),
                client_token=f"{TOKEN}match-{stamp}-{n}",
            )  # fmt: skip
            created.append(petition.pk)
    # the first issue warms up (jieba's dictionary, the reader, the gazetteer): not counted
    began = time.perf_counter()
    topic_store.match(created[0])
    cold = (time.perf_counter() - began) * 1000
    times, counts, sql_ms, cpu_ms, pg_ms, candidates, sizes = [], [], [], [], [], [], []
    for pk in created[1:]:
        with counting() as queries:
            began = time.perf_counter()
            row = topic_store.match(pk)
            times.append((time.perf_counter() - began) * 1000)
        counts.append(queries.count)
        sql_ms.append(queries.seconds * 1000)
        cpu_ms.append(queries.cpu * 1000)
        if queries.pg is not None:
            pg_ms.append(queries.pg * 1000)
        since = row.submitted_at - datetime.timedelta(days=topic_store.WINDOW_DAYS)
        near = IssueTopic.objects.filter(county_id=row.county_id, submitted_at__gte=since)
        if row.family:
            near = near.filter(family=row.family)
        else:
            near = near.filter(region_id__in=[int(k[2:]) for k in row.places if k[:2] == "r:"])
        candidates.append(min(near.count() - 1, topic_store.CANDIDATES))
        row.refresh_from_db()
        sizes.append(
            IssueTopic.objects.filter(group_id=row.group_id).count() if row.group_id else 1
        )
    worst = max(range(len(times)), key=times.__getitem__)
    result = {
        "cold": cold, "p50": statistics.median(times), "p95": percentile(times, 0.95),
        "max": max(times), "n": len(times), "queries": statistics.median(counts),
        "queries_max": max(counts), "sql": statistics.median(sql_ms),
        "cpu": statistics.median(cpu_ms), "pg": statistics.mean(pg_ms) if pg_ms else None,
        "candidates": statistics.median(candidates), "candidates_max": max(candidates),
        "grouped": sum(1 for s in sizes if s > 1), "worst": (times[worst], candidates[worst],
                                                             counts[worst], sizes[worst]),
        "county": county.name,
    }  # fmt: skip
    print(
        f"\n3. matching: {len(created)} new issues with hand-written texts in the villages of "
        f"{county.name}, submitted with petition_submit, then topic_store.match(pk) one by one"
    )
    print(f"  first (cold: jieba, reader, gazetteer) {cold:.1f} ms, not counted")
    print(
        f"  {result['n']} issues: p50 {result['p50']:.1f} ms  p95 {result['p95']:.1f} ms  "
        f"max {result['max']:.1f} ms; queries p50 {result['queries']:.0f} (max "
        f"{result['queries_max']}), time in SQL p50 {result['sql']:.1f} ms"
    )
    pg = f"{result['pg']:.1f} ms" if result["pg"] is not None else "?"
    print(f"  CPU per match: this process {result['cpu']:.1f} ms (median), PostgreSQL {pg} (mean)")
    print(
        f"  issues compared per match: p50 {result['candidates']:.0f}, max "
        f"{result['candidates_max']:,} (cap {topic_store.CANDIDATES:,}); "
        f"{result['grouped']} of {result['n']} ended in a group"
    )
    print(
        f"  slowest: {times[worst]:.1f} ms, {candidates[worst]:,} compared, "
        f"{counts[worst]} queries, group of {sizes[worst]}"
    )
    return result


def time_regroup(users, families) -> dict:
    from django.db import connection
    from django.db.models import Count

    from bench import generate
    from petitions import topic_store
    from petitions.models import IssueTopic, TopicGroup

    city = users[generate.CITY_USER].region
    began = time.perf_counter()
    county, township_rows, village_rows, _towns = build_county(city)
    issues = regroup_issues(county, township_rows, village_rows, families)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE petitions_petition")
    print(f"\n4. re-grouping: county {county.name} (bench) with {len(township_rows)} townships, "
          f"{len(village_rows)} villages, {issues:,} issues of the last 88 days "
          f"(made in {time.perf_counter() - began:.1f} s)")  # fmt: skip
    result = {"issues": issues}
    for run in ("first", "second"):
        with counting() as queries:
            began = time.perf_counter()
            read = topic_store.regroup(county.pk)
            took = time.perf_counter() - began
        groups = TopicGroup.objects.filter(county=county).count()
        sizes = sorted(
            IssueTopic.objects.filter(county=county, group__isnull=False)
            .values("group").annotate(n=Count("pk")).values_list("n", flat=True)
        )  # fmt: skip
        grouped = sum(sizes)
        result[run] = {"seconds": took, "read": read, "groups": groups, "grouped": grouped,
                       "queries": queries.count, "sql": queries.seconds, "cpu": queries.cpu,
                       "pg": queries.pg, "largest": sizes[-1] if sizes else 0,
                       "median_size": statistics.median(sizes) if sizes else 0}  # fmt: skip
        what = "every issue read anew" if run == "first" else "all read already: settling only"
        pg = f"{queries.pg:.2f} s" if queries.pg is not None else "?"
        print(f"  {run} run ({what}): {took:.2f} s; issues read {read:,}; {queries.count:,} "
              f"queries ({queries.seconds:.2f} s in SQL); CPU: this process {queries.cpu:.2f} s, "
              f"PostgreSQL {pg}")  # fmt: skip
        print(f"    {groups:,} groups holding {grouped:,} issues (median size "
              f"{result[run]['median_size']:.0f}, largest {result[run]['largest']:,}); "
              f"{issues - grouped:,} alone")  # fmt: skip
    return result


# --- main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--regenerate", action="store_true",
                        help="fill IssueTopic and TopicGroup again")  # fmt: skip
    parser.add_argument("--explain", action="store_true",
                        help="EXPLAIN ANALYZE the county page's slowest query")  # fmt: skip
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from bench import generate
    from petitions.models import Petition

    setup_test_environment()
    logging.getLogger("axes").setLevel(logging.WARNING)  # force_login's lines

    print(f"database: {database_url()}; load average {os.getloadavg()[0]:.1f} "
          f"({os.cpu_count()} CPUs)")  # fmt: skip
    print("code measured: " + ", ".join(f"{name} {digest}" for name, digest in fingerprints()))
    call_command("migrate", verbosity=0)
    users = ensure_city_scale()
    removed, county_removed = cleanup()
    if removed or county_removed:
        print(f"removed what an earlier run left: {removed:,} issues"
              + (", the re-grouping county" if county_removed else ""))  # fmt: skip
    ensure_topics(args.regenerate, users)
    began = time.perf_counter()
    print(f"citizen issues: {Petition.objects.count():,}")
    describe_data(users[generate.COUNTY_USER].region)
    _rows, families = concept_rows()
    try:
        pages = time_pages(args, users)
        matches = time_matches(users, families)
        regroup = time_regroup(users, families)
    finally:
        removed, _county = cleanup()
        print(f"\nremoved the {removed:,} issues added and the re-grouping county")
    county30, county90 = pages[("county", 30)], pages[("county", 90)]
    page30, page90 = pages[("page", 30)], pages[("page", 90)]
    first, second = regroup["first"]["seconds"], regroup["second"]["seconds"]

    def verdict(ok):
        return "met" if ok else "NOT met"

    print(
        f"\nsummary ({datetime.date.today()}, load average {os.getloadavg()[0]:.1f}, "
        f"{os.cpu_count()} CPUs; measuring took {time.perf_counter() - began:.0f} s):"
    )
    print(
        f"  page for a county user at {Petition.objects.count():,} issues, target p50 <= "
        f"{TARGET_PAGE_MS} ms:"
    )
    for days, whole, store in ((30, page30, county30), (90, page90, county90)):
        print(
            f"    {days} days: whole page p50 {whole['p50']:.1f} ms (topics_for "
            f"{store['p50']:.1f} ms): {verdict(whole['p50'] <= TARGET_PAGE_MS)}"
        )
    print(
        f"  matching one new issue, target <= {TARGET_MATCH_MS} ms: p50 "
        f"{matches['p50']:.1f} ms {verdict(matches['p50'] <= TARGET_MATCH_MS)}, p95 "
        f"{matches['p95']:.1f} ms {verdict(matches['p95'] <= TARGET_MATCH_MS)}"
    )
    print(f"  re-grouping {regroup['issues']:,} issues, target <= {TARGET_REGROUP_S} s: "
          f"read anew {first:.2f} s {verdict(first <= TARGET_REGROUP_S)}, settling only "
          f"{second:.2f} s {verdict(second <= TARGET_REGROUP_S)}")  # fmt: skip


if __name__ == "__main__":
    main()
