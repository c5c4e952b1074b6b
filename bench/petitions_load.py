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
import collections
import http.client
import itertools
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urlparse

from bench.common import database_url, ensure_database

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
CACHE_KEY_PREFIX = "petitions_load"
RAISED_COUNT = 1_000_000_000
# Every scope of settings.RATE_LIMITS reads its count from one of these (checked below).
RATE_COUNT_VARIABLES = (
    "RATE_LOGIN_COUNT", "RATE_POSTER_COUNT", "RATE_PETITION_IP_COUNT",
    "RATE_PETITION_PHONE_COUNT", "RATE_TRACK_IP_COUNT", "RATE_TRACK_CODE_COUNT",
    "RATE_CAPTCHA_IP_COUNT",
)  # fmt: skip
REQUEST_TIMEOUT = 30.0
STARTUP_TIMEOUT = 60.0
WARMUP_SECONDS = 2.0
FAILURES_SHOWN = 5
TARGET_RATIO = 1 / 3
OTHERS_WARNING = 0.10  # share of the machine used by other programs
# Forms fetched ahead of a POST-only slice, per full submission of the slice before it (a
# POST alone is at most this many times as fast as form, POST and receipt together).
FORMS_AHEAD = 6

INPUT_RE = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
ATTR_RE = re.compile(r'([\w-]+)="([^"]*)"')
SELECT_RE = re.compile(r'<select\b[^>]*\bname="([^"]+)"[^>]*>(.*?)</select>', re.DOTALL)
OPTION_RE = re.compile(r'<option value="([^"]*)"([^>]*)>')
ERROR_RE = re.compile(
    r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>|class="petition-alert"[^>]*>(.*?)</(?:p|div)>',
    re.DOTALL,
)
TAG_RE = re.compile(r"<[^>]+>")

TOPICS = ("村口路灯不亮", "道路坑洼积水", "垃圾清运不及时", "公交站台破损", "小区噪音扰民")
NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "")


# --- measuring ---------------------------------------------------------------------


def percentile_ms(seconds: list[float], p: float) -> float:
    """Return the nearest-rank ``p``-th percentile of ``seconds``, in milliseconds."""
    if not seconds:
        return float("nan")
    ordered = sorted(seconds)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000


def _proc_stat(pid: str) -> tuple[str, int, float] | None:
    """Return ``(command, parent pid, CPU seconds)`` of a process, or None when gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    command = text[text.find("(") + 1 : text.rfind(")")]
    fields = text[text.rfind(")") + 2 :].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return command, int(fields[1]), ticks / os.sysconf("SC_CLK_TCK")


def _serves(pid: str, database: str) -> bool:
    """Return True when ``pid`` is a PostgreSQL backend connected to ``database`` (its
    title reads ``postgres: 15/main: <user> <database> <client> <state>``)."""
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (OSError, UnicodeDecodeError):
        return False
    return f" {database} " in title


def cpu_snapshot(master_pid: int, database: str) -> dict[str, float]:
    """Return the CPU seconds used so far by gunicorn, the PostgreSQL backends of
    ``database`` (not those of other programs' databases), this process and the machine
    (busy time over all cores)."""
    server: dict[str, float] = {}
    postgres: dict[str, float] = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        stat = _proc_stat(pid)
        if stat is None:
            continue
        command, parent, cpu = stat
        if int(pid) == master_pid or parent == master_pid:
            server[pid] = cpu
        elif command == "postgres" and _serves(pid, database):
            postgres[pid] = cpu
    tcp = [line.split() for line in Path("/proc/net/snmp").read_text().splitlines()
           if line.startswith("Tcp:")]  # fmt: skip
    totals = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = totals[3] + totals[4]  # idle, iowait
    ticks = os.sysconf("SC_CLK_TCK")
    return {
        "server": server,
        "postgres": postgres,
        "client": time.process_time(),
        "busy": (sum(totals) - idle) / ticks,
        "all": sum(totals) / ticks,
        "retransmits": float(dict(zip(tcp[0], tcp[1], strict=True))["RetransSegs"]),
    }


@dataclass
class Stats:
    """What one client (or all, once merged) saw during a phase."""

    latencies: list[float] = field(default_factory=list)  # the measured request
    form_latencies: list[float] = field(default_factory=list)  # GET of the form
    receipt_latencies: list[float] = field(default_factory=list)  # GET of the receipt
    ok: int = 0
    failed: int = 0
    receipts_failed: int = 0
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    ran_out: bool = False  # the POST-only phase had no fetched form left

    def merge(self, other: Stats) -> None:
        self.latencies += other.latencies
        self.form_latencies += other.form_latencies
        self.receipt_latencies += other.receipt_latencies
        self.ok += other.ok
        self.failed += other.failed
        self.receipts_failed += other.receipts_failed
        self.requests += other.requests
        self.failures += other.failures[: FAILURES_SHOWN - len(self.failures)]
        self.ran_out = self.ran_out or other.ran_out

    def fail(self, reason: str) -> None:
        self.failed += 1
        if len(self.failures) < FAILURES_SHOWN:
            self.failures.append(reason)


@dataclass
class Phase:
    stats: Stats = field(default_factory=Stats)
    seconds: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)

    def add(self, other: Phase) -> None:
        """Add a later slice of the same kind of phase (rounds are interleaved)."""
        self.stats.merge(other.stats)
        self.seconds += other.seconds
        for key, value in other.cpu.items():
            self.cpu[key] = self.cpu.get(key, 0.0) + value


# --- HTTP ------------------------------------------------------------------------


class Http:
    """One keep-alive connection of one client thread (gunicorn's sync workers close it
    after each response; ``http.client`` then opens a new one for the next request)."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)

    def request(self, method: str, path: str, *, body: bytes | None = None, headers=None):
        """Return ``(status, headers, body, seconds)``; raise OSError/HTTPException."""
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers or {})
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        return response.status, response.headers, data, time.perf_counter() - started

    def close(self) -> None:
        self.connection.close()


def keep_cookies(jar: dict[str, str], headers) -> None:
    for cookie in headers.get_all("Set-Cookie") or []:
        name, _sep, rest = cookie.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def read_form(page: str) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """Return the hidden inputs, the selected value of each select, and the categories."""
    hidden = {}
    for tag in INPUT_RE.findall(page):
        attrs = dict(ATTR_RE.findall(tag))
        if attrs.get("type") == "hidden" and "name" in attrs:
            hidden[attrs["name"]] = unescape(attrs.get("value", ""))
    selected, categories = {}, []
    for name, options in SELECT_RE.findall(page):
        selected[name] = ""
        for value, rest in OPTION_RE.findall(options):
            if re.search(r"\bselected\b", rest):
                selected[name] = unescape(value)
            if name == "category" and value:
                categories.append(unescape(value))
    return hidden, selected, categories


def multipart(fields: list[tuple[str, str]], boundary: str) -> bytes:
    """Encode ``fields`` as a browser does, with the empty file input of no photo."""
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n"
    )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode()


def short_reason(status: int, body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    messages = []
    for listed, alert in ERROR_RE.findall(text):
        message = " ".join(TAG_RE.sub(" ", unescape(listed or alert)).split())
        if message and message not in messages:
            messages.append(message)
    detail = "; ".join(messages) or " ".join(TAG_RE.sub(" ", text).split())[:120]
    return f"{status}: {detail[:200]}"


# --- the two phases --------------------------------------------------------------


def run_phase(port, clients, seconds, server, work) -> Phase:
    """Run ``work(http, index, deadline, stats)`` in ``clients`` threads for ``seconds``.
    ``server`` is ``(gunicorn's pid, the database name)``, for the CPU figures."""
    go = threading.Event()
    deadline = [0.0]
    results = [Stats() for _client in range(clients)]

    def client(index: int) -> None:
        connection = Http(port)
        go.wait()
        try:
            work(connection, index, deadline[0], results[index])
        finally:
            connection.close()

    threads = [
        threading.Thread(target=client, args=(index,), daemon=True) for index in range(clients)
    ]
    for thread in threads:
        thread.start()
    before = cpu_snapshot(*server)
    started = time.perf_counter()
    deadline[0] = started + seconds
    go.set()
    for thread in threads:
        thread.join(seconds + 2 * REQUEST_TIMEOUT + 5)
    elapsed = time.perf_counter() - started
    after = cpu_snapshot(*server)
    stats = Stats()
    for result in results:
        stats.merge(result)
    return Phase(stats, elapsed, cpu_used(before, after))


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """Return the CPU seconds used between two snapshots. A process is counted from the
    first snapshot, or from its start when it is newer; one that ended in between (a
    database connection closed at its ``CONN_MAX_AGE``) is left out, never negative."""
    used = {}
    for key, value in after.items():
        if isinstance(value, dict):
            used[key] = sum(cpu - before[key].get(pid, 0.0) for pid, cpu in value.items())
        else:
            used[key] = value - before[key]
    return used


def floor_work(connection: Http, index: int, deadline: float, stats: Stats) -> None:
    while time.perf_counter() < deadline:
        stats.requests += 1
        try:
            status, _headers, _body, seconds = connection.request("GET", "/healthz")
        except (OSError, http.client.HTTPException) as error:
            stats.fail(f"connection: {error!r}")
            continue
        if status == 200:
            stats.ok += 1
            stats.latencies.append(seconds)
        else:
            stats.fail(f"{status}")


@dataclass
class Form:
    """A form fetched and filled in, ready to be sent."""

    fields: list[tuple[str, str]]
    jar: dict[str, str]
    station: int


class Submitter:
    """A phone submitting issues from the form of a demo station, a new citizen each time.

    Called as a phase's work, it does the whole visit: form, submission, receipt. With
    ``fill`` and ``post_ready`` the forms are fetched first and only sent later (the
    POST-only phase)."""

    def __init__(self, port: int, stations: list[int]):
        self.origin = f"http://{HOST}:{port}"
        self.stations = stations
        self.counter = itertools.count(1)
        self.phone_base = secrets.randbelow(10**8)
        self.ready: collections.deque[Form] = collections.deque()
        self.wanted = 0

    def fetch(self, connection: Http, station: int, stats: Stats) -> Form | None:
        """GET the form and fill it in; None (a failure counted) when it did not come."""
        from portal import captcha

        number = next(self.counter)
        jar: dict[str, str] = {}
        stats.requests += 1
        status, headers, body, seconds = connection.request(
            "GET", f"/petitions/new/?station={station}"
        )
        if status != 200:
            stats.fail(f"form GET {short_reason(status, body)}")
            return None
        stats.form_latencies.append(seconds)
        keep_cookies(jar, headers)
        hidden, selected, categories = read_form(body.decode())
        fields = [
            ("csrfmiddlewaretoken", hidden.get("csrfmiddlewaretoken", "")),
            ("client_token", hidden.get("client_token", "")),
            ("captcha_token", hidden.get("captcha_token", "")),
            ("station_id", hidden.get("station_id", "")),
            ("county", selected.get("county", "")),
            ("township", selected.get("township", "")),
            ("village", selected.get("village", "")),
            ("category", categories[number % len(categories)] if categories else ""),
            ("title", f"{TOPICS[number % len(TOPICS)]}（压测 {number}）"),
            ("description", description(number)),
            ("citizen_name", NAMES[number % len(NAMES)]),
            ("citizen_phone", f"139{(self.phone_base + number) % 10**8:08d}"),
            ("wants_feedback", "on"),
            ("consent", "on"),
            ("captcha", captcha.answer_for(hidden.get("captcha_token", ""))),
        ]
        return Form(fields, jar, station)

    def post(self, connection: Http, form: Form, stats: Stats) -> str | None:
        """Send ``form``; return the receipt's path, or None (a failure counted)."""
        boundary = f"----benchBoundary{uuid.uuid4().hex}"
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Cookie": cookie_header(form.jar),
            "Origin": self.origin,
            "Referer": f"{self.origin}/petitions/new/?station={form.station}",
        }
        stats.requests += 1
        status, response_headers, body, seconds = connection.request(
            "POST", "/petitions/new/", body=multipart(form.fields, boundary), headers=headers
        )
        location = response_headers.get("Location", "")
        if status != 302 or not location.startswith("/petitions/submitted/"):
            stats.fail(f"POST {short_reason(status, body)}")
            return None
        stats.ok += 1
        stats.latencies.append(seconds)
        keep_cookies(form.jar, response_headers)
        return location

    def __call__(self, connection: Http, index: int, deadline: float, stats: Stats) -> None:
        station = self.stations[index % len(self.stations)]
        while time.perf_counter() < deadline:
            try:
                form = self.fetch(connection, station, stats)
                location = form and self.post(connection, form, stats)
                if not location:
                    continue
                stats.requests += 1
                status, _headers, body, seconds = connection.request(
                    "GET", location, headers={"Cookie": cookie_header(form.jar)}
                )
                if status == 200:
                    stats.receipt_latencies.append(seconds)
                else:
                    stats.receipts_failed += 1
            except (OSError, http.client.HTTPException, ValueError) as error:
                stats.fail(f"{type(error).__name__}: {error}")

    def fill(self, connection: Http, index: int, deadline: float, stats: Stats) -> None:
        """Fetch forms into ``ready`` until ``wanted`` are there (untimed preparation)."""
        station = self.stations[index % len(self.stations)]
        while len(self.ready) < self.wanted and time.perf_counter() < deadline:
            try:
                form = self.fetch(connection, station, stats)
            except (OSError, http.client.HTTPException, ValueError) as error:
                stats.fail(f"{type(error).__name__}: {error}")
                continue
            if form is not None:
                self.ready.append(form)

    def post_ready(self, connection: Http, index: int, deadline: float, stats: Stats) -> None:
        """Only send forms fetched before; stop when none is left."""
        while time.perf_counter() < deadline:
            try:
                form = self.ready.popleft()
            except IndexError:
                stats.ran_out = True
                return
            try:
                self.post(connection, form, stats)
            except (OSError, http.client.HTTPException, ValueError) as error:
                stats.fail(f"{type(error).__name__}: {error}")


def description(number: int) -> str:
    return (
        f"第 {number} 号压测诉求。村口到小学的路段夜间没有照明，已经持续两个多月，"
        "老人和学生晚上出行很不方便，雨天路面积水更加危险。希望有关部门尽快检修路灯，"
        "并在积水严重的地方增设排水口。附近村民都很关心这件事。"
    )


# --- the server ------------------------------------------------------------------


def load_database_url() -> str:
    """This benchmark's database: the bench server, its own database name."""
    explicit = os.environ.get("PETITIONS_LOAD_DATABASE_URL")
    if explicit:
        return explicit
    parsed = urlparse(database_url())
    return parsed._replace(path=parsed.path.rstrip("/") + "_petitions").geturl()


def redis_answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=5)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def manage(env: dict[str, str], *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if done.returncode != 0:
        output = "\n".join((done.stdout + done.stderr).splitlines()[-15:])
        raise SystemExit(f"manage.py {arguments[0]} failed:\n{output}")
    return done.stdout


def wait_until_healthy(server: subprocess.Popen, port: int, log_path: Path) -> None:
    until = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < until:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited ({server.returncode}):\n{tail(log_path)}")
        connection = http.client.HTTPConnection(HOST, port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer /healthz in {STARTUP_TIMEOUT:.0f} s")


def stop(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=5)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


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
