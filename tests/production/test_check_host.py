"""`make check-host`: a host's configuration is checked before the portal starts on it.

Each run is the command operators run (``python -m portal.management.commands.check_host
--env-file …``) in a process of its own, with an environment file and the shell's own
portal variables set to other values (they must not count). The good configuration is the
test database (migrated), the Redis of REDIS_URL and a collected STATIC_ROOT. Expected
lines are built with the same catalogue as the command's, so that they hold in Chinese.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils.translation import gettext as _

from portal.management.commands import check_host
from tests.production.databases import ROOT, portal_env, run, url_for


def needs_services(test):
    """PostgreSQL for the database (the test database, which the mark has created and
    migrated), Redis for the broker: the ready host has both."""
    return pytest.mark.django_db(pytest.mark.postgres(pytest.mark.redis(test)))


def _good_values(var_dir: Path, database: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "portal.settings_production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "renda.nb.test",
        "CSRF_TRUSTED_ORIGINS": "https://renda.nb.test",
        "PORTAL_BASE_URL": "https://renda.nb.test",
        "DATABASE_URL": url_for(database),
        "REDIS_URL": os.environ["REDIS_URL"],
        "PORTAL_VAR_DIR": str(var_dir),
        "TRUSTED_PROXY_COUNT": "1",
    }


@pytest.fixture(scope="module")
def host(tmp_path_factory, django_db_setup):
    """A host that is ready: the migrated test database and a collected STATIC_ROOT."""
    from django.db import connection

    var_dir = tmp_path_factory.mktemp("host") / "var"
    values = _good_values(var_dir, connection.settings_dict["NAME"])  # the test database
    run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], {**os.environ, **values}
    )
    return values


def _check(tmp_path: Path, values: dict[str, str]) -> tuple[int, list[str]]:
    env_file = tmp_path / "portal.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in values.items()), encoding="utf-8")
    # The calling shell's values differ: only the environment file may count.
    shell = portal_env("postgres://postgres@127.0.0.1:5432/postgres", tmp_path / "shell-var")
    shell["SECRET_KEY"] = secrets.token_urlsafe(64)
    result = subprocess.run(
        [sys.executable, "-m", "portal.management.commands.check_host", "--env-file", env_file],
        cwd=ROOT, env=shell, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return result.returncode, result.stdout.splitlines() + result.stderr.splitlines()


def _line(lines: list[str], title: str) -> str:
    found = [line for line in lines if line.split("] ", 1)[-1].startswith(f"{title}:")]
    assert len(found) == 1, "\n".join(lines)
    return found[0]


def _status(lines: list[str], title: str) -> str:
    return _line(lines, title).split("]", 1)[0].lstrip("[")


@needs_services
def test_a_ready_host_passes_every_check(tmp_path, host):
    code, lines = _check(tmp_path, {**host, "SMS_BACKEND": "portal.sms.ConsoleBackend"})
    assert code == 0, "\n".join(lines)
    for title in (_("Required settings"), _("Production settings"), _("Django deployment checks"),
                  _("Database and migrations"), "Redis", _("Static files collected"),
                  _("Uploads directory writable"), _("Chinese catalogue compiled")):  # fmt: skip
        assert _status(lines, title) == _("OK"), "\n".join(lines)
    checks = [line for line in lines if line.startswith("[")]
    assert _("All %(total)d checks passed.") % {"total": len(checks)} in lines


@needs_services
def test_a_missing_secret_key_fails_with_its_name(tmp_path, host):
    values = {k: v for k, v in host.items() if k != "SECRET_KEY"}
    code, lines = _check(tmp_path, values)
    assert code == 1
    required = _line(lines, _("Required settings"))
    assert _status(lines, _("Required settings")) == _("FAIL")
    assert _("%(name)s is not set") % {"name": "SECRET_KEY"} in required
    assert "SECRET_KEY must be set" in _line(lines, _("Production settings"))


@needs_services
def test_an_unreachable_database_fails_with_the_reason(tmp_path, host):
    code, lines = _check(tmp_path, {**host, "DATABASE_URL": "postgres://portal@127.0.0.1:1/portal"})
    assert code == 1
    database = _line(lines, _("Database and migrations"))
    assert _status(lines, _("Database and migrations")) == _("FAIL")
    assert "OperationalError" in database and "127.0.0.1" in database
    assert _status(lines, "Redis") == _("OK")


@needs_services
def test_an_unwritable_uploads_directory_fails_with_its_path(tmp_path, host):
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    (var_dir / "static").symlink_to(Path(host["PORTAL_VAR_DIR"]) / "static")
    (var_dir / "media").write_text("a file where the uploads directory should be")
    code, lines = _check(tmp_path, {**host, "PORTAL_VAR_DIR": str(var_dir)})
    assert code == 1
    uploads = _line(lines, _("Uploads directory writable"))
    assert _status(lines, _("Uploads directory writable")) == _("FAIL")
    assert str(var_dir / "media") in uploads
    assert _status(lines, _("Database and migrations")) == _("OK")


def test_the_template_as_it_is_fails_on_each_example_value():
    values, unreadable = check_host.read_env_file(check_host.TEMPLATE)
    result = check_host.check_environment(values, unreadable)
    assert result.ok is False and unreadable == []
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "PORTAL_BASE_URL",
                 "DATABASE_URL"):  # fmt: skip
        assert _("%(name)s still has the template's example value") % {"name": name} in (
            result.detail
        )


def test_the_environment_file_is_read_as_systemd_reads_it(tmp_path):
    env_file = tmp_path / "portal.env"
    env_file.write_text(
        '# comment\n; also a comment\n\nA=1\nB = two words \nC="quoted"\nexport D=4\nE\n',
        encoding="utf-8",
    )
    values, unreadable = check_host.read_env_file(env_file)
    assert values == {"A": "1", "B": "two words", "C": "quoted"}
    assert unreadable == ["7", "8"]
