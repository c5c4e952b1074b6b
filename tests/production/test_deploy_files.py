"""The files of deploy/ agree with the portal's code and with each other: the environment
template lists every variable read, nginx takes the largest upload and never serves uploaded
files, the proxy chain matches TRUSTED_PROXY_COUNT, one unit runs beat, and its lock holds."""

from __future__ import annotations

import os
import re
import runpy
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from portal.management.commands.check_host import read_env_file, template_names
from tests.production.databases import ROOT, url_for

DEPLOY = ROOT / "deploy"
NGINX = (DEPLOY / "nginx" / "portal.conf").read_text(encoding="utf-8")
UNITS = sorted((DEPLOY / "systemd").glob("portal-*"))
PYTHON_READS = re.compile(
    r"(?:os\.environ\.get|os\.environ\.setdefault|os\.getenv|env_bool|env_list|env_int|os\.environ\[)"
    r"\(?\s*[\"']([A-Z][A-Z0-9_]*)[\"']"
)
SHELL_READS = re.compile(r"\$\{([A-Z][A-Z0-9_]*)(?::[-?]|\})")


def _variables_read() -> set[str]:
    sources = [p for p in (ROOT / "portal").rglob("*.py") if "migrations" not in p.parts]
    sources += list(DEPLOY.glob("*.py"))
    found = {"DATABASE_URL"}  # dj_database_url.config() reads it
    for path in sources:
        if path.name != "check_host.py":  # it reads the template's variables, to check them
            found |= set(PYTHON_READS.findall(path.read_text(encoding="utf-8")))
    for path in [*DEPLOY.glob("*.sh"), *UNITS]:
        found |= set(SHELL_READS.findall(path.read_text(encoding="utf-8")))
    return found


def test_the_environment_template_lists_every_variable_the_portal_reads():
    read, listed = _variables_read(), template_names()
    assert read - listed == set(), "add them, with their meaning, to deploy/portal.env.example"
    assert listed - read == set(), "deploy/portal.env.example lists variables nothing reads"


def test_nginx_takes_the_largest_upload_the_portal_accepts():
    from petitions.public_form import MAX_BODY_BYTES
    from portal import images, uploads
    from voting.forms import MAX_PHOTOS

    largest = max(MAX_PHOTOS * images.MAX_PHOTO_BYTES, uploads.MAX_DOCUMENT_BYTES, MAX_BODY_BYTES)
    (megabytes,) = re.findall(r"client_max_body_size (\d+)m;", NGINX)
    assert largest < int(megabytes) * 1024**2 <= 2 * largest


def test_nginx_serves_static_files_from_static_root_and_never_uploaded_files():
    from django.conf import settings

    values, _unreadable = read_env_file(DEPLOY / "portal.env.example")
    assert settings.MEDIA_URL == "/media/" and settings.STATIC_URL == "/static/"
    assert re.search(r"location /media/ \{\s*return 404;\s*\}", NGINX)
    assert not re.search(r"^\s*(alias|root)\s+\S*media", NGINX, re.MULTILINE)
    (static_root,) = re.findall(r"location /static/ \{\s*root (\S+);", NGINX)
    assert f"{static_root}/static" == f"{values['PORTAL_VAR_DIR']}/static"  # STATIC_ROOT


def test_the_proxy_chain_is_one_trusted_nginx_on_the_loopback(monkeypatch):
    for name in [n for n in os.environ if n.startswith("GUNICORN_")]:
        monkeypatch.delenv(name)
    gunicorn = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    values, _unreadable = read_env_file(DEPLOY / "portal.env.example")
    assert values["TRUSTED_PROXY_COUNT"] == "1"
    for header in ("Host $host", "X-Forwarded-For $proxy_add_x_forwarded_for",
                   "X-Forwarded-Proto $scheme", "X-Real-IP $remote_addr"):  # fmt: skip
        assert f"proxy_set_header {header};" in NGINX
    assert re.search(rf"server {re.escape(gunicorn['bind'])} ", NGINX)
    assert gunicorn["bind"].startswith("127.0.0.1:")
    assert gunicorn["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert "{x-real-ip}i" in gunicorn["access_log_format"]
    assert gunicorn["workers"] == os.cpu_count() * 2 + 1 and gunicorn["max_requests"] > 0
    (read_timeout,) = re.findall(r"proxy_read_timeout (\d+)s;", NGINX)
    assert gunicorn["timeout"] < int(read_timeout)


def test_gunicorn_accepts_its_configuration():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "gunicorn"), "--check-config", "--config",
         str(DEPLOY / "gunicorn.conf.py"), "portal.wsgi"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def _directives(unit: Path, name: str) -> list[str]:
    text = unit.read_text(encoding="utf-8").replace("\\\n", " ")
    return re.findall(rf"^{name}=(.*)$", text, re.MULTILINE)


def test_one_unit_runs_beat_and_every_unit_runs_the_deployed_code():
    services = [u for u in UNITS if u.suffix == ".service"]
    beats = [u.name for u in services if re.search(r"celery \S* ?-A portal beat", " ".join(
        _directives(u, "ExecStart")))]  # fmt: skip
    assert beats == ["portal-beat.service"]
    for unit in services:
        start = " ".join(_directives(unit, "ExecStart"))
        assert " --beat" not in start and " -B " not in start, unit.name
        assert _directives(unit, "EnvironmentFile") == ["/etc/portal/portal.env"], unit.name
        assert _directives(unit, "User") == ["portal"], unit.name
        for path in re.findall(r"/srv/portal/(\S+)", start):
            assert (ROOT / path).exists(), f"{unit.name} runs {path}, which is not there"
    timer = DEPLOY / "systemd" / "portal-backup.timer"
    assert _directives(timer, "Unit") == ["portal-backup.service"]
    assert _directives(timer, "OnCalendar") == ["*-*-* 03:15:00"]


def _first_line(stream, timeout: float) -> str:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(stream.readline).result(timeout=timeout)


@pytest.mark.postgres
def test_a_second_beat_waits_while_the_first_holds_the_lock(tmp_path):
    env = {**os.environ, "DATABASE_URL": url_for("postgres")}
    wrapper = [sys.executable, str(DEPLOY / "beat_singleton.py"), "--"]
    marker = tmp_path / "second-beat-ran"
    first = subprocess.Popen(wrapper + [sys.executable, "-c", "import time; time.sleep(120)"],
                             env=env, stderr=subprocess.PIPE, text=True)  # fmt: skip
    second = None
    try:
        started = _first_line(first.stderr, 30)
        assert "lock held, beat started" in started
        second = subprocess.Popen(wrapper + ["touch", str(marker)], env=env,
                                  stderr=subprocess.PIPE, text=True)  # fmt: skip
        assert "waiting (this one is the standby)" in _first_line(second.stderr, 30)
        assert not marker.exists()
    finally:
        for process in (second, first):
            if process is not None:
                process.terminate()
                process.wait(30)
    beat_pid = int(re.search(r"pid (\d+)", started).group(1))
    with pytest.raises(ProcessLookupError):
        os.kill(beat_pid, 0)  # the first one's beat stopped with it
