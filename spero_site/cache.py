"""Django's Redis cache, made cheap enough for the hot path of signing (docs/performance.md),
and attempt counting in one command for the rate limits (spero_site/abuse.py).

Django's RedisCacheClient builds a new redis.Redis for every cache call, and each call takes a
connection from the pool and gives it back. With redis-py 8 the first costs about half a
millisecond of CPU (a table of ~170 response callbacks), the second as much as the command
itself. Here every thread keeps one client with its own connection.

Two aliases share one Redis (spero_site/settings/base.py). "default" is fail-soft: while Redis
cannot be reached, a read misses and a write is dropped, so that Wagtail's and Django's own uses
of the cache (the site's root paths, renditions) go on from the database. "strict" raises, for
the site's own callers that must know: rate limits and the login lockout fail closed, and the
generations and queued-run marks handle the failure themselves (docs/deploy.md, "When a part
fails").
"""

import logging
import threading

import redis
from django.core.cache import caches
from django.core.cache.backends import redis as django_redis
from django.utils.connection import ConnectionProxy

logger = logging.getLogger(__name__)

# The strict alias, as django.core.cache.cache is the default one.
strict_cache = ConnectionProxy(caches, "strict")

# Counts one attempt on each key and returns the counts; a new key expires with its window
# (ARGV). One script is one command: a pipeline of SET NX and INCR per key cost twice the CPU.
COUNT_ATTEMPTS_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
    counts[i] = redis.call("INCR", key)
    if counts[i] == 1 then
        redis.call("EXPIRE", key, ARGV[i])
    end
end
return counts
"""


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each thread keeps its connection (get_client). After Redis restarts, that connection
        # is dead: one retry on a fresh connection keeps its first call from failing, which in
        # the strict cache would refuse a login or a form though Redis is back. A Redis that is
        # really away still fails the call, after one more connect.
        self._pool_options.setdefault("retry_on_error", [redis.exceptions.ConnectionError])
        self._local = threading.local()
        self._count_attempts_sha = None

    def get_client(self, key=None, *, write=False):
        clients = self._local.__dict__.setdefault("clients", {})
        index = self._get_connection_pool_index(write)
        client = clients.get(index)
        if client is None:
            client = clients[index] = self._client(
                connection_pool=self._get_connection_pool(write), single_connection_client=True
            )
        return client

    def add(self, key, value, timeout):
        if timeout == 0:
            return super().add(key, value, timeout)
        # The command itself, without redis-py's wrappers around set(): the hot path's
        # "queue one run" mark (spero_site/tasks.py) is an add().
        return bool(
            self.get_client(key, write=True).execute_command(
                "SET", key, self._serializer.dumps(value), "EX", timeout, "NX"
            )
        )

    def count_attempts(self, keys_and_windows):
        client = self.get_client(write=True)
        keys, windows = zip(*keys_and_windows, strict=True)
        arguments = (len(keys), *keys, *windows)
        if self._count_attempts_sha is not None:
            try:
                return client.execute_command("EVALSHA", self._count_attempts_sha, *arguments)
            except self._lib.exceptions.NoScriptError:  # the server restarted and forgot it
                pass
        self._count_attempts_sha = client.script_load(COUNT_ATTEMPTS_SCRIPT)
        return client.execute_command("EVALSHA", self._count_attempts_sha, *arguments)


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
        # FAIL_SOFT in the alias's settings: reads miss and writes are dropped while Redis is
        # away. add(), incr() and count_attempts() always raise: a count must not be guessed.
        self.fail_soft = params.get("FAIL_SOFT", False)
        self._away = False

    def _soft(self, call, default):
        if not self.fail_soft:
            return call()
        try:
            result = call()
        except (redis.exceptions.RedisError, OSError) as error:
            if not self._away:
                self._away = True
                logger.warning("Cache unavailable; going on without it: %s", error)
            return default
        if self._away:
            self._away = False
            logger.warning("Cache reachable again")
        return result

    def get(self, key, default=None, version=None):
        return self._soft(lambda: super(RedisCache, self).get(key, default, version), default)

    def get_many(self, keys, version=None):
        return self._soft(lambda: super(RedisCache, self).get_many(keys, version), {})

    def set(self, key, value, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        self._soft(lambda: super(RedisCache, self).set(key, value, timeout, version), None)

    def set_many(self, data, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        return self._soft(
            lambda: super(RedisCache, self).set_many(data, timeout, version), list(data)
        )

    def delete(self, key, version=None):
        return self._soft(lambda: super(RedisCache, self).delete(key, version), False)

    def delete_many(self, keys, version=None):
        self._soft(lambda: super(RedisCache, self).delete_many(keys, version), None)

    def touch(self, key, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        return self._soft(lambda: super(RedisCache, self).touch(key, timeout, version), False)

    def has_key(self, key, version=None):
        return self._soft(lambda: super(RedisCache, self).has_key(key, version), False)

    def count_attempts(self, keys_and_windows):
        """Count one attempt for each (key, window in seconds) and return the counts in the
        window so far, with a single command to Redis."""
        return self._cache.count_attempts(
            [(self.make_and_validate_key(key), window) for key, window in keys_and_windows]
        )
