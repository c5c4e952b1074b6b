"""The restore drill: a nightly backup of a portal with data in every app, restored into a
fresh database, is the same portal.

A source database is migrated and filled through the portal's own code (the demo data of
every app, an issue with photos, an Open311 request); ``deploy/backup.sh`` backs it up as
the nightly timer does; ``deploy/restore.sh`` restores that backup into a second, empty
database and uploads directory. Then, read by the portal on each side (tests/production/
drill_probe.py): every table has the same rows (counted and checksummed), the busiest
object's audit history is identical, the statistics agree (computed from the records, and
the precomputed figures), a citizen's tracking code still tracks through the public page
and link, every stored file name has its file; on the restored side every sequence is ahead
of its column, a new issue gets a fresh id and tracks, and the photos are served through
the permission-checked view. Needs PostgreSQL and its client tools (pg_dump, pg_restore).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.utils import timezone

from tests.production.databases import (
    ROOT,
    create_database,
    drop_database,
    portal_env,
    probe,
    run,
    scratch_name,
    url_for,
)

pytestmark = pytest.mark.postgres

BACKUP_SH = str(ROOT / "deploy" / "backup.sh")
RESTORE_SH = str(ROOT / "deploy" / "restore.sh")
OLD_DAYS = [f"2025-01-{day:02d}" for day in range(1, 6)]  # earlier nights' backups
KEEP_DAYS = 3


@pytest.fixture
def drill():
    """Names of the source and restored databases, dropped afterwards whatever happened."""
    names = (scratch_name("drill_src"), scratch_name("drill_dst"))
    yield names
    for name in names:
        drop_database(name)


class Log:
    """Lines that show in the test run's output even when pytest captures it."""

    def __init__(self, capsys):
        self.capsys, self.started = capsys, time.monotonic()

    def __call__(self, text: str, *, step: bool = True) -> None:
        prefix = f"restore drill [{time.monotonic() - self.started:5.1f} s] " if step else ""
        with self.capsys.disabled():
            print(f"\n{prefix}{text}", end="" if step else "\n")


def _earlier_backups(backups: Path) -> set[str]:
    """Backups of earlier nights, and the remains of a run killed outright two days ago."""
    for day in OLD_DAYS:
        (backups / f"{day}T031500").mkdir(parents=True)
    killed = backups / ".partial-2025-01-05T031500"
    killed.mkdir()
    two_days_ago = time.time() - 2 * 86400
    os.utime(killed, (two_days_ago, two_days_ago))
    return {p.name for p in backups.iterdir()}


def _back_up(source_env: dict, backups: Path) -> Path:
    earlier = _earlier_backups(backups)
    env = {**source_env, "BACKUP_DIR": str(backups), "BACKUP_KEEP_DAYS": str(KEEP_DAYS)}
    result = run([BACKUP_SH], env)
    kept = sorted(p.name for p in backups.iterdir())
    made = [name for name in kept if name not in earlier]
    assert len(made) == 1 and re.fullmatch(r"20\d\d-\d\d-\d\dT\d{6}", made[0]), kept
    # The newest KEEP_DAYS days with a backup stay; older ones and the killed run's go.
    assert kept == [f"{day}T031500" for day in OLD_DAYS[-(KEEP_DAYS - 1) :]] + made, kept
    backup = backups / made[0]
    assert sorted(p.name for p in backup.iterdir()) == [
        "MANIFEST", "SHA256SUMS", "media.tar.gz", "portal.dump",
    ]  # fmt: skip
    assert "backup: complete:" in result.stdout
    return backup


def _compare(source: dict, restored: dict) -> None:
    assert sorted(restored["tables"]) == sorted(source["tables"])
    differing = [
        name for name in source["tables"] if restored["tables"][name] != source["tables"][name]
    ]
    assert differing == [], f"tables restored with other rows: {differing}"
    assert restored["history"] == source["history"] and len(source["history"]) >= 3
    assert restored["events"] == source["events"]
    assert restored["statistics"] == source["statistics"]
    city = source["statistics"]["330200000000"]
    assert city["live"]["petitions.received"] > 0 and city["stored"], "no statistics to agree on"
    assert restored["media"] == source["media"]
    assert source["media"]["missing"] == [] and source["media"]["referenced"] >= 2
    for side in (source, restored):
        assert side["tracking"] == {"form": 200, "link": 200, "shows_issue": True}


def _check_every_app_has_rows(tables: dict) -> dict[str, int]:
    per_app: dict[str, int] = {}
    for name, table in tables.items():
        app = name.split("_", 1)[0]
        per_app[app] = per_app.get(app, 0) + table["rows"]
    for app in ("portal", "stations", "petitions", "supervision", "suggestions", "voting"):
        assert per_app.get(app), f"no rows of {app} in the drill's database"
    for table in ("open311_submittedrequest", "petitions_petitionphoto", "portal_event"):
        assert tables[table]["rows"], f"{table} is empty in the drill's database"
    return per_app


def _check_fresh_writes(fresh: dict, source: dict) -> None:
    behind = [s for s in fresh["sequences"] if s["next"] <= s["max"]]
    assert behind == [], f"sequences behind their column: {behind}"
    assert fresh["petition_new"] > fresh["petition_before"]
    assert fresh["new_tracks"]["shows_issue"] and fresh["old_tracks"]["shows_issue"]
    photos = fresh["photos_served"]
    assert len(photos) == 2 and set(photos) <= set(source["media"]["files"].values()), photos


def _restore(backup: Path, restored_db: str, restored_env: dict) -> None:
    create_database(restored_db)
    media = str(Path(restored_env["PORTAL_VAR_DIR"]) / "media")
    run([RESTORE_SH, str(backup), url_for(restored_db), media], restored_env)


def test_a_nightly_backup_restores_into_a_fresh_portal(tmp_path, drill, capsys):
    log = Log(capsys)
    source_db, restored_db = drill
    source_env = portal_env(url_for(source_db), tmp_path / "source")
    restored_env = portal_env(url_for(restored_db), tmp_path / "restored")

    create_database(source_db)
    seeded = probe("populate", source_env)
    migrate_s, seed_s = seeded.pop("seconds")
    log(f"{source_db}: migrated ({migrate_s} s); demo data of every app ({seed_s} s), issue "
        f"{seeded['code']} with 2 photos, an Open311 request")  # fmt: skip
    backup = _back_up(source_env, tmp_path / "backups")
    size = (backup / "portal.dump").stat().st_size
    log(f"backup.sh wrote {backup.name} ({size} bytes of dump), kept {KEEP_DAYS} days")
    args = {"today": timezone.localdate().isoformat(), **seeded}
    # The source is read while its backup is restored (nothing writes to it any more).
    with ThreadPoolExecutor(max_workers=1) as pool:
        reading = pool.submit(probe, "fingerprint", source_env, args)
        _restore(backup, restored_db, restored_env)
        log(f"restore.sh restored it into {restored_db}")
        source = reading.result()
    restored = probe(
        "fingerprint", restored_env, {**args, "target": source["target"], "then_write": True}
    )
    _compare(source, restored)
    per_app = _check_every_app_has_rows(source["tables"])
    fresh = restored["fresh"]
    _check_fresh_writes(fresh, source)
    log("compared: every table's rows and checksum, an audit history, statistics, files; "
        "then a new issue on the restored portal")  # fmt: skip

    rows = sum(t["rows"] for t in source["tables"].values())
    rows_back = sum(t["rows"] for t in restored["tables"].values())
    log("rows per app: " + ", ".join(f"{app} {n}" for app, n in sorted(per_app.items())))
    log(
        f"restore drill: tables {len(source['tables'])}, rows {rows} dumped, {rows_back} "
        f"restored, lost {rows - rows_back}, files {len(source['media']['files'])} = "
        f"{len(restored['media']['files'])}, tracking code {seeded['code']} tracks, events "
        f"{source['events']} = {restored['events']} (one object's history "
        f"{len(source['history'])} = {len(restored['history'])}), statistics agree, "
        f"{len(fresh['sequences'])} sequences ahead of their tables",
        step=False,
    )


def test_a_failed_backup_exits_non_zero_and_leaves_nothing_named_complete(tmp_path):
    backups = tmp_path / "backups"
    unreachable = "postgres://postgres@127.0.0.1:1/nowhere"
    env = portal_env(unreachable, tmp_path / "var", BACKUP_DIR=str(backups))
    result = subprocess.run(
        [BACKUP_SH], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "backup: FAILED: pg_dump" in result.stderr
    assert list(backups.iterdir()) == []  # neither a dated nor a partial directory


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, drill):
    """Nothing is ever restored over data: a used database is refused before any change."""
    database, _unused = drill
    create_database(database)
    url = url_for(database)
    env = portal_env(url, tmp_path / "var", BACKUP_DIR=str(tmp_path / "backups"))
    run(["psql", "-q", url, "-c", "CREATE TABLE kept (id int); INSERT INTO kept VALUES (7)"], env)
    run([BACKUP_SH], env)
    (backup,) = (tmp_path / "backups").iterdir()
    result = subprocess.run(
        [RESTORE_SH, str(backup), url, str(tmp_path / "media")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert "already holds 1 tables or sequences: restore into a fresh database" in result.stderr
    kept = run(["psql", "-At", url, "-c", "SELECT id FROM kept"], env).stdout.strip()
    assert kept == "7" and not (tmp_path / "media").exists()
