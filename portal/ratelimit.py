"""Fixed-window rate limits kept in the cache (Redis in production)."""

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """Return the client's address (the proxy's X-Forwarded-For first hop when trusted)."""
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(scope: str, key: str) -> bool:
    """Count one attempt; return False when the limit of ``scope`` is exceeded."""
    limit, window = settings.RATE_LIMITS[scope]
    cache_key = f"ratelimit:{scope}:{key}"
    if cache.add(cache_key, 1, timeout=window):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        return True
    return count <= limit


def reset(scope: str, key: str) -> None:
    cache.delete(f"ratelimit:{scope}:{key}")
