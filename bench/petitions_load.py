"""Benchmark: public issue submissions under concurrent load, against a bare view's floor.

    python -m bench.petitions_load [--clients 8] [--seconds 20] [--workers 4] [--rounds 3]
                                   [--skip-seed] [--no-post-only] [--redis-url URL]

Prepares a PostgreSQL database of its own (``bench.common``'s server, the database name with
``_petitions`` appended, or ``PETITIONS_LOAD_DATABASE_URL``; ``migrate`` and, unless
``--skip-seed``, ``seed_demo`` in a subprocess), starts ``gunicorn portal.wsgi`` on 127.0.0.1
and a free port (sync workers, ``DEBUG=false``, a secret key made for the run, every
rate-limit count raised to 1,000,000,000 so that the throttle is never what is measured,
Redis as cache and broker when it answers), then runs these phases of ``--seconds`` each,
after a short warm-up, with ``--clients`` threads of the standard library's ``http.client``:

1. floor: ``GET /healthz`` (a bare view) as fast as the clients can;
2. submissions: what a phone does, each time as a new citizen (no cookies): ``GET
   /petitions/new/?station=<a demo station>``, solve the check code with
   ``portal.captcha.answer_for`` (same secret key), ``POST`` the multipart form with the
   hidden fields and the pre-selected township/village of the page and a phone number
   unique to the submission, then follow the redirect to the receipt;
3. POST only (unless ``--no-post-only``): the same forms fetched first, untimed, then only
   the POSTs, as fast as the clients can.

Each phase runs in ``--rounds`` slices and the phases take turns (floor, submissions, POST
only, floor, ...), so that load from other programs on the machine falls on all of them
alike. Prints requests/s, p50 and p99 of the floor and of the POST (the submission itself),
the ratio of submissions/s to the floor's requests/s against the target (at least 1/3), and
the CPU per request of the gunicorn workers, the PostgreSQL backends of the benchmark's
database and this client. Stops gunicorn at the end, also on Ctrl-C or an error. All
traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

from bench.common import ensure_database
from bench.petitions_load_client import HOST, Phase, Submitter, floor_work, percentile_ms, run_phase
from bench.petitions_load_server import (
    BASE_DIR,
    free_port,
    load_database_url,
    manage,
    redis_answers,
    redis_client,
    stop,
    tail,
    wait_until_healthy,
)

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
CACHE_KEY_PREFIX = "petitions_load"
RAISED_COUNT = 1_000_000_000
# Every scope of settings.RATE_LIMITS reads its count from one of these (checked below).
RATE_COUNT_VARIABLES = (
    "RATE_LOGIN_COUNT", "RATE_POSTER_COUNT", "RATE_PETITION_IP_COUNT",
    "RATE_PETITION_PHONE_COUNT", "RATE_TRACK_IP_COUNT", "RATE_TRACK_CODE_COUNT",
    "RATE_CAPTCHA_IP_COUNT",
)  # fmt: skip
WARMUP_SECONDS = 2.0
TARGET_RATIO = 1 / 3
OTHERS_WARNING = 0.10  # share of the machine used by other programs
# Forms fetched ahead of a POST-only slice, per full submission of the slice before it (a
# POST alone is at most this many times as fast as form, POST and receipt together).
FORMS_AHEAD = 6


# --- the report ------------------------------------------------------------------


def others_share(phase: Phase) -> float:
    """Return the share of the machine used by neither gunicorn, PostgreSQL nor this client
    (the kernel's network time and Redis count here, and any other program running)."""
    cpu = phase.cpu
    ours = cpu["server"] + cpu["postgres"] + cpu["client"]
    return max(cpu["busy"] - ours, 0.0) / max(cpu["all"], 1e-9)


def cpu_line(phase: Phase, count: int, unit: str) -> str:
    cpu = phase.cpu
    per = {key: cpu[key] / max(count, 1) * 1000 for key in ("server", "postgres", "client")}
    busy = cpu["busy"] / max(cpu["all"], 1e-9) * 100
    return (
        f"CPU per {unit}: gunicorn {per['server']:.2f} ms, PostgreSQL {per['postgres']:.2f} ms, "
        f"client {per['client']:.2f} ms; machine busy {busy:.0f}% "
        f"(anything else {others_share(phase) * 100:.0f}%); "
        f"TCP retransmissions {cpu['retransmits']:.0f}"
    )


def report(floor: Phase, submissions: Phase, posts: Phase) -> None:
    floor_rate = floor.stats.ok / floor.seconds
    submit_rate = submissions.stats.ok / submissions.seconds
    post_rate = posts.stats.ok / posts.seconds if posts.seconds else 0.0
    s, p = submissions.stats, posts.stats
    print()
    print(
        f"floor        GET /healthz          {floor_rate:8.1f} req/s   "
        f"p50 {percentile_ms(floor.stats.latencies, 50):7.2f} ms   "
        f"p99 {percentile_ms(floor.stats.latencies, 99):7.2f} ms   "
        f"({floor.stats.ok:,} ok, {floor.stats.failed:,} failed in {floor.seconds:.1f} s)"
    )
    print(f"  {cpu_line(floor, floor.stats.requests, 'request')}")
    print(
        f"submissions  POST /petitions/new/  {submit_rate:8.1f} sub/s   "
        f"p50 {percentile_ms(s.latencies, 50):7.2f} ms   "
        f"p99 {percentile_ms(s.latencies, 99):7.2f} ms   "
        f"({s.ok:,} ok, {s.failed:,} failed in {submissions.seconds:.1f} s)"
    )
    print(
        f"  with the form GET (p50 {percentile_ms(s.form_latencies, 50):.2f} ms, "
        f"p99 {percentile_ms(s.form_latencies, 99):.2f} ms) and the receipt GET "
        f"(p50 {percentile_ms(s.receipt_latencies, 50):.2f} ms; "
        f"{len(s.receipt_latencies):,} shown, {s.receipts_failed:,} failed): "
        f"{s.requests / submissions.seconds:.1f} req/s in all"
    )
    print(f"  {cpu_line(submissions, s.ok, 'submission (form, POST, receipt)')}")
    if posts.seconds:
        print(
            f"POST only    POST /petitions/new/  {post_rate:8.1f} sub/s   "
            f"p50 {percentile_ms(p.latencies, 50):7.2f} ms   "
            f"p99 {percentile_ms(p.latencies, 99):7.2f} ms   "
            f"({p.ok:,} ok, {p.failed:,} failed in {posts.seconds:.1f} s; forms fetched before)"
        )
        print(f"  {cpu_line(posts, p.ok, 'POST')}")
        if p.ran_out:
            print("  (the fetched forms ran out before the end of a slice: the slice was shorter)")
    for reason in s.failures + p.failures:
        print(f"  failure: {reason}")
    for reason in floor.stats.failures:
        print(f"  floor failure: {reason}")
    ratio = submit_rate / floor_rate if floor_rate else 0.0
    requests_ratio = s.requests / submissions.seconds / floor_rate if floor_rate else 0.0
    met = "met" if ratio >= TARGET_RATIO else "missed"
    print()
    print(
        f"ratio submissions/s / floor req/s: {ratio:.3f} "
        f"(target >= {TARGET_RATIO:.3f}, i.e. 1/3): {met}"
    )
    print(f"  (counting all three requests of a submission: {requests_ratio:.3f})")
    if posts.seconds and floor_rate:
        print(f"  (POST only, the forms fetched before: {post_rate / floor_rate:.3f})")
    for name, phase in (("floor", floor), ("submissions", submissions), ("POST only", posts)):
        if phase.seconds and others_share(phase) > OTHERS_WARNING:
            print(
                f"warning: other processes used {others_share(phase) * 100:.0f}% of the machine "
                f"during the {name}: its figures are disturbed, run again on a quiet machine"
            )


# --- main ------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument(
        "--redis-url",
        default=DEFAULT_REDIS_URL,
        help="cache and Celery broker of the server when Redis answers (a database of its "
        "own: the SMS tasks of the submissions are queued there; emptied at the end when "
        "it was empty at the start)",
    )
    parser.add_argument(
        "--skip-seed",
        action="store_true",
        help="do not run seed_demo: use the demo stations already in the database (of an "
        "earlier run)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="each phase runs in this many slices, the phases taking turns, so that load "
        "from other programs falls on all of them alike",
    )
    parser.add_argument(
        "--no-post-only",
        dest="post_only",
        action="store_false",
        help="skip the third phase (forms fetched first, untimed; then only the POSTs)",
    )
    args = parser.parse_args()
    if args.clients < 1 or args.workers < 1 or not 1 <= args.seconds <= 600:
        parser.error("--clients and --workers >= 1, --seconds between 1 and 600")
    if not 1 <= args.rounds <= args.seconds:
        parser.error("--rounds between 1 and --seconds")

    url = load_database_url()
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The benchmark runs on PostgreSQL: a postgres:// database URL.")
    var_dir = Path(tempfile.mkdtemp(prefix="petitions_load_"))
    (var_dir / "static").mkdir()  # whitenoise's STATIC_ROOT (no asset is fetched)
    overrides = {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": f"petitions-load-{secrets.token_urlsafe(32)}",
        "ALLOWED_HOSTS": HOST,
        "PORTAL_VAR_DIR": str(var_dir),
        "CACHE_KEY_PREFIX": CACHE_KEY_PREFIX,
        **dict.fromkeys(RATE_COUNT_VARIABLES, str(RAISED_COUNT)),
    }
    redis_url = args.redis_url if redis_answers(args.redis_url) else ""
    if redis_url:
        overrides["REDIS_URL"] = redis_url
    else:
        os.environ.pop("REDIS_URL", None)
    os.environ.update(overrides)  # the same settings here: the captcha needs the same key
    env = dict(os.environ)
    # A SIGTERM (e.g. from ``timeout``) unwinds like Ctrl-C, through the finally below.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(128 + signal.SIGTERM))

    server = None
    redis_was_empty = False
    try:
        if redis_url:  # before anything of this run writes there
            redis_was_empty = redis_client(redis_url).dbsize() == 0
        import django

        django.setup()
        from django.conf import settings
        from django.db import connection

        from petitions.models import Petition
        from stations import demo
        from stations.models import Station

        low = {scope: count for scope, (count, _w) in settings.RATE_LIMITS.items()
               if count < RAISED_COUNT}  # fmt: skip
        if low:
            raise SystemExit(f"rate limits not raised by the environment: {low}")
        ensure_database(url)
        manage(env, "migrate", "--noinput", "-v", "0")
        if args.skip_seed:
            seeded = ["seed_demo skipped (--skip-seed): the demo data already there"]
        else:
            seeded = manage(env, "seed_demo").splitlines()
        names = [spec[1] for spec in demo.STATIONS.values()]
        stations = list(
            Station.objects.filter(name__in=names, is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not stations:
            raise SystemExit("no open demo station after seed_demo")
        issues_before = Petition.objects.count()
        connection.close()

        print(f"database: {url}")
        print(f"  {seeded[0] if seeded else 'seed_demo done'}; demo stations {stations}")
        print(f"  issues before the run: {issues_before:,}")
        cache = f"Redis {redis_url}" if redis_url else "file cache (Redis does not answer)"
        print(f"cache and broker: {cache}; rate-limit counts raised to {RAISED_COUNT:,}")

        port = free_port()
        log_path = var_dir / "gunicorn.log"
        with log_path.open("w") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "portal.wsgi", "--workers", str(args.workers),
                 "--bind", f"{HOST}:{port}"],
                cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        wait_until_healthy(server, port, log_path)
        print(
            f"gunicorn: {args.workers} sync workers on {HOST}:{port}; {args.clients} clients; "
            f"{args.seconds:g} s per phase in {args.rounds} interleaved slices after a "
            f"{WARMUP_SECONDS:g} s warm-up; {os.cpu_count()} CPUs"
        )

        submitter = Submitter(port, stations)
        measured = (server.pid, urlparse(url).path.lstrip("/"))
        run_phase(port, args.clients, WARMUP_SECONDS, measured, floor_work)
        warm = run_phase(port, args.clients, WARMUP_SECONDS, measured, submitter)
        floor, submissions, posts, fills = Phase(), Phase(), Phase(), Phase()
        part = args.seconds / args.rounds
        for _round in range(args.rounds):  # interleaved: other load hits all phases alike
            floor.add(run_phase(port, args.clients, part, measured, floor_work))
            cycle = run_phase(port, args.clients, part, measured, submitter)
            submissions.add(cycle)
            if args.post_only:
                submitter.ready.clear()
                submitter.wanted = int(FORMS_AHEAD * cycle.stats.ok) + 10 * args.clients
                fills.add(run_phase(port, args.clients, 4 * part, measured, submitter.fill))
                posts.add(run_phase(port, args.clients, part, measured, submitter.post_ready))
        report(floor, submissions, posts)

        issues_after = Petition.objects.count()
        connection.close()
        created = issues_after - issues_before
        expected = warm.stats.ok + submissions.stats.ok + posts.stats.ok
        same = "yes" if created == expected else "NO"
        print(f"issues created: {created:,} (= successful submissions, warm-up included: {same})")
    finally:
        stop(server)
        if server is not None and server.returncode not in (0, None, -signal.SIGTERM):
            print(f"gunicorn exited with {server.returncode}:\n{tail(var_dir / 'gunicorn.log')}")
        if redis_url and redis_was_empty:
            redis_client(redis_url).flushdb()  # only this run's keys and queued SMS tasks
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        raise SystemExit("interrupted; gunicorn stopped") from None
