"""Generations of stored answers in the shared cache.

A generation is a random token under one key. Every entry stored under a generation carries the
token it was made under, and counts as absent once a change draws a new token, so one cache
write makes any number of entries old at once. The token is read before the data an entry is
made from, and drawn anew after the change is committed: an entry made from data older than a
change can only carry a token older than that change.

The cache is a help, never a condition: while it cannot be reached, a lookup finds nothing and a
store is dropped, so answers are made from the database. A renewal that could not be written is
owed by the process that made the change, and written as soon as the cache answers it again,
before it serves anything from it.
"""

import contextlib
import logging
import uuid

from django.db import transaction

from spero_site.cache import strict_cache as cache

logger = logging.getLogger(__name__)


class Generation:
    def __init__(self, key):
        self.key = key
        self.renewal_owed = False
        self.cache_down = False

    def renew(self):
        """Make every entry stored under this generation old."""
        self.renewal_owed = True
        with self._cache_calls():
            cache.set(self.key, uuid.uuid4().hex, None)
            self.renewal_owed = False

    def renew_after_change(self):
        """Renew now, and again once the change is committed: an entry made from the old data
        in between would be stored under the new token."""
        self.renew()
        transaction.on_commit(self.renew)

    def lookup(self, key):
        """(the current token, the entry stored under key if made under it, else None), in one
        call to the cache when the token is there. (None, None) while the cache is away."""
        with self._cache_calls():
            if self.renewal_owed:
                self.renew()
                if self.renewal_owed:
                    return None, None
            found = cache.get_many([self.key, key])
            token = found.get(self.key) or self.current()
            entry = found.get(key)
            if entry is not None and entry["generation"] == token:
                return token, entry["value"]
            return token, None
        return None, None

    def store(self, key, token, value, timeout):
        """Store value under key for timeout seconds, made under token (from lookup())."""
        if token is None:  # made while the cache was away
            return
        with self._cache_calls():
            cache.set(key, {"generation": token, "value": value}, timeout)

    def current(self):
        """The token entries are made under now (drawn when absent)."""
        token = cache.get(self.key)
        if token is None:
            # Absent (a new or emptied cache): a fresh token, so no entry stored before matches.
            cache.add(self.key, uuid.uuid4().hex, None)
            token = cache.get(self.key)
        return token

    @contextlib.contextmanager
    def _cache_calls(self):
        """Runs cache calls; a failure is logged once per outage and otherwise ignored."""
        try:
            yield
        except Exception as error:  # noqa: BLE001 - any cache failure: go on without it
            if not self.cache_down:
                self.cache_down = True
                logger.warning("Cache unavailable (%s): %s", self.key, error)
        else:
            if self.cache_down:
                self.cache_down = False
                logger.warning("Cache reachable again (%s)", self.key)
