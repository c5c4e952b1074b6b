"""What the restore drill runs inside the portal, in a process of its own per database.

    python -m tests.production.drill_probe populate
    python -m tests.production.drill_probe fingerprint '{"today": "2026-12-06", ...}'
    python -m tests.production.drill_probe fingerprint '{..., "then_write": true}'

The environment names the database (DATABASE_URL) and the uploads (PORTAL_VAR_DIR); each
command prints one JSON object on its last line. ``populate`` migrates an empty database
and fills it through the portal's own code: the demo data of every app (``seed_demo``), plus
what the demo has not: an issue with photos from the citizens' form and one from a city
system through Open311. ``fingerprint`` reads what must survive a backup; it writes nothing.
With ``then_write`` it then writes to the (restored) database: every sequence gives a new
id, a new issue is submitted and tracks, the photos are served through the desk.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, FileField  # noqa: E402
from django.test import Client  # noqa: E402
from PIL import Image  # noqa: E402

from petitions import tracking, workflow  # noqa: E402
from petitions.models import Petition, PetitionPhoto  # noqa: E402
from portal import images  # noqa: E402
from portal.figures import live, snapshots  # noqa: E402
from portal.figures.periods import add_months, first  # noqa: E402
from portal.models import Event, Region, User  # noqa: E402

VILLAGE = "330225100202"  # 番西村, 石浦镇, 象山县
PHONE = "13800001111"
OPEN311_KEY = "demo-open311-2026"


def _photo(colour: str) -> tuple[bytes, int, int]:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "PNG")
    return images.reencode(buffer.getvalue())


def populate() -> dict:
    quiet, began = io.StringIO(), time.monotonic()
    call_command("migrate", interactive=False, verbosity=0, stdout=quiet)
    migrated = time.monotonic()
    call_command("seed_demo", stdout=quiet)
    seeded = time.monotonic()
    village = Region.objects.get(code=VILLAGE)
    petition = workflow.petition_submit(
        channel="web", region_id=village.pk, category="traffic", title="番西村村口路灯坏了",
        description="村口三盏路灯坏了一个多月，晚上老人出门看不清路。", citizen_name="李大姐",
        citizen_phone=PHONE, wants_feedback=True, photos=[_photo("navy"), _photo("orange")],
    )  # fmt: skip
    response = Client().post("/open311/v2/requests.json", {
        "api_key": OPEN311_KEY, "jurisdiction_id": "330225", "service_code": "traffic",
        "address_string": "象山县石浦镇番西村村口", "description": "热线来电：番西村村口路灯不亮。",
        "phone": "13900002222",
    })  # fmt: skip
    if response.status_code not in (200, 201):
        raise SystemExit(f"Open311 request refused: {response.status_code} {response.content!r}")
    return {
        "code": petition.tracking_code, "digits": PHONE[-4:], "petition": petition.pk,
        "seconds": [round(migrated - began, 1), round(seeded - migrated, 1)],
    }  # fmt: skip


# --- fingerprint ------------------------------------------------------------------------


def _tables() -> dict[str, dict]:
    """Every table of the schema: its rows and a checksum of their text."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        names = [row[0] for row in cursor.fetchall()]
        out = {}
        for name in names:
            table = connection.ops.quote_name(name)
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "  # noqa: S608
                f"FROM {table} t"
            )
            rows, digest = cursor.fetchone()
            out[name] = {"rows": rows, "md5": digest}
    return out


def _busiest_target() -> tuple[int, int]:
    row = (
        Event.objects.values("target_type", "target_id")
        .annotate(n=Count("id"))
        .order_by("-n", "target_type", "target_id")
        .first()
    )
    return row["target_type"], row["target_id"]


def _history(target: tuple[int, int]) -> list[list]:
    rows = Event.objects.filter(target_type_id=target[0], target_id=target[1]).order_by("id")
    return [
        [e.pk, e.created_at.isoformat(), e.actor_id, e.region_id, e.target_repr, e.action,
         e.from_state, e.to_state, e.note, e.data]
        for e in rows
    ]  # fmt: skip


def _statistics(today) -> dict:
    regions = list(Region.objects.filter(level__lte=Region.Level.COUNTY).order_by("code"))
    months = [add_months(first(today), -count) for count in range(25)]
    computed = live.values(regions, months[-1], today, today=today)
    stored = snapshots.totals([r.pk for r in regions], months)
    return {
        r.code: {"live": dict(sorted(computed[r.pk].items())),
                 "stored": dict(sorted(stored[r.pk].items()))}
        for r in regions
    }  # fmt: skip


def _tracking(code: str, digits: str) -> dict:
    petition = Petition.objects.get(tracking_code=code)
    client = Client()
    form = client.post("/petitions/track/", {"code": code, "digits": digits})
    link = client.get(tracking.link_path(code))
    return {
        "form": form.status_code,
        "link": link.status_code,
        "shows_issue": petition.title in form.content.decode() and code in link.content.decode(),
    }


def _media() -> dict:
    root = Path(settings.MEDIA_ROOT)
    files = {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }
    referenced = [
        name
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, FileField)
        for name in model._default_manager.exclude(**{field.name: ""}).values_list(
            field.name, flat=True
        )
    ]
    return {"files": files, "referenced": len(referenced),
            "missing": sorted(n for n in referenced if n not in files)}  # fmt: skip


def fingerprint(args: dict) -> dict:
    from datetime import date

    tables = _tables()  # first, before anything else touches the database
    target = tuple(args["target"]) if args.get("target") else _busiest_target()
    found = {
        "tables": tables,
        "target": target,
        "history": _history(target),
        "events": Event.objects.count(),
        "statistics": _statistics(date.fromisoformat(args["today"])),
        "tracking": _tracking(args["code"], args["digits"]),
        "media": _media(),
    }
    if args.get("then_write"):  # the restored side: after reading, write (one process less)
        found["fresh"] = fresh(args)
    return found


# --- fresh writes -----------------------------------------------------------------------


def _sequences() -> list[dict]:
    """Each identity or serial column: its sequence's next value against the column's max."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT t.relname, a.attname, pg_get_serial_sequence(quote_ident(t.relname), a.attname)
            FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE n.nspname = 'public' AND t.relkind = 'r'
              AND pg_get_serial_sequence(quote_ident(t.relname), a.attname) IS NOT NULL
            ORDER BY t.relname
        """)
        found = []
        for table, column, sequence in cursor.fetchall():
            cursor.execute(
                f"SELECT coalesce(max({connection.ops.quote_name(column)}), 0) "  # noqa: S608
                f"FROM {connection.ops.quote_name(table)}"
            )
            highest = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [sequence])
            found.append({"table": table, "max": highest, "next": cursor.fetchone()[0]})
    return found


def _photo_served(petition_id: int) -> list[str]:
    """Fetch the issue's photos through the portal's permission-checked view."""
    client = Client()
    client.force_login(User.objects.get(username="county_staff"))
    digests = []
    for photo in PetitionPhoto.objects.filter(petition_id=petition_id).order_by("id"):
        response = client.get(f"/desk/petitions/photos/{photo.pk}/")
        body = b"".join(response.streaming_content) if response.status_code == 200 else b""
        digests.append(hashlib.sha256(body).hexdigest() if body else f"HTTP {response.status_code}")
    return digests


def fresh(args: dict) -> dict:
    sequences = _sequences()
    before = Petition.objects.order_by("-pk").values_list("pk", flat=True).first()
    petition = workflow.petition_submit(
        channel="web", region_id=Region.objects.get(code=VILLAGE).pk, category="other",
        title="恢复后的第一件诉求", description="恢复演练：恢复后新提交的诉求。",
        citizen_phone="13700003333",
    )  # fmt: skip
    return {
        "sequences": sequences,
        "petition_before": before,
        "petition_new": petition.pk,
        "new_tracks": _tracking(petition.tracking_code, "3333"),
        "old_tracks": _tracking(args["code"], args["digits"]),
        "photos_served": _photo_served(args["petition"]),
    }


COMMANDS = {"populate": lambda _args: populate(), "fingerprint": fingerprint}

if __name__ == "__main__":
    command, raw = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "{}")
    result = COMMANDS[command](json.loads(raw))
    print(json.dumps(result, ensure_ascii=False, sort_keys=True, default=str))
