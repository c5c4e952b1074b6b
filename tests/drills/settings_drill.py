"""Settings of the portal processes a fault drill starts: the portal's own (which hold the
outage middleware and the broker options the drills call for).

With ``DRILL_FAKE_DISK_FULL`` set, uploads go through a storage whose disk is "full" (for
machines where the drill may not mount a small filesystem).
"""

import os

from portal.settings import *  # noqa: F403
from portal.settings import STORAGES

if os.environ.get("DRILL_FAKE_DISK_FULL"):
    STORAGES = {
        **STORAGES,
        "default": {"BACKEND": "tests.drills.fullstorage.FullDiskStorage"},
    }
