"""Shared protections for public forms: keyed IP hashes and rate limits on the shared cache.

Every check fails closed: when the cache cannot answer, the request is treated as over the limit.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)


def client_ip(request):
    """The client's address. Behind NUM_PROXIES trusted proxies it is taken from
    X-Forwarded-For, counting from the right so that a client cannot forge it."""
    if settings.NUM_PROXIES:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= settings.NUM_PROXIES:
            return forwarded[-settings.NUM_PROXIES]
    return request.META.get("REMOTE_ADDR", "")


def ip_hash(request):
    """A keyed hash of the client's address: stable enough to rate limit and review abuse,
    useless for finding the address without the key. The address itself is never stored."""
    return salted_hmac("spero.ip-hash", client_ip(request), secret=settings.IP_HASH_KEY).hexdigest()


def within_limits(*limits):
    """Count one attempt for each (scope, key, limit, window_seconds); True while every one of
    them has had at most `limit` attempts in its window. On the Redis cache all of them cost one
    round trip together (spero_site/cache.py)."""
    keys_and_windows = [
        (f"ratelimit:{scope}:{salted_hmac('spero.ratelimit', key).hexdigest()}", window)
        for scope, key, _, window in limits
    ]
    try:
        attempts = _count_attempts(keys_and_windows)
    except Exception:  # noqa: BLE001 - any cache failure must refuse, not let through
        logger.exception("Rate limit cache unavailable; refusing %s", limits[0][0])
        return False
    return all(count <= limit for count, (_, _, limit, _) in zip(attempts, limits, strict=True))


def _count_attempts(keys_and_windows):
    if hasattr(cache, "count_attempts"):
        return cache.count_attempts(keys_and_windows)
    # Any other cache backend (local memory in development and tests): add() starts a window
    # only for a new key, incr() is atomic.
    counts = []
    for key, window_seconds in keys_and_windows:
        cache.add(key, 0, timeout=window_seconds)
        counts.append(cache.incr(key))
    return counts
