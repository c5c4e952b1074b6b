"""Check a host's configuration before the portal starts on it.

    sudo -u portal ENV_FILE=/etc/portal/portal.env make check-host
    python -m portal.management.commands.check_host --env-file /etc/portal/portal.env
    python manage.py check_host        (the environment already loaded, production settings)

Run it as the service user, with the environment file the systemd units read: it loads the
file as systemd does (the shell's own portal variables do not count), loads the production
settings, and checks, each on one line: the required settings are there and are not the
template's examples; Django's deployment checks at WARNING; PostgreSQL answers and every
migration is applied; Redis answers; collectstatic has collected every static file;
PORTAL_VAR_DIR and MEDIA_ROOT are writable; the Chinese catalogue is compiled. Exits 1 when
any check fails (warnings do not fail it), 2 when the environment file cannot be read.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

PRODUCTION = "portal.settings_production"
TEMPLATE = Path(__file__).resolve().parents[3] / "deploy" / "portal.env.example"
REQUIRED = (
    "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "PORTAL_BASE_URL", "DATABASE_URL",
    "REDIS_URL", "PORTAL_VAR_DIR", "TRUSTED_PROXY_COUNT",
)  # fmt: skip
EXAMPLE_MARKERS = ("example.", "change-me", "changeme")
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TEMPLATE_NAME_RE = re.compile(r"^#?([A-Z][A-Z0-9_]*)=", re.MULTILINE)
LOW_DISK_BYTES = 1024**3
TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class Result:
    """One check's outcome: ``ok`` True (passed), False (failed) or None (a warning)."""

    title: str
    ok: bool | None
    detail: str = ""


# --- the environment file ----------------------------------------------------------------


def read_env_file(path: Path) -> tuple[dict[str, str], list[str]]:
    """Return the variables of a systemd EnvironmentFile and the lines it cannot read."""
    values, bad = {}, []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        name, sep, value = line.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not NAME_RE.match(name):
            bad.append(str(number))
            continue
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name] = value
    return values, bad


def template_names() -> set[str]:
    """Return every variable the template lists, set or commented out."""
    return set(TEMPLATE_NAME_RE.findall(TEMPLATE.read_text(encoding="utf-8")))


def load_env_file(path: Path) -> list[str]:
    """Make ``os.environ`` what a systemd unit reading ``path`` gets: the file's variables,
    and none of the portal's from the calling shell. Return the unreadable lines."""
    values, bad = read_env_file(path)
    for name in template_names() - set(values):
        os.environ.pop(name, None)
    os.environ.update(values)
    os.environ["DJANGO_SETTINGS_MODULE"] = PRODUCTION
    return bad


# --- checks that need no settings ----------------------------------------------------------


def _value_problems(environ) -> list[str]:
    problems = []
    for name in REQUIRED:
        value = environ.get(name, "").strip()
        if not value:
            problems.append(_("%(name)s is not set") % {"name": name})
        elif any(marker in value.lower() for marker in EXAMPLE_MARKERS):
            problems.append(_("%(name)s still has the template's example value") % {"name": name})
    return problems


def _shape_problems(environ) -> list[str]:
    problems = []
    secret = environ.get("SECRET_KEY", "")
    if secret and len(secret) < 50:
        problems.append(_("SECRET_KEY is shorter than 50 characters"))
    count = environ.get("TRUSTED_PROXY_COUNT", "")
    if count and (not count.isdigit() or int(count) < 1):
        problems.append(_("TRUSTED_PROXY_COUNT must be the number of proxies: 1 behind nginx"))
    for name in ("PORTAL_BASE_URL", "CSRF_TRUSTED_ORIGINS"):
        value = environ.get(name, "")
        if value and not all(item.strip().startswith("https://") for item in value.split(",")):
            problems.append(_("%(name)s must start with https://") % {"name": name})
    url = environ.get("DATABASE_URL", "")
    if url and not url.startswith(("postgres://", "postgresql://", "pgsql://", "postgis://")):
        problems.append(_("DATABASE_URL must point at PostgreSQL"))
    return problems


def check_environment(environ, unreadable_lines=()) -> Result:
    problems = _value_problems(environ) + _shape_problems(environ)
    if unreadable_lines:
        problems.append(
            _("lines of the environment file that are not NAME=value: %(lines)s")
            % {"lines": ", ".join(unreadable_lines)}
        )
    detail = "; ".join(problems) or ", ".join(REQUIRED)
    return Result(_("Required settings"), not problems, detail)


# --- checks with the settings loaded ------------------------------------------------------


def check_settings_module() -> Result:
    from django.conf import settings

    if settings.SETTINGS_MODULE != PRODUCTION or settings.DEBUG:
        detail = _("run with DJANGO_SETTINGS_MODULE=%(module)s") % {"module": PRODUCTION}
        return Result(_("Production settings"), False, detail)
    return Result(_("Production settings"), True, PRODUCTION)


def check_django_deploy() -> Result:
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    out = io.StringIO()
    try:
        call_command("check", deploy=True, fail_level="WARNING", stdout=out, stderr=out)
    except SystemCheckError as error:
        return Result(_("Django deployment checks"), False, str(error).strip())
    return Result(_("Django deployment checks"), True, "check --deploy --fail-level WARNING")


def check_database() -> Result:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    title = _("Database and migrations")
    connection.settings_dict.setdefault("OPTIONS", {})["connect_timeout"] = TIMEOUT_SECONDS
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:  # any failure to connect or read is the finding
        detail = _("cannot connect: %(error)s") % {"error": _one_line(error)}
        return Result(title, False, detail)
    if connection.vendor != "postgresql":
        return Result(title, False, _("DATABASE_URL must point at PostgreSQL"))
    if plan:
        migration = plan[0][0]
        detail = _("%(count)d migrations not applied (first: %(name)s): run manage.py migrate") % {
            "count": len(plan),
            "name": f"{migration.app_label}.{migration.name}",
        }
        return Result(title, False, detail)
    applied = len(executor.loader.applied_migrations)
    version = connection.pg_version // 10000
    detail = _("PostgreSQL %(version)s, %(count)d migrations applied") % {
        "version": version,
        "count": applied,
    }
    return Result(title, True, detail)


def check_replica() -> Result | None:
    """When a read replica is configured: it answers and is a standby (not a primary)."""
    from django.db import connections

    if "replica" not in connections.settings:
        return None
    title = _("Read replica")
    replica = connections["replica"]
    try:
        with replica.cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            standby = cursor.fetchone()[0]
    except Exception as error:  # any failure to reach it is the finding
        detail = _("cannot connect: %(error)s") % {"error": _one_line(error)}
        return Result(title, False, detail)
    if not standby:
        return Result(title, False, _("DATABASE_REPLICA_URL is not a standby server"))
    return Result(title, True, _("a standby server answers"))


def check_redis() -> Result:
    import redis
    from django.conf import settings

    if not settings.REDIS_URL:
        return Result("Redis", False, _("REDIS_URL is not set"))
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=TIMEOUT_SECONDS,
            socket_timeout=TIMEOUT_SECONDS,
        )
        version = client.info("server").get("redis_version", "?")
    except Exception as error:  # any failure to reach it is the finding
        return Result("Redis", False, _("cannot connect: %(error)s") % {"error": _one_line(error)})
    return Result("Redis", True, _("Redis %(version)s answers") % {"version": version})


def _static_sources() -> set[str]:
    from django.contrib.staticfiles import finders

    found = set()
    for finder in finders.get_finders():
        for path, _storage in finder.list(["CVS", ".*", "*~"]):
            found.add(path.replace(os.sep, "/"))
    return found


def check_static() -> Result:
    from django.conf import settings

    title = _("Static files collected")
    root = Path(settings.STATIC_ROOT)
    manifest = root / "staticfiles.json"
    if not manifest.is_file():
        detail = _("%(path)s has no manifest: run manage.py collectstatic") % {"path": root}
        return Result(title, False, detail)
    collected = set(json.loads(manifest.read_text(encoding="utf-8")).get("paths", {}))
    missing = sorted(_static_sources() - collected)
    if missing:
        detail = _(
            "%(count)d static files are not collected (e.g. %(name)s): run manage.py "
            "collectstatic again"
        ) % {"count": len(missing), "name": missing[0]}
        return Result(title, False, detail)
    detail = _("%(count)d files in %(path)s") % {"count": len(collected), "path": root}
    return Result(title, True, detail)


def _writable(directory: Path) -> str | None:
    """Return why ``directory`` cannot take a new file, or None when it can."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / f".check-host-{uuid.uuid4().hex}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as error:
        return _("%(path)s is not writable: %(error)s") % {"path": directory, "error": error}
    return None


def check_writable() -> Result:
    from django.conf import settings

    title = _("Uploads directory writable")
    media = Path(settings.MEDIA_ROOT)
    problems = [p for p in (_writable(Path(settings.VAR_DIR)), _writable(media)) if p]
    if problems:
        return Result(title, False, "; ".join(problems))
    free = shutil.disk_usage(media).free
    detail = _("%(path)s, %(gb).1f GB free") % {"path": media, "gb": free / 1024**3}
    return Result(title, None if free < LOW_DISK_BYTES else True, detail)


def check_catalogue() -> Result:
    import gettext

    import polib
    from django.conf import settings

    title = _("Chinese catalogue compiled")
    folder = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
    try:
        po = polib.pofile(str(folder / "django.po"))
        with open(folder / "django.mo", "rb") as handle:
            compiled = gettext.GNUTranslations(handle)._catalog
    except (OSError, ValueError) as error:
        return Result(title, False, _one_line(error))
    stale = [
        entry.msgid
        for entry in po.translated_entries()
        if not entry.msgid_plural
        and compiled.get(f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid)
        != entry.msgstr
    ]
    if stale:
        detail = _("%(count)d texts of django.po are not in django.mo: run make messages") % {
            "count": len(stale)
        }
        return Result(title, False, detail)
    return Result(title, True, _("%(count)d texts") % {"count": len(compiled)})


def check_notifications() -> Result:
    from django.conf import settings

    title = _("Text messages and email")
    problems = []
    if settings.SMS_BACKEND == "portal.sms.ConsoleBackend":
        problems.append(_("SMS_BACKEND only writes text messages to the log"))
    if not os.environ.get("EMAIL_HOST"):
        problems.append(_("EMAIL_HOST is not set: emails only go to the worker's log"))
    return Result(title, None if problems else True, "; ".join(problems) or settings.SMS_BACKEND)


def check_user() -> Result | None:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        detail = _("running as root: run as the service user (sudo -u portal) to check its rights")
        return Result(_("Service user"), None, detail)
    return None


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return f"{type(error).__name__}: {text}"


def run_checks() -> list[Result]:
    """Run every check that needs the settings, in order."""
    checks = (check_settings_module, check_django_deploy, check_database, check_replica,
              check_redis, check_static, check_writable, check_catalogue, check_notifications,
              check_user)  # fmt: skip
    return [result for result in (check() for check in checks) if result is not None]


# --- report -------------------------------------------------------------------------------


def report(results: list[Result], out) -> bool:
    """Write one line per check and a summary; return whether none failed."""
    marks = {True: _("OK"), False: _("FAIL"), None: _("WARN")}
    for result in results:
        out.write(f"[{marks[result.ok]}] {result.title}: {result.detail}\n")
    failed = sum(result.ok is False for result in results)
    if failed:
        out.write(
            _("%(failed)d of %(total)d checks failed.") % {"failed": failed, "total": len(results)}
            + "\n"
        )
    else:
        out.write(_("All %(total)d checks passed.") % {"total": len(results)} + "\n")
    return not failed


class Command(BaseCommand):
    help = "Check this host's configuration before the portal starts on it (make check-host)."
    requires_system_checks = []  # the deployment checks run as one of the checks, reported

    def handle(self, **options):
        results = [check_environment(os.environ), *run_checks()]
        if not report(results, self.stdout):
            raise CommandError(_("The host is not ready."), returncode=1)


# --- `python -m`: read the environment file, then load the settings ------------------------


def _setup_django() -> str | None:
    """Load the production settings; when they refuse, load the base settings (for the
    messages) and return why the production settings refused."""
    import importlib

    import django

    try:
        importlib.import_module(PRODUCTION)
    except Exception as error:  # the settings' own refusal is the finding
        os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
        os.environ["PORTAL_VAR_DIR"] = tempfile.mkdtemp(prefix="check-host-")
        django.setup()
        return _one_line(error)
    django.setup()
    return None


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=Command.help)
    parser.add_argument("--env-file", type=Path, help="systemd EnvironmentFile to check")
    args = parser.parse_args(argv)
    unreadable: list[str] = []
    if args.env_file:
        if not args.env_file.is_file():
            print(f"check-host: no environment file at {args.env_file}", file=sys.stderr)
            return 2
        unreadable = load_env_file(args.env_file)
    os.environ["DJANGO_SETTINGS_MODULE"] = PRODUCTION  # `import portal` set the default one
    environment = dict(os.environ)
    refusal = _setup_django()
    results = [check_environment(environment, unreadable)]
    if refusal:
        results.append(Result(_("Production settings"), False, refusal))
    else:
        results += run_checks()
    return 0 if report(results, sys.stdout) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
