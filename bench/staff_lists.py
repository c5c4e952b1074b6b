"""Benchmark: the staff tables (``portal.tables``) and their Excel export at city scale.

    python -m bench.generate          # once: the city, its regions and the bench users
    python -m bench.stations_data     # once: stations, deputies, receptions
    python -m bench.staff_lists [--repeat 20] [--issues 1000000] [--regenerate]

Inserts (once; again with ``--regenerate`` or when the count differs) ``--issues`` citizen
issues spread over every village of the city, two years of dates in id order, states by
age, ten categories, six channels, handling units, varied titles, and one reply for each
replied or closed issue, with ``generate_series`` in one INSERT; then ``VACUUM ANALYZE``.

Then, as the county user through Django's test client, GETs every staff list that resolves:
the default view, a filtered view, a sorted view and a keyword search; prints p50 and p95
with the side menu's counts cached (the usual case) and the default view with them cold,
and the query count at 20 and 100 rows a page. Finally writes the issues export
(``portal.tables.exports.write_xlsx``) of 20,000 and 100,000 rows, each in a fresh process:
time, rows/s, file size, tracemalloc peak and peak-RSS growth.
"""

import argparse
import datetime
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote

from bench.common import database_url, setup_django
from bench.staff_lists_data import ensure_city, ensure_issues

TARGET_MS = 150

# The lists of the desk, in menu order: (label, URL).
LISTS = (
    ("petitions", "/desk/petitions/"),
    ("receptions", "/desk/receptions/"),
    ("deputies", "/desk/deputies/"),
    ("stations", "/desk/stations/"),
    ("matters", "/desk/matters/"),
    ("suggestions", "/desk/suggestions/"),
    ("voting proposals", "/desk/voting/proposals/"),
    ("candidates", "/desk/voting/candidates/"),
    ("notifications", "/desk/inbox/"),
)
# The filtered view of a list, by table key; a table not named here uses its first built-in
# view (preset), or else the first choice of its first choice filter.
FILTERS = {
    "petitions": {"state": "forwarded"},
    "receptions": {"date_from": "__month_ago__"},
    "deputies": {"active": "true"},
    "stations": {"kind": "central"},
}
# A word present in the bench data of the list (stations and deputies have generated names).
KEYWORDS = {"receptions": "总站", "deputies": "代表12", "stations": "第13乡镇"}
DEFAULT_KEYWORD = "路灯"

# --- the pages ---------------------------------------------------------------------------


def percentile(samples, q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def pg_cpu():
    """(backend pid, CPU seconds used so far) of Django's PostgreSQL connection, or None."""
    from django.db import connection

    if connection.connection is None:
        return None
    pid = connection.connection.get_backend_pid()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # the server runs elsewhere
        return None
    return pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Sampler:
    """Times requests: wall time, and CPU time of this process and of its PostgreSQL
    backend (both much less sensitive than wall time to other programs on the machine)."""

    def __init__(self):
        self.wall, self.cpu, self.pg = [], [], []

    def run(self, fn):
        before = pg_cpu()
        cpu = time.process_time()
        started = time.perf_counter()
        result = fn()
        self.wall.append((time.perf_counter() - started) * 1000)
        self.cpu.append((time.process_time() - cpu) * 1000)
        after = pg_cpu()
        if before and after and before[0] == after[0]:
            self.pg.append((after[1] - before[1]) * 1000)
        return result

    def line(self) -> str:
        pg = f"{statistics.mean(self.pg):5.1f}" if self.pg else "    ?"
        return (f"p50 {statistics.median(self.wall):7.1f} ms  p95 {percentile(self.wall, 0.95):7.1f} ms"
                f"  CPU Django {statistics.median(self.cpu):5.1f} + PostgreSQL {pg} ms")  # fmt: skip


def variants_for(table, user, today):
    """The four views of a list: (name, params)."""
    views = [("default", {})]
    if table is None:
        return views
    spec = FILTERS.get(table.key)
    if spec is None:
        presets = list(table.presets_for(user))
        if presets:
            spec = dict(presets[0].params)
        elif table.filterset_class is not None:
            form = table.filterset_class(None, table.queryset(user).none()).form
            for name in table.filters_for(user):
                choices = [c for c, _label in getattr(form.fields.get(name), "choices", ()) if c]
                if choices:
                    spec = {name: str(choices[0])}
                    break
    if spec:
        month_ago = (today - datetime.timedelta(days=30)).isoformat()
        spec = {k: (month_ago if v == "__month_ago__" else v) for k, v in spec.items()}
        views.append(("filtered", spec))
    sorts = table.orderings()
    if sorts:
        key = "due_on" if "due_on" in sorts else next(c.key for c in table.columns if c.sort)
        views.append(("sorted", {"ordering": key}))
    views.append(("search", {"q": KEYWORDS.get(table.key, DEFAULT_KEYWORD)}))
    return views


def slowest_of(captured) -> tuple[float, str]:
    return max(((float(q["time"]) * 1000, q["sql"]) for q in captured), default=(0.0, ""))


def measure_pages(args, county):
    from django.db import connection
    from django.http import QueryDict
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import Resolver404, resolve
    from django.utils import timezone
    from django.utils.http import urlencode

    from portal import nav
    from portal.pagination import fast_count

    client = Client()
    client.force_login(county)
    today = timezone.localdate()
    summary = []
    for label, url in LISTS:
        try:
            match = resolve(url)
        except Resolver404:
            print(f"\n{label} {url}: not built")
            continue
        response = client.get(url)
        if response.status_code == 404:
            print(f"\n{label} {url}: not built")
            continue
        table = getattr(match.func, "table", None)
        kind = f"table {table.key!r}" if table is not None else "not a table view yet"
        print(f"\n{label} {url} ({kind})")
        if response.status_code != 200:
            print(f"  GET {url}: status {response.status_code}; skipped")
            summary.append((label, None, None, None))
            continue
        worst = (0.0, "")
        fixed = True
        for name, params in variants_for(table, county, today):
            query = urlencode(params)
            rows = ""
            if table is not None:
                listing = table.filter(county, QueryDict(query))
                if listing.errors:
                    print(f"  {name:8s} {query}: refused {listing.errors}")
                    fixed = False
                    continue
                count, estimate = fast_count(listing.queryset)
                rows = f"{'~' if estimate else ''}{count:,} rows"

            def get(extra=None, params=params, url=url):
                response = client.get(url, {**params, **(extra or {})})
                if response.status_code != 200:
                    raise SystemExit(f"GET {url}?{urlencode(params)}: {response.status_code}")
                return response

            for _ in range(2):
                get()
            warm = Sampler()
            for _ in range(args.repeat):
                warm.run(get)
            p50 = statistics.median(warm.wall)
            if p50 > worst[0]:
                worst = (p50, warm.line())
            counts = {}
            for size in (20, 100):
                with CaptureQueriesContext(connection) as ctx:
                    get({"page_size": size} if table is not None else None)
                counts[size] = len(ctx.captured_queries)
            slowest = slowest_of(ctx.captured_queries)
            fixed = fixed and counts[20] == counts[100]
            shown = unquote(query)
            shown = shown if len(shown) <= 30 else shown[:27] + "..."
            print(f"  {name:8s} {shown:30s} {warm.line()}  queries {counts[20]}/{counts[100]} "
                  f"at 20/100 rows; {rows}")  # fmt: skip
            print(f"    slowest query {slowest[0]:6.1f} ms: {slowest[1][:100]}")
            if args.explain or (p50 > TARGET_MS and slowest[0] > 50):
                explain(slowest[1])
            if name == "default":
                cold = Sampler()
                for _ in range(max(5, args.repeat // 4)):
                    nav.forget(county)
                    cold.run(get)
                nav.forget(county)
                with CaptureQueriesContext(connection) as ctx:
                    get()
                slowest = slowest_of(ctx.captured_queries)
                print(f"  {'default, menu counts cold':39s} {cold.line()}  queries "
                      f"{len(ctx.captured_queries)}")  # fmt: skip
                print(f"    slowest query {slowest[0]:6.1f} ms: {slowest[1][:100]}")
                if args.explain or (statistics.median(cold.wall) > TARGET_MS and slowest[0] > 50):
                    explain(slowest[1])
                get()  # the counts are cached again
        met = "met" if worst[0] <= TARGET_MS else "NOT met"
        print(f"  p50 <= {TARGET_MS} ms for a county user: {met} (worst p50 {worst[0]:.1f} ms)")
        print(f"  fixed query count: {'yes' if fixed else 'no'}")
        summary.append((label, worst[0], worst[1], fixed))
    return summary


def explain(sql: str) -> None:
    from django.db import connection

    if not sql.lstrip().upper().startswith("SELECT"):
        return
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        for (line,) in cursor.fetchall():
            print(f"             | {line}")


# --- the export --------------------------------------------------------------------------


def _status_kb(field: str) -> int | None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def export_child(rows: int, trace: bool) -> None:
    """Write the county's issues export of ``rows`` rows; print one JSON line."""
    import gc
    import resource
    import tempfile
    import tracemalloc

    from django.http import QueryDict

    from bench import generate
    from portal.models import User
    from portal.tables import exports
    from portal.tables.core import get_table

    table = get_table("petitions")
    user = User.objects.get(username=generate.COUNTY_USER)
    listing = table.filter(user, QueryDict(""))
    columns = table.export_columns(None)
    queryset = listing.queryset[:rows]
    list(queryset[:10])  # the first query's set-up, out of the figure
    gc.collect()
    maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:  # reset the peak RSS (VmHWM) to the current RSS (Linux >= 4.0)
        Path("/proc/self/clear_refs").write_text("5")
        reset = True
    except OSError:
        reset = False
    rss_before = _status_kb("VmRSS")
    if trace:
        tracemalloc.start()
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
        started = time.perf_counter()
        cpu = time.process_time()
        written = exports.write_xlsx(table, user, queryset, columns, out)
        out.flush()
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        size = os.path.getsize(out.name)
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    print(json.dumps({
        "rows": written, "seconds": elapsed, "cpu": cpu, "bytes": size, "peak": peak,
        "columns": len(columns), "rss_before_kb": rss_before,
        "hwm_growth_kb": _status_kb("VmHWM") - rss_before if reset else None,
        "maxrss_growth_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - maxrss_before,
    }))  # fmt: skip


def measure_export(sizes=(20_000, 100_000)) -> None:
    def child(rows, trace):
        command = [sys.executable, "-m", "bench.staff_lists", "--export-child", str(rows)]
        if trace:
            command.append("--trace")
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        return json.loads(out.strip().splitlines()[-1])

    def mb(kb):
        return "?" if kb is None else f"{kb / 1024:5.1f} MB"

    print("\nexport of the issues (portal.tables.exports.write_xlsx), county user, newest "
          "first, each run in a fresh process (tracemalloc in a second run: it slows Python "
          "several times):")  # fmt: skip
    results = {}
    for rows in sizes:
        plain = child(rows, False)
        traced = child(rows, True)
        results[rows] = (plain, traced)
        if plain["rows"] != rows:
            print(f"  WARNING: {plain['rows']:,} rows written, {rows:,} asked")
        print(f"  {plain['rows']:>7,} rows x {plain['columns']} columns: {plain['seconds']:6.1f} s "
              f"(CPU {plain['cpu']:.1f} s), {plain['rows'] / plain['seconds']:6,.0f} rows/s, "
              f"file {plain['bytes'] / 2**20:5.1f} MB")  # fmt: skip
        print(f"      tracemalloc peak {traced['peak'] / 2**20:5.1f} MB (traced run "
              f"{traced['seconds']:.0f} s); peak RSS growth {mb(plain['hwm_growth_kb'])} over "
              f"{mb(plain['rss_before_kb'])}; ru_maxrss growth {mb(plain['maxrss_growth_kb'])}")  # fmt: skip
    (small, small_t), (large, large_t) = (results[s] for s in sizes)

    def ratio(a, b):
        return "?" if a is None or b is None else f"x{max(a, 1) / max(b, 1):.2f}"

    print(f"  {sizes[1] // sizes[0]}x the rows: time x{large['seconds'] / small['seconds']:.1f}, "
          f"tracemalloc peak {ratio(large_t['peak'], small_t['peak'])}, "
          f"peak RSS growth {ratio(large['hwm_growth_kb'], small['hwm_growth_kb'])}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--issues", type=int, default=1_000_000)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN every slowest query")
    parser.add_argument("--no-export", action="store_true")
    parser.add_argument("--export-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup_django()
    if args.export_child:
        export_child(args.export_child, args.trace)
        return

    from django.core.management import call_command

    from bench import generate

    call_command("migrate", verbosity=0)
    print(f"database: {database_url()}; load average {os.getloadavg()[0]:.1f} "
          f"({os.cpu_count()} CPUs)")  # fmt: skip
    users = ensure_city()
    ensure_issues(args, users)
    county = users[generate.COUNTY_USER]

    from petitions.models import Petition
    from portal import access

    total = Petition.objects.count()
    scope = access.visible(county, Petition.objects.all()).count()
    print(f"citizen issues: {total:,}; in the county user's scope: {scope:,}")
    print(f"times: whole GET through the test client, p50/p95 of {args.repeat} runs after 2 "
          f"warm-ups; menu counts cached unless said")  # fmt: skip
    summary = measure_pages(args, county)
    print(f"\nload average after the pages: {os.getloadavg()[0]:.1f}")
    if not args.no_export:
        measure_export()
        print(f"load average after the export: {os.getloadavg()[0]:.1f}")
    print("\nsummary:")
    for label, worst, line, fixed in summary:
        if worst is None:
            print(f"  {label:17s} not measured (status not 200)")
            continue
        print(f"  {label:17s} p50 <= {TARGET_MS} ms for a county user: "
              f"{'met' if worst <= TARGET_MS else 'NOT met'}; fixed query count: "
              f"{'yes' if fixed else 'no'}; slowest view: {line}")  # fmt: skip


if __name__ == "__main__":
    main()
