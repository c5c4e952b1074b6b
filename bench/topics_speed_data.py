"""Data of bench.topics_speed: the city-scale issues and their stored groups (by SQL), and
the hand-written issues placed in a county of their own for matching and re-grouping."""

from __future__ import annotations

import argparse
import datetime
import os
import random
import time

from bench import topics_handwritten

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_staff_lists")


ISSUES = 1_000_000


NO_PROBLEM = 0.05  # share of issues naming no problem of the lexicon


SLOTS = 1000  # resolution of the per-category distribution of problems


WINDOW_SECONDS = 90 * 86400


CONFIRMED_SHARE = 10  # one group in ten (older than three days) is confirmed


REGROUP_ISSUES = 5000  # issues of the re-grouping county
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
    from petitions import topic_store
    from petitions.models import IssueTopic, Petition

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
        "version": topic_store.reading_version(),
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


def build_county(city) -> tuple:
    """The re-grouping county: the townships and villages of the hand-written set."""
    items = topics_handwritten.items("dev")
    from portal.models import Region

    county = Region.objects.create(
        code=COUNTY_CODE, name=COUNTY_NAME, level=Region.Level.COUNTY, parent=city,
        path=f"{city.path}{COUNTY_CODE}/",
    )  # fmt: skip
    towns: dict[str, list[str]] = {}
    for item in items:
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

    items = topics_handwritten.items("dev")
    from petitions import topic_text
    from petitions.models import Petition

    reader = topic_text.file_reader()
    category = {item.id: category_of(item, reader, families) for item in items}
    rng = random.Random(20261207)
    now = timezone.now()
    seen = set()
    rows = []
    places = sorted(village_rows)  # (township, village) over the whole county
    for k in range(REGROUP_ISSUES):
        item = items[k % len(items)]
        copy = k // len(items)
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
