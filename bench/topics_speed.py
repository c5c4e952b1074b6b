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
3. Matching: 51 new issues with the hand-written texts of ``bench.topics_handwritten_dev``,
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
import random
import statistics
import time
from contextlib import contextmanager

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_staff_lists")

from bench.common import database_url, setup_django  # noqa: E402

ISSUES = 1_000_000
TARGET_PAGE_MS = 300
TARGET_MATCH_MS = 50
TARGET_REGROUP_S = 10
NO_PROBLEM = 0.05  # share of issues naming no problem of the lexicon
SLOTS = 1000  # resolution of the per-category distribution of problems
WINDOW_SECONDS = 90 * 86400
CONFIRMED_SHARE = 10  # one group in ten (older than three days) is confirmed
MATCH_ISSUES = 50
PAGE_URL = "/desk/petitions/topics/"
REGROUP_ISSUES = 5000
TOKEN = "bench-topics-"  # client_token of every issue this script adds (deleted at the end)
COUNTY_CODE = "330299000000"  # the county of the re-grouping (deleted at the end)
COUNTY_NAME = "象山县"
TRACKING = "TQ"  # tracking codes of the re-grouping issues: TQ + 8 digits
SPREAD = 13  # copy n of a hand-written issue goes n * SPREAD villages further (of 67)

# Sections of the lexicon file -> the category of the generated issues they belong to.
SECTION_CATEGORY = (
    ("traffic", "traffic"), ("environment", "environment"), ("housing", "housing"),
    ("water", "other"), ("safety", "safety"), ("agriculture", "agriculture"),
    ("social", "social"), ("work", "economy"), ("health", "health"),
    ("government", "other"),
)  # fmt: skip
EDUCATION_FROM = "学校"  # in the "health, education" section, this concept and those after

OPENERS = ("", "", "您好，", "领导好！", "我要反映：", "反映一个问题：", "你好，", "麻烦问一下，")
CLOSERS = ("", "", "希望尽快解决。", "谢谢！", "请有关部门重视。", "盼回复。", "已经反映过一次了。",
           "麻烦了。", "希望早点处理好。")  # fmt: skip


# --- 1. data -------------------------------------------------------------------------------


def ensure_city_scale() -> dict:
    """The city, stations and 1,000,000 issues of bench.generate / stations_data /
    staff_lists, built when missing; return the bench users by name."""
    from bench import generate, stations_data
    from bench.staff_lists_data import ensure_city, ensure_issues
    from portal.models import User
    from stations.models import Station

    names = (generate.CITY_USER, generate.COUNTY_USER, generate.TOWNSHIP_USER)
    if User.objects.filter(username__in=names).count() < len(names):
        print("no bench city: building it (bench.generate) ...")
        generate.build(argparse.Namespace(rows=1_000_000, counties=12, townships=150,
                                          villages_per_township=20))  # fmt: skip
    if not Station.objects.exists():
        print("no stations: building them (bench.stations_data) ...")
        stations_data.build(argparse.Namespace(receptions=300_000, deputies=20_000, days=730))
    users = ensure_city()
    ensure_issues(argparse.Namespace(issues=ISSUES, regenerate=False), users)
    return users


def concept_rows() -> tuple[list[tuple[str, int, str, str]], dict[str, str]]:
    """(category, slot, problem, family) rows: each category's slots shared among the
    concepts of its sections of the lexicon, weight 1/rank in file order; and the category
    of each family (for the issues added later)."""
    from petitions import topic_text
    from portal import lexicon

    concepts = lexicon.shipped()

    def root(name: str) -> str:
        while concepts[name].parent:
            name = concepts[name].parent
        return name

    by_category: dict[str, list[str]] = {}
    section = ""
    schools = False  # in the "health, education" section, from EDUCATION_FROM on
    for raw in lexicon.SOURCE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("# ---"):
            section = line[5:].strip()
            continue
        if not line or line.startswith("#") or ":" not in line:
            continue
        name = line.partition(":")[0].partition("<")[0].strip()
        if name not in concepts or name in topic_text.MODIFIERS:
            continue
        category = next((c for key, c in SECTION_CATEGORY if key in section), "other")
        if category == "health":
            schools = schools or name == EDUCATION_FROM
            category = "education" if schools else "health"
        by_category.setdefault(category, []).append(name)
    rows = []
    family_category: dict[str, str] = {}
    for category, names in by_category.items():
        weights = [1 / (rank + 1) for rank in range(len(names))]
        total = sum(weights)
        bounds, running = [], 0.0
        for weight in weights:
            running += weight
            bounds.append(round(running / total * SLOTS))
        index = 0
        for slot in range(SLOTS):
            while slot >= bounds[index]:
                index += 1
            name = names[index]
            family = root(name)
            problem = family if family in topic_text.ONE_PROBLEM else name
            rows.append((category, slot, problem, family))
        for name in names:
            family_category.setdefault(root(name), category)
    return rows, family_category


FILL_STEPS = (
    ("region -> county", """
        CREATE TEMP TABLE bench_region_county ON COMMIT DROP AS
        SELECT r.id AS region_id, c.id AS county_id
        FROM portal_region r JOIN portal_region c ON c.level = 2 AND r.path LIKE c.path || '%%'
    """),
    ("issues read (temp)", """
        CREATE TEMP TABLE bench_it ON COMMIT DROP AS
        SELECT p.id AS petition_id, p.region_id, rc.county_id, p.submitted_at,
               coalesce(c.problem, '') AS problem, coalesce(c.family, '') AS family,
               floor(extract(epoch FROM (%(now)s - p.submitted_at)) / %(window)s)::int AS period
        FROM petitions_petition p
        JOIN bench_region_county rc ON rc.region_id = p.region_id
        LEFT JOIN bench_concepts c
          ON c.category = p.category
         AND c.slot = floor((hashint8(p.id)::float8 + 2147483648) / 4294967296 * %(slots)s)::int
         AND (hashint8(-p.id)::float8 + 2147483648) / 4294967296 >= %(none)s
    """),
    ("groups (temp)", """
        CREATE TEMP TABLE bench_groups ON COMMIT DROP AS
        SELECT nextval(pg_get_serial_sequence('petitions_topicgroup', 'id')) AS gid, g.*,
               false AS confirmed
        FROM (SELECT county_id, problem, region_id, period, count(*) AS n,
                     min(petition_id) AS first_pk, max(submitted_at) AS last_at
              FROM bench_it WHERE problem <> ''
              GROUP BY county_id, problem, region_id, period HAVING count(*) >= 2
              ORDER BY max(submitted_at)) g
    """),
    ("confirmed groups", """
        UPDATE bench_groups SET confirmed = true
        WHERE (hashint8(gid)::bigint %% %(share)s + %(share)s) %% %(share)s = 0
          AND last_at < %(now)s - interval '3 days'
    """),
    ("TopicGroup", """
        INSERT INTO petitions_topicgroup (id, county_id, problem, label, title, confirmed_by_id,
                                          confirmed_at, created_at)
        SELECT g.gid, g.county_id, g.problem, left(r.name || ' · ' || g.problem, 120),
               left(p.title, 100), CASE WHEN g.confirmed THEN %(user)s END,
               CASE WHEN g.confirmed THEN least(%(now)s, g.last_at + interval '2 days') END,
               g.last_at
        FROM bench_groups g JOIN portal_region r ON r.id = g.region_id
        JOIN petitions_petition p ON p.id = g.first_pk
        ORDER BY g.gid
    """),
    ("IssueTopic", """
        INSERT INTO petitions_issuetopic (petition_id, region_id, county_id, submitted_at,
                                          problem, family, places, group_id, pinned,
                                          kept_out_of_id, lexicon_version)
        SELECT t.petition_id, t.region_id, t.county_id, t.submitted_at, t.problem, t.family,
               jsonb_build_array('r:' || t.region_id), g.gid, coalesce(g.confirmed, false),
               NULL, %(version)s
        FROM bench_it t
        LEFT JOIN bench_groups g USING (county_id, problem, region_id, period)
        ORDER BY t.petition_id
    """),
)  # fmt: skip


def ensure_topics(regenerate: bool, users) -> None:
    """One IssueTopic per issue and the groups that implies (see the module's docstring)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench import generate
    from petitions.models import IssueTopic, Petition
    from portal import lexicon

    issues = Petition.objects.count()
    have = IssueTopic.objects.count()
    if have == issues and not regenerate:
        print(f"IssueTopic: {have:,} rows, one per issue, already there")
        return
    print(f"filling IssueTopic for {issues:,} issues (found {have:,} rows) ...")
    rows, _families = concept_rows()
    params = {
        "now": timezone.now(), "window": WINDOW_SECONDS, "slots": SLOTS, "none": NO_PROBLEM,
        "share": CONFIRMED_SHARE, "user": users[generate.CITY_USER].pk,
        "version": lexicon.version(),
    }  # fmt: skip
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        t = time.perf_counter()
        cursor.execute("TRUNCATE petitions_issuetopic, petitions_topicgroup")
        cursor.execute(
            "CREATE TEMP TABLE bench_concepts (category text, slot int, problem text, "
            "family text, PRIMARY KEY (category, slot)) ON COMMIT DROP"
        )
        cursor.executemany("INSERT INTO bench_concepts VALUES (%s, %s, %s, %s)", rows)
        concepts = len({(r[2], r[3]) for r in rows})
        print(
            f"  {'truncate, concepts':<22} {concepts:>9,} problems  {time.perf_counter() - t:6.1f} s"
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for label, sql in FILL_STEPS:
            t = time.perf_counter()
            cursor.execute(sql, params)
            print(f"  {label:<22} {cursor.rowcount:>9,} rows  {time.perf_counter() - t:6.1f} s")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('petitions_topicgroup', 'id'), "
            "(SELECT coalesce(max(id), 1) FROM petitions_topicgroup))"
        )
    with connection.cursor() as cursor:
        t = time.perf_counter()
        cursor.execute("VACUUM (ANALYZE) petitions_issuetopic, petitions_topicgroup")
        print(f"  {'vacuum, analyze':<32} {time.perf_counter() - t:6.1f} s")
    print(f"  done in {time.perf_counter() - began:.1f} s")


def describe_data(county) -> None:
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*), count(group_id), count(*) FILTER (WHERE problem = ''),
                   count(DISTINCT problem), count(DISTINCT family),
                   count(*) FILTER (WHERE county_id = %(county)s AND submitted_at >= %(d90)s),
                   count(group_id) FILTER (WHERE county_id = %(county)s AND submitted_at >= %(d90)s)
            FROM petitions_issuetopic
            """,
            {"county": county.pk, "d90": now - datetime.timedelta(days=90)},
        )
        total, grouped, loose, problems, families, c90, c90g = cursor.fetchone()
        cursor.execute(
            "SELECT count(*), count(confirmed_at), "
            "count(*) FILTER (WHERE county_id = %s) FROM petitions_topicgroup",
            [county.pk],
        )
        groups, confirmed, county_groups = cursor.fetchone()
        cursor.execute(
            """
            SELECT family, count(*) FROM petitions_issuetopic
            WHERE county_id = %s AND submitted_at >= %s AND family <> ''
            GROUP BY family ORDER BY 2 DESC LIMIT 5
            """,
            [county.pk, now - datetime.timedelta(days=90)],
        )
        top = cursor.fetchall()
    print(
        f"IssueTopic rows {total:,}: in a group {grouped:,} ({grouped / max(total, 1):.0%}), "
        f"naming no problem {loose:,}; {problems} problems in {families} families"
    )
    print(
        f"TopicGroup rows {groups:,} ({confirmed:,} confirmed); the bench county "
        f"({county.name}): {county_groups:,} groups, {c90:,} issues in the last 90 days, "
        f"{c90g:,} of them in a group"
    )
    print("  largest families of the county's last 90 days (the candidates of a match): "
          + ", ".join(f"{f} {n:,}" for f, n in top))  # fmt: skip


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


def _written(name: str) -> list[str]:
    from petitions.topic_text import short_names

    return [n for n in short_names(name) if len(n) >= 2]


def relocate(item, village: str, township: str, new_village: str, new_township: str):
    """The item's title and description with its village and township written as the new
    ones (longest names first, so 东门村 becomes the new village, not the new 东门 + 村)."""
    title, text = item.title, item.description
    pairs = list(zip(_written(village), _written(new_village), strict=False))
    pairs += list(zip(_written(township), _written(new_township), strict=False))
    if village != new_village or township != new_township:
        marks = {}
        for number, (old, new) in enumerate(sorted(pairs, key=lambda p: -len(p[0]))):
            mark = f"\x00{number}\x00"
            marks[mark] = new
            title, text = title.replace(old, mark), text.replace(old, mark)
        for mark, new in marks.items():
            title, text = title.replace(mark, new), text.replace(mark, new)
    return title, text


def category_of(item, reader, families: dict[str, str]) -> str:
    _problem, family, _named = reader.read(item.title, item.description)
    return families.get(family or "", "other")


def cleanup() -> tuple[int, bool]:
    """Delete what an earlier run of this script added (issues, their topics and groups,
    the re-grouping county)."""
    from django.db import connection, transaction

    from petitions import topic_store

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT id, path FROM portal_region WHERE code = %s", [COUNTY_CODE])
        found = cursor.fetchone()
        cursor.execute(
            "SELECT id FROM petitions_petition WHERE client_token LIKE %s",
            [TOKEN + "%"],
        )
        ids = [row[0] for row in cursor.fetchall()]
        if ids:
            cursor.execute(
                "SELECT DISTINCT group_id FROM petitions_issuetopic "
                "WHERE petition_id = ANY(%s) AND group_id IS NOT NULL", [ids]
            )  # fmt: skip
            touched = [row[0] for row in cursor.fetchall()]
            cursor.execute("DELETE FROM petitions_issuetopic WHERE petition_id = ANY(%s)", [ids])
            # (their audit events stay: the event table is append-only)
            cursor.execute(
                "SELECT conrelid::regclass::text, a.attname FROM pg_constraint c "
                "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
                "WHERE c.contype = 'f' AND c.confrelid = 'petitions_petition'::regclass "
                "AND c.conrelid <> 'petitions_petition'::regclass"
            )
            for table, column in cursor.fetchall():
                cursor.execute(f'DELETE FROM {table} WHERE "{column}" = ANY(%s)', [ids])
            cursor.execute("DELETE FROM petitions_petition WHERE id = ANY(%s)", [ids])
            # groups left with fewer than two members go, as refresh() would do
            cursor.execute(
                """
                SELECT g.id FROM petitions_topicgroup g WHERE g.id = ANY(%s)
                AND g.confirmed_at IS NULL
                AND (SELECT count(*) FROM petitions_issuetopic t WHERE t.group_id = g.id) < 2
                """,
                [touched],
            )
            lone = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "UPDATE petitions_issuetopic SET group_id = NULL WHERE group_id = ANY(%s)", [lone]
            )
            cursor.execute(
                "UPDATE petitions_issuetopic SET kept_out_of_id = NULL "
                "WHERE kept_out_of_id = ANY(%s)", [lone]
            )  # fmt: skip
            cursor.execute("DELETE FROM petitions_topicgroup WHERE id = ANY(%s)", [lone])
        if found:
            county_id, path = found
            cursor.execute("DELETE FROM petitions_issuetopic WHERE county_id = %s", [county_id])
            cursor.execute("DELETE FROM petitions_topicgroup WHERE county_id = %s", [county_id])
            cursor.execute(
                "DELETE FROM portal_region WHERE path LIKE %s AND level = 4", [path + "%"]
            )
            cursor.execute(
                "DELETE FROM portal_region WHERE path LIKE %s AND level = 3", [path + "%"]
            )
            cursor.execute("DELETE FROM portal_region WHERE id = %s", [county_id])
    topic_store.forget()
    return len(ids), bool(found)


def time_matches(users, families) -> dict:
    """50 new issues in the villages of the bench county, matched one by one."""
    from unittest import mock

    from bench import generate
    from bench.topics_handwritten_dev import ITEMS
    from petitions import topic_store, topic_text
    from petitions.models import IssueTopic
    from petitions.workflow.intake import petition_submit
    from portal.models import Region

    county = users[generate.COUNTY_USER].region
    townships = list(Region.objects.filter(parent=county).order_by("path"))
    villages = {t.pk: list(Region.objects.filter(parent=t).order_by("path")) for t in townships}
    reader = topic_text.file_reader()
    # the first items of the dev set (its order is shuffled: every style, many problems)
    chosen = ITEMS[: MATCH_ISSUES + 1]
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


def build_county(city) -> tuple:
    """The re-grouping county: the townships and villages of the hand-written set."""
    from bench.topics_handwritten_dev import ITEMS
    from portal.models import Region

    county = Region.objects.create(
        code=COUNTY_CODE, name=COUNTY_NAME, level=Region.Level.COUNTY, parent=city,
        path=f"{city.path}{COUNTY_CODE}/",
    )  # fmt: skip
    towns: dict[str, list[str]] = {}
    for item in ITEMS:
        town, _slash, village = item.region_key.partition("/")
        towns.setdefault(town, [])
        if village and village not in towns[town]:
            towns[town].append(village)
    township_rows, village_rows = {}, {}
    for t, (town, names) in enumerate(sorted(towns.items()), start=1):
        code = f"{COUNTY_CODE[:6]}{t:03d}000"
        township = Region.objects.create(
            code=code, name=town, level=Region.Level.TOWNSHIP, parent=county,
            path=f"{county.path}{code}/",
        )  # fmt: skip
        township_rows[town] = township
        for v, name in enumerate(names, start=1):
            vcode = f"{code[:9]}{v:03d}"
            village_rows[(town, name)] = Region.objects.create(
                code=vcode, name=name, level=Region.Level.VILLAGE, parent=township,
                path=f"{township.path}{vcode}/",
            )  # fmt: skip
    return county, township_rows, village_rows, towns


def regroup_issues(county, township_rows, village_rows, families):
    """5,000 issues of the last 88 days: the hand-written items, each first in its own
    village, then repeated over the other villages of the county (its village and township
    names in the text replaced), with an opener and a closer, no two alike."""
    from django.utils import timezone

    from bench.topics_handwritten_dev import ITEMS
    from petitions import topic_text
    from petitions.models import Petition

    reader = topic_text.file_reader()
    category = {item.id: category_of(item, reader, families) for item in ITEMS}
    rng = random.Random(20261207)
    now = timezone.now()
    seen = set()
    rows = []
    places = sorted(village_rows)  # (township, village) over the whole county
    for k in range(REGROUP_ISSUES):
        item = ITEMS[k % len(ITEMS)]
        copy = k // len(ITEMS)
        town, _slash, village = item.region_key.partition("/")
        if village:
            # the first copy where it was written, the others spread over the county
            new_town, new = places[(places.index((town, village)) + copy * SPREAD) % len(places)]
            region = village_rows[(new_town, new)]
            title, text = relocate(item, village, town, new, new_town)
        else:
            region, title, text = township_rows[town], item.title, item.description
        for attempt in range(50):
            opener, closer = rng.choice(OPENERS), rng.choice(CLOSERS)
            if attempt > 5:
                closer += f"（第{attempt}次反映）"
            variant = (title, opener + text + closer)
            if variant not in seen:
                break
        seen.add(variant)
        rows.append(
            Petition(
                region=region,
                channel="web",
                category=category[item.id],
                title=(variant[0] or text[:30])[:100],
                description=variant[1],
                tracking_code=f"{TRACKING}{k:08d}",
                client_token=f"{TOKEN}regroup-{k}",
                submitted_at=now - datetime.timedelta(seconds=rng.uniform(0, 88 * 86400)),
            )  # fmt: skip
        )
    rows.sort(key=lambda p: p.submitted_at)
    Petition.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


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
