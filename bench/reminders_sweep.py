"""Benchmark: the reminder sweeps' find step over 1,000,000 open items with deadlines.

    BENCH_DATABASE_URL=postgres://.../db python -m bench.reminders_sweep [--items 1000000]

Generates (once; ``--regenerate`` to start again) ``--items`` citizen issues being handled
by a unit, their reply deadlines spread over a year around today, plus one closed issue for
every ten open ones, with ``generate_series`` in one INSERT. Then times the registered sweeps of citizen issues (before
the deadline at 30/15/7/1 days, past it at 1/10 days) on an empty reminder table: one
set-based ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` per threshold. Checks the
reminders against an independent SQL statement of which object is in which threshold, then
times a second sweep, which must insert nothing.
"""

import argparse
import time

from bench.common import setup_django

# Which open issue is in which threshold today, from the days left, written independently
# of portal.reminders: the smallest threshold >= days left (>= 0 before the deadline).
EXPECTED_SQL = """
SELECT id, kind, threshold FROM (
    SELECT p.id, 'petitions.reply_due' AS kind,
           CASE WHEN d <= 1 THEN 1 WHEN d <= 7 THEN 7 WHEN d <= 15 THEN 15 ELSE 30 END
               AS threshold
    FROM (SELECT id, due_on - %(today)s::date AS d FROM petitions_petition
          WHERE state = 'forwarded' AND department_id IS NOT NULL) p
    WHERE d BETWEEN 0 AND 30
    UNION ALL
    SELECT p.id, 'petitions.reply_overdue',
           CASE WHEN d <= -10 THEN -10 ELSE -1 END
    FROM (SELECT id, due_on - %(today)s::date AS d FROM petitions_petition
          WHERE state = 'forwarded' AND department_id IS NOT NULL) p
    WHERE d <= -1
) e
"""
FOUND_SQL = "SELECT target_id, kind, threshold FROM portal_reminder"

GENERATE_SQL = """
INSERT INTO petitions_petition (
    channel, category, title, description, citizen_name, citizen_phone, wants_feedback,
    tracking_code, state, round, due_on, public_reason, submitted_at, published,
    published_title, published_summary, department_id, region_id)
SELECT 'web', 'traffic', 'bench ' || g, 'bench', '', '', false,
       'B' || lpad(g::text, 11, '0'),
       CASE WHEN g %% 11 = 0 THEN 'resolved' ELSE 'forwarded' END, 1,
       %(today)s::date - 60 + (g %% 366), '', now(), false, '', '', %(dept)s, %(region)s
FROM generate_series(1, %(items)s) g
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    setup_django()

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from petitions.reminders import REPLY_DUE, REPLY_OVERDUE
    from portal import reminders
    from portal.models import Department, Region, ReminderRule

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    region, _new = Region.objects.get_or_create(
        code="339900000000", defaults={"name": "基准市", "level": 1, "path": "/339900000000/"}
    )
    dept, _new = Department.objects.get_or_create(
        region=region, name="基准承办单位", defaults={"kind": "government"}
    )
    ReminderRule.objects.filter(kind__startswith="petitions.").delete()
    bench_rows = "SELECT count(*) FROM petitions_petition WHERE tracking_code LIKE 'B%%'"
    with connection.cursor() as cursor:
        cursor.execute(bench_rows)
        have = cursor.fetchone()[0]
        total = args.items + args.items // 10
        if args.regenerate or have != total:
            started = time.perf_counter()
            cursor.execute("DELETE FROM petitions_petition WHERE tracking_code LIKE 'B%%'")
            cursor.execute(
                GENERATE_SQL,
                {"today": today, "dept": dept.pk, "region": region.pk, "items": total},
            )
            cursor.execute("VACUUM ANALYZE petitions_petition")
            print(f"generated {total:,} issues in {time.perf_counter() - started:.1f} s")
        cursor.execute("TRUNCATE portal_reminder")
        cursor.execute("SELECT count(*) FROM petitions_petition WHERE state = 'forwarded'")
        open_items = cursor.fetchone()[0]

    sweeps = [(REPLY_DUE, (30, 15, 7, 1)), (REPLY_OVERDUE, (-1, -10))]
    print(f"open items with deadlines: {open_items:,}; today {today}")
    for run in ("first", "second"):
        started = time.perf_counter()
        counts = {s.kind: reminders.find(s, today, thresholds) for s, thresholds in sweeps}
        elapsed = time.perf_counter() - started
        print(f"{run} sweep (find): {elapsed:.2f} s, new reminders {counts}")
        if run == "first":
            first_elapsed, first_counts = elapsed, counts
        else:
            assert sum(counts.values()) == 0, "the second sweep inserted reminders again"

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM (({EXPECTED_SQL}) EXCEPT ({FOUND_SQL})) x",
                       {"today": today})  # fmt: skip
        missing = cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*) FROM (({FOUND_SQL}) EXCEPT ({EXPECTED_SQL})) x",
                       {"today": today})  # fmt: skip
        extra = cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*) FROM ({EXPECTED_SQL}) e", {"today": today})
        expected = cursor.fetchone()[0]
        cursor.execute(
            "SELECT kind, threshold, count(*) FROM portal_reminder GROUP BY 1, 2 ORDER BY 1, 2"
        )
        per_threshold = cursor.fetchall()
    print(f"expected {expected:,} reminders; missing {missing}, unexpected {extra}")
    for kind, threshold, count in per_threshold:
        print(f"  {kind:28} {threshold:>4} days: {count:,}")
    ok = missing == 0 and extra == 0 and sum(first_counts.values()) == expected
    verdict = "OK" if ok and first_elapsed < 10 else "FAILED"
    print(f"{verdict}: {open_items:,} open items swept in {first_elapsed:.2f} s (limit 10 s)")
    if verdict != "OK":
        raise SystemExit(1)


if __name__ == "__main__":
    main()
