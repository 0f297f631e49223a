"""Generations of stored answers in the shared cache.

A generation is a random token under one key. Every entry stored under a generation carries the
token it was made under, and counts as absent once a change draws a new token, so one cache
write makes any number of entries old at once. The token is read before the data an entry is
made from, and drawn anew after the change is committed: an entry made from data older than a
change can only carry a token older than that change.
"""

import uuid

from django.core.cache import cache
from django.db import transaction


class Generation:
    def __init__(self, key):
        self.key = key

    def renew(self):
        """Make every entry stored under this generation old."""
        cache.set(self.key, uuid.uuid4().hex, None)

    def renew_after_change(self):
        """Renew now, and again once the change is committed: an entry made from the old data
        in between would be stored under the new token."""
        self.renew()
        transaction.on_commit(self.renew)

    def current(self):
        token = cache.get(self.key)
        if token is None:
            # Absent (a new or emptied cache): a fresh token, so no entry stored before matches.
            cache.add(self.key, uuid.uuid4().hex, None)
            token = cache.get(self.key)
        return token

    def lookup(self, key):
        """(the current token, the entry stored under key if made under it, else None), in one
        call to the cache when the token is there."""
        found = cache.get_many([self.key, key])
        token = found.get(self.key) or self.current()
        entry = found.get(key)
        if entry is not None and entry["generation"] == token:
            return token, entry["value"]
        return token, None

    def store(self, key, token, value, timeout):
        """Store value under key for timeout seconds, made under token (from lookup())."""
        cache.set(key, {"generation": token, "value": value}, timeout)
