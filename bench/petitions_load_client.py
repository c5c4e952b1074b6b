"""The client side of ``bench.petitions_load``: HTTP clients driving the load, and what they
measure.

``run_phase`` runs a phase's work in client threads of the standard library's
``http.client`` against the gunicorn server on 127.0.0.1 and reads, from ``/proc``, the CPU
used meanwhile by gunicorn, the PostgreSQL backends of the benchmark's database, this
process and the whole machine. The works are ``floor_work`` (``GET /healthz``) and a
``Submitter`` (form, submission and receipt of the public form, or its forms fetched first
and only sent later).
"""

from __future__ import annotations

import collections
import http.client
import itertools
import math
import os
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

HOST = "127.0.0.1"
REQUEST_TIMEOUT = 30.0
FAILURES_SHOWN = 5

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
