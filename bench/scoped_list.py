"""Benchmark: a scoped list page through ``portal.access`` against guardian per-object grants.

    python -m bench.generate          # once: a city with 1,000,000 region-owned rows
    python -m bench.scoped_list [--repeat 30]

Prints, on PostgreSQL, the median time of the first page of the audit-event list
(``-id`` order, 50 rows, with its count) for a county user whose rights are one region grant
read through ``access.visible``, and for a county user whose rights are one guardian
per-object grant per row read through ``get_objects_for_user``; their ratio; the same page as
a whole API request; and the query count of the API page at 10 and 100 rows.
"""

import argparse
import statistics
import time

from bench.common import setup_django


def median_ms(fn, repeat: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--page-size", type=int, default=50)
    args = parser.parse_args()
    setup_django()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from guardian.models import UserObjectPermission
    from guardian.shortcuts import get_objects_for_user

    from bench import generate
    from portal import access
    from portal.models import Event, User
    from portal.pagination import fast_count

    total = Event.objects.count()
    if total == 0:
        raise SystemExit("No data: run `python -m bench.generate` first.")
    users = {name: User.objects.get(username=name) for name in
             (generate.CITY_USER, generate.COUNTY_USER, generate.TOWNSHIP_USER, generate.GUARDIAN_USER)}  # fmt: skip
    base = Event.objects.select_related("actor", "target_type").order_by("-id")
    size = args.page_size

    def via_access(user):
        def page():
            access.forget(user)  # read the grants again, as a new request does
            scoped = access.visible(user, base)
            return [e.pk for e in scoped[:size]], fast_count(scoped)

        return page

    def via_guardian(user):
        def page():
            scoped = get_objects_for_user(
                user, "portal.view_event", base, accept_global_perms=False, with_superuser=False
            ).order_by("-id")
            return [e.pk for e in scoped[:size]], fast_count(scoped)

        return page

    county, baseline = users[generate.COUNTY_USER], users[generate.GUARDIAN_USER]
    access_rows, access_count = via_access(county)()
    guardian_rows, guardian_count = via_guardian(baseline)()
    exact = access.visible(county, Event.objects.all()).count()

    print(f"rows in the table: {total:,}; rows in the county's scope: {exact:,}")
    print(f"same first page through both paths: {'yes' if access_rows == guardian_rows else 'NO'}")
    print(f"count shown: access {access_count[0]:,} (estimate: {access_count[1]}), "
          f"guardian {guardian_count[0]:,} (estimate: {guardian_count[1]})")  # fmt: skip
    print()
    print(f"first page of {size} rows with its count, median of {args.repeat} runs:")
    results = {}
    for label, user in (("city", users[generate.CITY_USER]), ("county", county),
                        ("township", users[generate.TOWNSHIP_USER])):  # fmt: skip
        results[label] = median_ms(via_access(user), args.repeat)
        print(f"  access.visible, {label:8s} user: {results[label]:8.2f} ms")
    guardian_ms = median_ms(via_guardian(baseline), max(5, args.repeat // 3))
    grants = UserObjectPermission.objects.filter(user=baseline).count()
    print(f"  guardian get_objects_for_user, county user ({grants:,} grants): "
          f"{guardian_ms:8.2f} ms")  # fmt: skip
    print(f"  ratio guardian / access (county): {guardian_ms / results['county']:.1f}x")

    exact_ms = median_ms(lambda: access.visible(county, Event.objects.all()).count(), 5)
    print(
        f"  (an exact COUNT(*) of the county's rows alone: {exact_ms:.2f} ms, hence the estimate)"
    )

    client = Client()
    client.force_login(county)
    api_ms = median_ms(lambda: client.get("/api/v1/events/", {"page_size": size}), args.repeat)
    print()
    print(
        f"whole API request GET /api/v1/events/?page_size={size} as the county user: {api_ms:.2f} ms"
    )
    admin_ms = median_ms(lambda: client.get("/admin/portal/event/"), max(5, args.repeat // 3))
    print(f"whole admin changelist GET /admin/portal/event/ as the county user: {admin_ms:.2f} ms")
    print(
        "target: under 50 ms at 1M rows:",
        "met" if api_ms < 50 and results["county"] < 50 else "NOT met",
    )

    counts = {}
    for n in (10, 100):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/events/", {"page_size": n})
        assert response.status_code == 200 and len(response.json()["results"]) == n
        counts[n] = len(ctx.captured_queries)
    print(f"queries per API page: {counts[10]} at 10 rows, {counts[100]} at 100 rows "
          f"({'same' if counts[10] == counts[100] else 'DIFFERENT'})")  # fmt: skip


if __name__ == "__main__":
    main()
