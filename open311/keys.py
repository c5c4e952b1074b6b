"""Open311 API keys: made at random, stored only as their SHA-256 and found by it.

A key is a long random secret (not a password a person chose), so one unsalted SHA-256 is
enough to keep a copy of the table from being usable, and lets the key be found through a
unique index in one query. The raw key is shown once, when it is issued.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.utils import timezone

from open311.models import ApiClient

PREFIX = "o311_"
MAX_KEY_LENGTH = 200  # anything longer is no key of ours: not even hashed
TOUCH_SECONDS = 60  # ``last_used_at`` is written at most once a minute per client


def new_key() -> str:
    """Return a new raw key (about 190 random bits)."""
    return PREFIX + secrets.token_urlsafe(24)


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def hint_of(raw: str) -> str:
    """Return the beginning of a key shown in lists, so staff can tell keys apart."""
    return raw[:8]


def client_for_key(raw: str | None) -> ApiClient | None:
    """Return the active client whose key is ``raw``, with its region, unit and account."""
    if not raw or len(raw) > MAX_KEY_LENGTH:
        return None
    client = (
        ApiClient.objects.filter(key_hash=hash_key(raw), is_active=True)
        .select_related("region", "department", "account")
        .first()
    )
    if client is None or (client.account_id and not client.account.is_active):
        return None
    _touch(client)
    return client


def _touch(client: ApiClient) -> None:
    """Note that the client was used (one conditional UPDATE at most once a minute)."""
    now = timezone.now()
    last = client.last_used_at
    if last is not None and now - last < datetime.timedelta(seconds=TOUCH_SECONDS):
        return
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    client.last_used_at = now
