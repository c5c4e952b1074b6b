"""The fault drills' machinery: a private PostgreSQL cluster, a private redis-server, the
portal's web server (gunicorn) and Celery worker as real processes against them, and load
clients that count what they sent and what came back.

Nothing here touches the machine's shared PostgreSQL or Redis: every service listens on a
free port of its own, with its files in a temporary folder, and everything started is
stopped (its whole process group) by ``Stack.close``, also when a drill fails.
"""

from __future__ import annotations

import contextlib
import http.client
import json
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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def _pg_bin() -> Path:
    """Where PostgreSQL's server programs are: ``DRILL_PG_BIN``, Debian's version 15, or
    wherever ``pg_ctl`` is on the PATH."""
    if os.environ.get("DRILL_PG_BIN"):
        return Path(os.environ["DRILL_PG_BIN"])
    debian = Path("/usr/lib/postgresql/15/bin")
    found = shutil.which("pg_ctl")
    return debian if debian.exists() or not found else Path(found).parent


PG_BIN = _pg_bin()
DEMO_PASSWORD = "demo-pass-2026"
NEW_URL = "/petitions/new/"
SETTINGS = "tests.drills.settings_drill"
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# --- prerequisites ---------------------------------------------------------------------


def require(*, postgres=False, redis=False) -> None:
    """Fail (``PORTAL_REQUIRE_SERVICES=1``, as in CI) or skip when a binary is missing."""
    missing = []
    if postgres:
        for name in ("initdb", "pg_ctl", "postgres"):
            if not (PG_BIN / name).exists():
                missing.append(f"{PG_BIN / name} (PostgreSQL 15 server binaries)")
        if AS_ROOT and not shutil.which("runuser"):
            missing.append("runuser (to run PostgreSQL as the postgres user)")
    if redis and not shutil.which("redis-server"):
        missing.append("redis-server on PATH")
    for tool in ("gunicorn", "celery"):
        if not (VENV_BIN / tool).exists():
            missing.append(f"{VENV_BIN / tool}")
    if not missing:
        return
    reason = "fault drill needs " + ", ".join(missing)
    if os.environ.get("PORTAL_REQUIRE_SERVICES") == "1":
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


def free_port(start: int) -> int:
    """Return a port from ``start`` on that nothing listens on (tried from a random point
    of the next 200, so that two test runs at once rarely pick the same one)."""
    offset = secrets.randbelow(200)
    for step in range(200):
        port = start + (offset + step) % 200
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port from {start}")


def wait_for(check: Callable[[], bool], timeout: float, what: str, step: float = 0.1) -> float:
    """Wait until ``check()`` is true; return the seconds waited, fail after ``timeout``."""
    started = time.monotonic()
    while True:
        try:
            if check():
                return time.monotonic() - started
        except Exception:  # noqa: BLE001 - not yet
            pass
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(step)


def kill_group(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
    """Send ``sig`` to ``process``'s whole process group (it was started in a session of
    its own) and reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


_T0 = time.monotonic()


def trace(what: str) -> None:
    """With ``DRILL_TRACE=1``: print when each step of a drill ends (to find slow steps)."""
    if os.environ.get("DRILL_TRACE"):
        print(f"[drill {time.monotonic() - _T0:7.1f} s] {what}", file=sys.__stderr__, flush=True)


def tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except FileNotFoundError:
        return ""


# --- PostgreSQL -------------------------------------------------------------------------


class Postgres:
    """A private PostgreSQL cluster in ``folder`` on its own port, run as ``postgres``."""

    def __init__(self, folder: Path, port: int):
        self.folder = folder
        self.data = folder / "data"
        self.log = folder / "postgres.log"
        self.port = port

    def _run(self, *args: str, check=True, timeout=60) -> subprocess.CompletedProcess:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if AS_ROOT:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, cwd=self.folder
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"{args[0]} failed ({done.returncode}): {done.stdout}{done.stderr}{tail(self.log)}"
            )
        return done

    def init(self) -> None:
        self.folder.mkdir(parents=True)
        if AS_ROOT:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync", "--no-instructions",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            "-c fsync=off -c full_page_writes=off -c max_connections=60 "
            "-c shared_buffers=32MB -c jit=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "-w", "-t", "60", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        done = self._run("pg_ctl", "-D", str(self.data), "status", check=False)
        return done.returncode == 0

    def destroy(self) -> None:
        if self.data.exists() and self.running():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop", check=False)
        pid_file = self.data / "postmaster.pid"
        if pid_file.exists():  # pg_ctl could not stop it: stop the postmaster itself
            with contextlib.suppress(ValueError, ProcessLookupError, OSError):
                os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str):
        import psycopg2

        connection = psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database, connect_timeout=5
        )
        connection.autocommit = True
        return connection

    def query(self, database: str, sql: str, params=()) -> list[tuple]:
        connection = self.connect(database)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    def create_database(self, name: str, template: str | None = None) -> None:
        suffix = f' TEMPLATE "{template}"' if template else ""
        self.query("postgres", f'CREATE DATABASE "{name}"{suffix}')


# --- Redis ------------------------------------------------------------------------------


class Redis:
    """A private redis-server on its own port, no persistence."""

    def __init__(self, folder: Path, port: int):
        self.folder = folder
        self.port = port
        self.log = folder / "redis.log"
        self.process: subprocess.Popen | None = None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder), "--logfile", str(self.log),
             "--protected-mode", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        wait_for(self.ping, 15, f"redis-server on port {self.port}\n{tail(self.log)}")
        trace("redis up")

    def client(self):
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        return redis.Redis(
            port=self.port, socket_connect_timeout=1, socket_timeout=2, retry=Retry(NoBackoff(), 0)
        )

    def ping(self) -> bool:
        return bool(self.client().ping())

    def shutdown(self) -> None:
        """``SHUTDOWN NOSAVE``: what it held is gone (queued messages too)."""
        import redis

        with contextlib.suppress(redis.exceptions.ConnectionError):
            self.client().shutdown(nosave=True)
        if self.process is not None:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                kill_group(self.process)

    def destroy(self) -> None:
        if self.process is not None:
            kill_group(self.process)


# --- the portal's processes ---------------------------------------------------------------


def portal_env(*, database_url: str, redis_url: str | None, var_dir: Path, **extra) -> dict:
    """The environment of a drill's portal processes: its own database, Redis and ``var``
    folder, the test run's secret key (the drill solves check codes with it), limits
    raised so that the load is not refused as abuse, and the drills' SMS gateway."""
    from django.conf import settings

    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "PORTAL_VAR_DIR", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DATABASE_URL=database_url,
        PORTAL_VAR_DIR=str(var_dir),
        SECRET_KEY=settings.SECRET_KEY,
        DEBUG="0",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        RATE_PETITION_IP_COUNT="1000000",
        RATE_PETITION_PHONE_COUNT="1000000",
        RATE_CAPTCHA_IP_COUNT="1000000",
        RATE_TOKEN_COUNT="1000",
        RATE_LOGIN_COUNT="1000",
        SMS_BACKEND="tests.drills.smslog.FileBackend",
        DRILL_SMS_LOG=str(var_dir / "sms.log"),
        NOTIFICATION_SWEEP_SECONDS="2",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(env: dict, *args: str, timeout: float = 180) -> str:
    """Run ``manage.py`` with ``env``; return its output, fail with it."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=timeout,
    )  # fmt: skip
    if done.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    trace(f"manage.py {args[0]} done")
    return done.stdout


class Web:
    """The portal under gunicorn, as in production: one worker process of 8 threads (a
    second process would double the seconds each drill spends warming up on 2 cores)."""

    def __init__(self, env: dict, folder: Path, port: int):
        self.env = env
        self.port = port
        self.log = folder / "web.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "portal.wsgi:application",
                 "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
                 "--worker-class", "gthread", "--threads", "8", "--timeout", "60", "--preload",
                 "--graceful-timeout", "3", "--error-logfile", "-", "--no-control-socket"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        wait_for(self._up, 60, f"the web server\n{tail(self.log)}", step=0.2)
        trace("web server up")

    def _up(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{tail(self.log)}")
        status, _headers, _body = request(self.port, "GET", "/healthz", timeout=2)
        return status == 200

    def worker_pids(self) -> set[int]:
        """The gunicorn workers now serving (a restarted one has a new pid)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return {int(pid) for pid in children.read_text().split()}
        except OSError:
            return set()

    def stop(self) -> None:
        if self.process is not None:  # nothing of a drill's server is kept: no goodbyes
            kill_group(self.process)


class Worker:
    """A Celery worker (solo pool) with beat embedded, so the delivery sweep runs."""

    def __init__(self, env: dict, folder: Path, name: str):
        self.env = env
        self.name = name
        self.log = folder / f"worker-{name}.log"
        self.schedule = folder / f"beat-{name}"
        self.process: subprocess.Popen | None = None

    def start(self, *, wait: bool = True) -> None:
        """Start the worker; ``wait=False`` returns at once (``wait_ready`` later), so that
        it boots while the web server does."""
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "celery"), "-A", "portal", "worker", "--pool=solo", "-B",
                 "-s", str(self.schedule), "-n", f"drill-{self.name}@%h", "--loglevel=INFO",
                 "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=ROOT, env={**self.env, "LOG_LEVEL": "INFO"}, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        if wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        wait_for(self._ready, 60, f"the Celery worker {self.name}\n{tail(self.log)}", step=0.2)
        trace(f"worker {self.name} ready")

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited:\n{tail(self.log)}")
        return " ready." in tail(self.log, 20000)

    def kill(self) -> None:
        """SIGKILL the worker and its beat: no goodbye, no acknowledgement, no rollback."""
        if self.process is not None:
            kill_group(self.process, signal.SIGKILL)

    def stop(self) -> None:
        if self.process is not None:
            kill_group(self.process)


# --- one drill's services -------------------------------------------------------------------


class Stack:
    """What one drill started, stopped in reverse order by ``close`` whatever happened."""

    def __init__(self, cluster: Postgres, template: str, name: str):
        self.cluster = cluster
        self.name = name
        self.folder = Path(tempfile.mkdtemp(prefix=f"portal-drill-{name}-"))
        self.var = self.folder / "var"
        self.var.mkdir()
        self.template = template
        self.database = f"drill_{name.replace('-', '_')}_{secrets.token_hex(3)}"
        self._cleanups: list[Callable[[], None]] = [self._drop_database]
        self.redis: Redis | None = None
        self.web: Web | None = None
        self.env: dict = {}
        self.regions: dict[str, int] = {}

    def open(self) -> None:
        """Copy the template into the drill's own database (call ``close`` in any case)."""
        self.cluster.create_database(self.database, self.template)
        self.regions = demo_regions(self.cluster, self.database)

    def on_close(self, cleanup: Callable[[], None]) -> None:
        self._cleanups.append(cleanup)

    def start_redis(self) -> Redis:
        self.redis = Redis(self.folder / "redis", free_port(6390))
        self.on_close(self.redis.destroy)
        self.redis.start()
        return self.redis

    def make_env(self, **extra) -> dict:
        self.env = portal_env(
            database_url=self.cluster.url(self.database),
            redis_url=self.redis.url if self.redis else None,
            var_dir=self.var,
            **extra,
        )
        return self.env

    def start_web(self, *, warm: bool = True) -> Web:
        self.web = Web(self.env, self.folder, free_port(8790))
        self.on_close(self.web.stop)
        self.web.start()
        if warm:
            self.warm_up()
        return self.web

    def warm_up(self, clients: int = 4, rounds: int = 8) -> None:
        """Submit issues from several clients at once until every answer is quick: each
        gunicorn worker has loaded what its first submission loads (the word segmenter's
        dictionary takes seconds), so that no drill counts a cold start as a fault."""
        times: list[Answer] = []
        refused: list[Answer] = []

        def one() -> None:
            submission = Submission("warm", self.regions)
            answer = submission.send(Client(self.web.port))
            (times if answer.status == 302 else refused).append(answer)

        for _round in range(rounds):
            times.clear()
            threads = [threading.Thread(target=one) for _index in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
            assert not refused, (
                f"a submission before any fault: {refused[0].status} {refused[0].body[:1500]!r}"
                f"\n{self.logs()}"
            )
            if len(times) == clients and max(a.received_at - a.sent_at for a in times) < 1.5:
                trace(f"warm after {_round + 1} rounds")
                return
        # Still slow (a busy machine): the drill goes on; its own checks say what went wrong.

    def worker(self, name: str) -> Worker:
        worker = Worker(self.env, self.folder, name)
        self.on_close(worker.stop)
        return worker

    @property
    def sms_log(self) -> Path:
        return self.var / "sms.log"

    def query(self, sql: str, params=()) -> list[tuple]:
        return self.cluster.query(self.database, sql, params)

    def _drop_database(self) -> None:
        with contextlib.suppress(Exception):
            self.cluster.query("postgres", f'DROP DATABASE IF EXISTS "{self.database}" '
                               "WITH (FORCE)")  # fmt: skip

    def logs(self) -> str:
        """The tails of the processes' logs, for a failing drill's message."""
        parts = []
        for path in sorted(self.folder.rglob("*.log")):
            parts.append(f"--- {path.name}\n{tail(path, 2500)}")
        return "\n".join(parts)

    def close(self) -> None:
        for cleanup in reversed(self._cleanups):
            with contextlib.suppress(Exception):
                cleanup()
        shutil.rmtree(self.folder, ignore_errors=True)
        trace(f"{self.name} cleaned up")


def demo_regions(cluster: Postgres, database: str) -> dict[str, int]:
    """The demo's 象山县 > 石浦镇 > its first village, by their codes."""
    rows = cluster.query(
        database,
        "SELECT code, id FROM portal_region WHERE code IN (%s, %s) "
        "UNION ALL (SELECT 'village', id FROM portal_region WHERE parent_id = "
        "(SELECT id FROM portal_region WHERE code = %s) ORDER BY path LIMIT 1)",
        ("330225000000", "330225100000", "330225100000"),
    )
    found = dict(rows)
    return {
        "county": found["330225000000"],
        "township": found["330225100000"],
        "village": found["village"],
    }


# --- HTTP -------------------------------------------------------------------------------


def request(port, method, path, *, body=b"", headers=None, timeout=20, connection=None):
    """One HTTP request; return ``(status, headers, body)``. ``connection`` is kept alive."""
    own = connection is None
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        if own:
            conn.close()


@dataclass
class Answer:
    """One response as a client saw it."""

    status: int  # 0: no HTTP answer (connection refused or reset)
    sent_at: float
    received_at: float
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    kind: str = "citizen"


class Client:
    """A keep-alive HTTP client of one load thread; reconnects after a broken connection."""

    def __init__(self, port: int):
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def send(self, method, path, *, body=b"", headers=None, timeout=30) -> Answer:
        sent = time.monotonic()
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
            try:
                status, found, data = request(
                    self.port, method, path, body=body, headers=headers, connection=self.conn
                )
            except (http.client.HTTPException, OSError) as error:
                self.close()
                if attempt == 0 and isinstance(
                    error, http.client.RemoteDisconnected | BrokenPipeError | ConnectionResetError
                ):
                    continue  # the server closed an idle kept-alive connection: send again
                return Answer(0, sent, time.monotonic(), {}, str(error).encode())
            if found.get("connection", "").lower() == "close":
                self.close()
            return Answer(status, sent, time.monotonic(), found, data)
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# --- the citizen's submission -----------------------------------------------------------


class Submission:
    """One citizen's issue with a unique marker (in the title and the text) and a unique
    phone number; sent again unchanged after a refusal, as a citizen presses 'send' again
    (the same ``client_token`` makes the portal store it once)."""

    _serial = 0
    _lock = threading.Lock()

    def __init__(self, drill: str, regions: dict, photos: list[bytes] = ()):
        from portal import captcha

        with Submission._lock:
            Submission._serial += 1
            serial = Submission._serial
        self.marker = f"DRILL-{drill}-{serial:05d}-{secrets.token_hex(3)}"
        self.phone = f"139{os.getpid() % 1000:03d}{serial:05d}"
        self.client_token = str(uuid.uuid4())
        token = captcha.issue()
        csrf = secrets.token_hex(16)  # 32 characters: Django's own secret format
        self.fields = {
            "csrfmiddlewaretoken": csrf,
            "client_token": self.client_token,
            "captcha_token": token,
            "captcha": captcha.answer_for(token),
            "county": regions["county"],
            "township": regions["township"],
            "village": regions["village"],
            "category": "traffic",
            "title": f"故障演练 {self.marker}"[:100],
            "description": f"村口的路灯坏了，晚上看不清路。标记 [{self.marker}]",
            "citizen_name": "演练群众",
            "citizen_phone": self.phone,
            "wants_feedback": "on",
            "consent": "on",
        }
        self.cookie = f"csrftoken={csrf}"
        self.photos = list(photos)
        self.tracking_code: str | None = None
        self.answers: list[Answer] = []

    def encoded(self) -> tuple[bytes, dict]:
        headers = {"Cookie": self.cookie}
        if not self.photos:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            return urlencode(self.fields).encode(), headers
        boundary = f"----drill{secrets.token_hex(12)}"
        parts = []
        for name, value in self.fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for number, data in enumerate(self.photos, start=1):
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; '
                f'filename="photo{number}.png"\r\nContent-Type: image/png\r\n\r\n'.encode()
                + data
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        return b"".join(parts), headers

    def send(self, client: Client) -> Answer:
        body, headers = self.encoded()
        answer = client.send("POST", NEW_URL, body=body, headers=headers)
        self.answers.append(answer)
        if answer.status == 302:
            found = re.search(r"/petitions/submitted/([0-9A-Z]+)/", answer.headers["location"])
            self.tracking_code = found.group(1) if found else None
        return answer

    @property
    def accepted(self) -> bool:
        return self.tracking_code is not None


# --- load ------------------------------------------------------------------------------


class Load:
    """Several client threads, bounded by count and by time, collecting every answer."""

    def __init__(self):
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.errors: list[BaseException] = []
        self.lock = threading.Lock()
        self.submissions: list[Submission] = []
        self.answers: list[Answer] = []

    def record(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)

    def citizens(self, count: int, port: int, make: Callable[[], Submission], *,
                 per_client: int, pause: float = 0.05, retry_pause: float = 0.3,
                 retry_for: float = 30.0) -> None:  # fmt: skip
        """Start ``count`` citizens, each sending up to ``per_client`` issues until
        ``stop``; a refused issue is sent again (same token) for up to ``retry_for`` s."""

        def run() -> None:
            client = Client(port)
            try:
                for _number in range(per_client):
                    if self.stop.is_set():
                        break
                    submission = make()
                    with self.lock:
                        self.submissions.append(submission)
                    given_up = time.monotonic() + retry_for
                    while True:
                        answer = submission.send(client)
                        self.record(answer)
                        if submission.accepted or time.monotonic() > given_up:
                            break
                        if answer.status not in (0, 503):
                            break  # a refusal that sending again will not change
                        time.sleep(retry_pause)
                    time.sleep(pause)
            except BaseException as error:  # noqa: BLE001 - reported by join()
                self.errors.append(error)
            finally:
                client.close()

        self._spawn(run, count)

    def staff(self, port: int, *, username="county_staff", pause: float = 0.2,
              limit: int = 400) -> None:  # fmt: skip
        """One office worker: an API token (taken now), then screening: list the newest
        issues awaiting screening and accept one, again and again."""
        client = Client(port)
        body = json.dumps({"username": username, "password": DEMO_PASSWORD}).encode()
        answer = client.send("POST", "/api/v1/auth/token/", body=body,
                             headers={"Content-Type": "application/json"})  # fmt: skip
        assert answer.status == 200, answer.body[:500]
        auth = {"Authorization": f"Token {json.loads(answer.body)['token']}"}

        def run() -> None:
            try:
                for _number in range(limit):
                    if self.stop.is_set():
                        break
                    answer = client.send(
                        "GET", "/api/v1/petitions/?state=submitted&page_size=5", headers=auth
                    )
                    answer.kind = "staff"
                    self.record(answer)
                    if answer.status == 200:
                        rows = json.loads(answer.body).get("results") or []
                        if rows:
                            accept = client.send(
                                "POST", f"/api/v1/petitions/{rows[0]['id']}/accept/",
                                body=b'{"note": "drill"}',
                                headers={**auth, "Content-Type": "application/json"},
                            )  # fmt: skip
                            accept.kind = "staff"
                            self.record(accept)
                    time.sleep(pause)
            except BaseException as error:  # noqa: BLE001 - reported by join()
                self.errors.append(error)
            finally:
                client.close()

        self._spawn(run, 1)

    def _spawn(self, target, count: int) -> None:
        for _index in range(count):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self.threads.append(thread)

    def join(self, timeout: float = 60) -> None:
        self.stop.set()
        ends = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.1, ends - time.monotonic()))
        alive = [thread for thread in self.threads if thread.is_alive()]
        assert not alive, f"{len(alive)} load clients did not finish within {timeout} s"
        if self.errors:
            raise self.errors[0]


# --- counting ----------------------------------------------------------------------------


def stored_markers(stack: Stack, drill: str) -> dict[str, int]:
    """Return how many issues the database holds for each marker of ``drill``."""
    rows = stack.query(
        "SELECT substring(description from %s), count(*) FROM petitions_petition "
        "WHERE description LIKE %s GROUP BY 1",
        (r"\[(DRILL-[^]]+)\]", f"%[DRILL-{drill}-%"),
    )
    return {marker: count for marker, count in rows}


def texts_by_phone(stack: Stack) -> dict[str, int]:
    """Return how many text messages the drills' gateway sent to each phone."""
    from tests.drills.smslog import sent

    counts: dict[str, int] = {}
    for message in sent(stack.sms_log):
        if not message.get("repeat"):  # a repeat the gateway dropped never reached a phone
            counts[message["phone"]] = counts.get(message["phone"], 0) + 1
    return counts


def repeats(stack: Stack) -> int:
    """Return how many messages the portal sent again that the gateway dropped by key."""
    from tests.drills.smslog import sent

    return sum(1 for message in sent(stack.sms_log) if message.get("repeat"))


def report(capsys, line: str) -> None:
    """Print the drill's summary line where CI's log shows it (also without ``-s``)."""
    with capsys.disabled():
        print(f"\n{line}", flush=True)
