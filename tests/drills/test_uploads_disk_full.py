"""Fault drill: the disk of the uploads is full.

The portal's uploads folder (``MEDIA_ROOT``) is a 256 KiB tmpfs mounted by the drill (it
runs as root in CI); where mounting is not permitted, a storage whose "disk" holds 256 KiB
(``tests/drills/fullstorage.py``, ``DRILL_FAKE_DISK_FULL``) stands in for it, and the
printed line says so. One issue with a photo is stored first; then the disk is filled up to
about one photo's room, and citizens send issues with three photos each while others send
issues without photos. An issue with photos is refused with a clear answer (a 503 page in
Chinese or the form with an error, never a server error), and nothing of it stays: no issue
row without its photos, no photo file without its row (not even the part of a photo that
no longer fit). Issues without photos are accepted all along; once there is room again,
issues with photos are accepted again.
"""

import errno
import io
import os
import random
import subprocess
import threading
from pathlib import Path

from PIL import Image

from tests.drills import harness

DRILL = "disk"
SIZE = 256 * 1024
ROOM = 90 * 1024  # left free after filling: one re-encoded photo fits, the second does not


def noisy_png(seed: int, side: int = 300) -> bytes:
    """A photo that JPEG cannot shrink much (~70 KB re-encoded)."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def mount_tmpfs(stack: harness.Stack, media: Path) -> bool:
    """Mount a 256 KiB tmpfs on ``media``; False when this machine does not allow it."""
    media.mkdir(parents=True, exist_ok=True)
    if not harness.AS_ROOT or os.environ.get("DRILL_NO_MOUNT"):  # the latter: try the stand-in
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE},mode=0755", "tmpfs", str(media)],
        capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        return False
    stack.on_close(lambda: subprocess.run(["umount", "-l", str(media)], capture_output=True))
    return True


def fill(media: Path, room: int, *, capacity: int | None) -> Path:
    """Fill the uploads' disk, then give back ``room`` bytes; return the filler file."""
    filler = media / "filler.bin"
    if capacity is not None:  # the stand-in storage counts the folder's bytes
        used = sum(p.stat().st_size for p in media.rglob("*") if p.is_file())
        filler.write_bytes(b"\0" * max(capacity - used - room, 0))
        return filler
    with open(filler, "wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC, error
    os.truncate(filler, max(filler.stat().st_size - room, 0))
    return filler


def clear(answer: harness.Answer) -> bool:
    """A refusal a citizen understands: the 503 page, or the form showing what went wrong."""
    text = answer.body.decode(errors="replace")
    if answer.status in (0, 500) or "Traceback" in text:
        return False
    if answer.status == 503:
        return "服务暂时不可用" in text and bool(answer.headers.get("retry-after"))
    return any(mark in text for mark in ('class="errorlist', "has-error", 'role="alert"'))


def files_of(media: Path) -> set[str]:
    return {
        str(path.relative_to(media))
        for path in media.rglob("*")
        if path.is_file() and path.name != "filler.bin"
    }


def test_a_full_uploads_disk_refuses_clearly_and_stores_nothing_half(drill_stack, capsys):
    harness.require(postgres=True)
    stack = drill_stack
    media = stack.var / "media"
    mounted = mount_tmpfs(stack, media)
    extra = {} if mounted else {"DRILL_FAKE_DISK_FULL": "1", "DRILL_DISK_BYTES": SIZE}
    stack.make_env(**extra)
    web = stack.start_web(warm=False)  # nothing here is timed
    how = (
        "a 256 KiB tmpfs (mounted)"
        if mounted
        else "a storage raising ENOSPC past 256 KiB (no tmpfs mount here)"
    )

    before = harness.Submission(DRILL, stack.regions, photos=[noisy_png(0)])
    assert before.send(harness.Client(web.port)).status == 302, before.answers[-1].body[:2000]
    filler = fill(media, ROOM, capacity=None if mounted else SIZE)

    with_photos: list[harness.Submission] = []
    without_photos: list[harness.Submission] = []

    def citizen(kind: list, count: int, photos: int) -> None:
        client = harness.Client(web.port)
        for number in range(count):
            pictures = [noisy_png(100 * len(kind) + number * 3 + i) for i in range(photos)]
            submission = harness.Submission(DRILL, stack.regions, photos=pictures)
            kind.append(submission)
            submission.send(client)

    threads = [
        threading.Thread(target=citizen, args=(with_photos, 4, 3)),
        threading.Thread(target=citizen, args=(without_photos, 8, 0)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    filler.unlink()  # room again: photos are stored again
    after = harness.Submission(DRILL, stack.regions, photos=[noisy_png(999)])
    after.send(harness.Client(web.port))

    everything = [before, *with_photos, *without_photos, after]
    stored = harness.stored_markers(stack, DRILL)
    photos = stack.query(
        "SELECT substring(p.description from %s), f.image FROM petitions_petitionphoto f "
        "JOIN petitions_petition p ON p.id = f.petition_id WHERE p.description LIKE %s",
        (r"\[(DRILL-[^]]+)\]", f"%[DRILL-{DRILL}-%"),
    )
    photo_rows: dict[str, list[str]] = {}
    for marker, name in photos:
        photo_rows.setdefault(marker, []).append(name)
    on_disk = files_of(media)
    referenced = {name for names in photo_rows.values() for name in names}
    all_rows = {name for (name,) in stack.query("SELECT image FROM petitions_petitionphoto")}
    orphans = sorted(on_disk - all_rows)
    missing = sorted(name for name in referenced if name not in on_disk)
    broken = sorted(
        name
        for name in referenced - set(missing)
        if (media / name).read_bytes()[-2:] != b"\xff\xd9"  # a JPEG ends so
    )
    half_stored = sorted(
        s.marker for s in everything if s.marker in stored
        and len(photo_rows.get(s.marker, [])) != len(s.photos)
    )  # fmt: skip
    accepted = {s.marker for s in everything if s.accepted}
    lost = sorted(accepted - set(stored))
    duplicated = sorted(marker for marker, count in stored.items() if count > 1)
    refused = [s for s in with_photos if not s.accepted]
    unclear = [s.answers[-1] for s in refused if not clear(s.answers[-1])]
    statuses = sorted({s.answers[-1].status for s in refused})
    line = (
        f"drill uploads-disk-full: uploads on {how}, filled to {ROOM // 1024} KiB free; "
        f"sent {len(everything)}: with 3 photos {len(with_photos)} -> refused {len(refused)} "
        f"(status {', '.join(map(str, statuses)) or '-'}), without photos {len(without_photos)} "
        f"-> accepted {sum(s.accepted for s in without_photos)}; stored {len(stored)}, "
        f"half-stored {len(half_stored)}, orphan files {len(orphans)}, "
        f"missing or broken files {len(missing) + len(broken)}, lost {len(lost)}, "
        f"duplicated {len(duplicated)}; with room again a photo issue is "
        + ("accepted" if after.accepted else f"refused ({after.answers[-1].status})")
    )
    harness.report(capsys, line)

    assert all(s.accepted for s in without_photos), f"{line}\n{stack.logs()}"
    assert refused, f"{line}: the full disk refused nothing: the drill tested nothing"
    assert not unclear, (
        f"{line}: unclear answers: "
        + "; ".join(f"{a.status} {a.body[:300]!r}" for a in unclear)
        + stack.logs()
    )
    assert not half_stored and not missing and not broken, line
    assert not orphans, f"{line}: files without an issue: {orphans}"
    assert not lost and not duplicated, line
    assert before.accepted and after.accepted, f"{line}\n{stack.logs()}"
