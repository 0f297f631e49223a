"""Shared protections for public forms: keyed IP hashes and rate limits on the shared cache.

Every check fails closed: when the cache cannot answer, the request is treated as over the limit.
"""

import logging
from typing import NamedTuple

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from spero_site.cache import strict_cache as cache

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


class Refusal(NamedTuple):
    """Why a form was not taken: its HTTP status and the message shown at the form."""

    status: int
    message: str


def refusal(*limits):
    """Count one attempt for each (scope, key, limit, window_seconds). None while every one of
    them has had at most `limit` attempts in its window; else the Refusal to show: 429 when a
    limit is passed, 503 when the shared cache that counts them cannot be reached (the check
    fails closed, and says honestly that it is the site, not the person). On the Redis cache all
    of them cost one round trip together (spero_site/cache.py)."""
    keys_and_windows = [
        (f"ratelimit:{scope}:{salted_hmac('spero.ratelimit', key).hexdigest()}", window)
        for scope, key, _, window in limits
    ]
    try:
        attempts = _count_attempts(keys_and_windows)
    except Exception:  # noqa: BLE001 - any cache failure must refuse, not let through
        logger.exception("Rate limit cache unavailable; refusing %s", limits[0][0])
        return Refusal(
            503, _("We cannot take the form right now. Nothing was saved: try again in a minute.")
        )
    if all(count <= limit for count, (_, _, limit, _) in zip(attempts, limits, strict=True)):
        return None
    return Refusal(429, _("Too many attempts. Wait a few minutes and try again."))


def within_limits(*limits):
    """True while every limit allows one more attempt (see refusal())."""
    return refusal(*limits) is None


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
