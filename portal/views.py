"""Pages of the portal core: the public home, the signed-in desk, health probes (sign-in is in
``portal.accounts``)."""

import functools
import logging
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import access
from portal.models import User

log = logging.getLogger(__name__)


def home(request):
    return render(request, "portal/home.html")


@functools.cache
def _todo_sources() -> tuple:
    """Return each project app's ``queries.desk_todo``: the core names no app, it finds the
    function by convention (as ``portal.reminders`` finds each app's sweeps)."""
    sources = []
    for config in apps.get_app_configs():
        # The project's own packages only, not an installed library (under .venv or not).
        where = Path(config.path)
        if not where.is_relative_to(settings.BASE_DIR):
            continue
        if where.relative_to(settings.BASE_DIR).parts[0] != config.name.split(".")[0]:
            continue
        if not module_has_submodule(config.module, "queries"):
            continue
        source = getattr(import_module(f"{config.name}.queries"), "desk_todo", None)
        if callable(source):
            sources.append(source)
    return tuple(sources)


@login_required
def desk(request):
    """The signed-in home: first what waits for the user (each app's ``desk_todo(user)``
    returns ``{"text", "url"}`` items in a fixed number of queries), then the apps' cards."""
    user = request.user
    todo = [item for source in _todo_sources() for item in source(user)]
    context = {
        "roles": access.roles_of(user),
        "can_use_admin": access.can_use_admin(user),
        "todo": todo,
        "show_todo": bool(todo) or user.kind == User.Kind.DEPUTY,
    }
    return render(request, "portal/desk.html", context)


@require_GET
@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not ready"
        log.warning("readyz: database unavailable: %s", exc)
        return type(exc).__name__
    return None


def _check_broker() -> str | None:
    if not settings.REDIS_URL:
        return None
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
    except Exception as exc:  # any failure means "not ready"
        log.warning("readyz: broker unavailable: %s", exc)
        return type(exc).__name__
    return None


@require_GET
@never_cache
def readyz(request):
    checks = {"database": _check_database(), "broker": _check_broker()}
    body = {
        "status": "ok" if not any(checks.values()) else "unavailable",
        "checks": {
            name: ("ok" if error is None else "error")
            for name, error in checks.items()
            if name != "broker" or settings.REDIS_URL
        },
    }
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)


def private_file(field_file, *, content_type: str | None = "image/jpeg", download: bool = False):
    """Serve an uploaded file to someone the caller has already checked through ``access``:
    never from a public media URL, never cached by shared caches, never sniffed."""
    from django.http import FileResponse, Http404

    if not field_file:
        raise Http404(_("No such object."))
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404(_("No such object.")) from None
    kwargs = (
        {"as_attachment": True, "filename": field_file.name.rsplit("/", 1)[-1]}
        if download
        else {"content_type": content_type}
    )
    response = FileResponse(handle, **kwargs)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
