"""A file storage whose disk fills up: the fallback of the uploads drill where the drill may
not mount a small filesystem (``DRILL_FAKE_DISK_FULL``). Files are written to the real
``MEDIA_ROOT``; once the folder holds ``DRILL_DISK_BYTES`` bytes, a write stores what still
fits and then fails with ``OSError(ENOSPC)``, leaving the partial file, as a full disk does."""

import contextlib
import errno
import os

from django.core.files.storage import FileSystemStorage


def _used(root: str) -> int:
    total = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            with contextlib.suppress(OSError):  # removed meanwhile
                total += os.path.getsize(os.path.join(folder, name))
    return total


class FullDiskStorage(FileSystemStorage):
    def _save(self, name, content):
        capacity = int(os.environ.get("DRILL_DISK_BYTES") or 256 * 1024)
        free = capacity - _used(self.location)
        data = b"".join(content.chunks())
        if len(data) <= free:
            return super()._save(name, content)
        full_path = self.path(name)
        os.makedirs(os.path.dirname(full_path), exist_ok=True)
        with open(full_path, "wb") as partial:
            partial.write(data[: max(free, 0)])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), full_path)
