"""The client's address and fixed-window rate limits kept in the cache (Redis in production).

``client_ip`` is the one answer to "who is asking" for every limit of the portal (sign-in,
API token, public form, tracking, captcha, receipts, posters) and for the per-account
sign-in lockout: ``X-Forwarded-For`` is read only as far as the configured number of
trusted proxies in front of the portal (``TRUSTED_PROXY_COUNT``, 0 by default).

On Redis a hit is one round trip: ``SET key 0 EX window NX`` and ``INCR key`` in one
MULTI/EXEC, so the window starts with the first attempt and the count can never be left
without an expiry. Other cache backends (the file cache of ``make run``, the local-memory
cache of the tests) keep the window's end beside the count and never move it: their
``incr`` would reset the entry's expiry to the default timeout on every hit.

When the cache server is down, counters and claims fall back to this process's memory
(logged): the limits still hold per process and a citizen can still submit; nothing
waits on a cache that does not answer.
"""

import ipaddress
import logging
import math
import threading
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
CACHE_DOWN = (RedisError, ConnectionError, OSError)
_fallback = LocMemCache("portal-cache-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})


_last_warning = [0.0]


def _degraded(error: Exception) -> LocMemCache:
    """Return the fallback; log the outage at most once a minute per process, not per hit."""
    now = time.monotonic()
    if now - _last_warning[0] >= 60:
        _last_warning[0] = now
        log.warning("cache unavailable (%s): using this process's memory", error.__class__.__name__)
    return _fallback


def _valid_address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    """Return the address of the client that sent ``request``.

    With ``TRUSTED_PROXY_COUNT = n`` proxies in front, each appending the address it saw to
    ``X-Forwarded-For``, the client is the n-th entry from the right: whatever stands further
    left was written by the caller and proves nothing. With no trusted proxy (the default),
    or a header shorter than the chain, only the connection's own address counts.
    """
    http_request = getattr(request, "_request", request)  # a DRF Request wraps Django's
    meta = http_request.META
    remote = _valid_address(meta.get("REMOTE_ADDR", "")) or "unknown"
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    hops = [hop for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote
    return _valid_address(hops[-proxies]) or remote


def redis_cache():
    """Return ``(backend, client)`` of the default cache when it is Redis, else None.

    The client is kept on the backend (one per thread): Django's Redis cache builds a new
    client object, with its table of ~170 reply callbacks, for every single command.
    """
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    client = getattr(backend, "_portal_client", None)
    if client is None:
        library = backend._cache
        client = library._client(connection_pool=library._get_connection_pool(write=True))
        backend._portal_client = client
    return backend, client


def claim(cache_key: str, value, timeout: int) -> bool:
    """Store ``value`` under ``cache_key`` unless something is there: ``cache.add``, in one
    round trip on Redis without building a client."""
    try:
        return _claim(cache_key, value, timeout)
    except CACHE_DOWN as error:
        return _degraded(error).add(cache_key, value, timeout=timeout)


def cache_get(cache_key: str, default=None):
    """``cache.get`` that answers from the fallback while the cache server is down."""
    try:
        return cache.get(cache_key, default)
    except CACHE_DOWN as error:
        return _degraded(error).get(cache_key, default)


def cache_get_or_set(cache_key: str, compute, timeout: int):
    """``cache.get_or_set`` that computes the value while the cache server is down."""
    try:
        return cache.get_or_set(cache_key, compute, timeout)
    except CACHE_DOWN as error:
        log.warning("cache unavailable (%s): computing %s", error.__class__.__name__, cache_key)
        return compute()


def _claim(cache_key: str, value, timeout: int) -> bool:
    found = redis_cache()
    if found is None:
        return cache.add(cache_key, value, timeout=timeout)
    backend, client = found
    key = backend.make_and_validate_key(cache_key)
    return bool(client.set(key, backend._cache._serializer.dumps(value), ex=timeout, nx=True))


def _count(cache_key: str, window: int) -> int:
    """Count one attempt in ``cache_key``'s window and return the attempts so far."""
    try:
        return _count_in(cache_key, window)
    except CACHE_DOWN as error:
        return _count_local(_degraded(error), cache_key, window)


_local_lock = threading.Lock()


def _count_local(backend, cache_key: str, window: int) -> int:
    """Count on a cache without atomic expiring counters: the entry is ``(count, ends_at)``
    and every write gives it the time left until ``ends_at``, so the window keeps its length
    however often it is hit (a hit inside it never restarts it)."""
    now = time.time()
    with _local_lock:
        entry = backend.get(cache_key)
        if isinstance(entry, (tuple, list)) and len(entry) == 2 and entry[1] > now:
            count, ends_at = int(entry[0]) + 1, float(entry[1])
        else:
            count, ends_at = 1, now + window
        backend.set(cache_key, (count, ends_at), timeout=max(1, math.ceil(ends_at - now)))
    return count


def _count_in(cache_key: str, window: int) -> int:
    found = redis_cache()
    if found is not None:
        backend, client = found
        key = backend.make_and_validate_key(cache_key)
        pipeline = client.pipeline(transaction=True)
        pipeline.set(key, 0, ex=window, nx=True)
        pipeline.incr(key)
        return pipeline.execute()[-1]
    return _count_local(cache, cache_key, window)


def count(cache_key: str, window: int) -> int:
    """Add one to the counter ``cache_key`` of a fixed ``window`` (seconds); return it."""
    return _count(cache_key, window)


def cache_set(cache_key: str, value, timeout: int) -> None:
    """Set a value in the cache, or in this process's fallback while the cache is down."""
    try:
        cache.set(cache_key, value, timeout)
    except CACHE_DOWN as error:
        _degraded(error).set(cache_key, value, timeout)


def cache_delete(cache_key: str) -> None:
    try:
        cache.delete(cache_key)
    except CACHE_DOWN as error:
        _degraded(error).delete(cache_key)


def axes_client_ip(request) -> str | None:
    """The client's address for django-axes' records: None when there is none (a unix
    socket), since axes stores it in an address column and "unknown" is no address."""
    ip = client_ip(request)
    return None if ip == "unknown" else ip


def hit(scope: str, key: str) -> bool:
    """Count one attempt; return False when the limit of ``scope`` is exceeded."""
    limit, window = settings.RATE_LIMITS[scope]
    return _count(f"ratelimit:{scope}:{key}", window) <= limit


def reset(scope: str, key: str) -> None:
    try:
        cache.delete(f"ratelimit:{scope}:{key}")
    except CACHE_DOWN as error:
        _degraded(error).delete(f"ratelimit:{scope}:{key}")
