"""The server side of ``bench.petitions_load``: its database, Redis, and gunicorn started,
waited for and stopped."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from bench.common import database_url
from bench.petitions_load_client import HOST

BASE_DIR = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT = 60.0


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
