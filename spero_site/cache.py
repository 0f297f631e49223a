"""Django's Redis cache, made cheap enough for the hot path of signing (docs/performance.md),
and attempt counting in one command for the rate limits (spero_site/abuse.py).

Django's RedisCacheClient builds a new redis.Redis for every cache call, and each call takes a
connection from the pool and gives it back. With redis-py 8 the first costs about half a
millisecond of CPU (a table of ~170 response callbacks), the second as much as the command
itself. Here every thread keeps one client with its own connection.
"""

import threading

from django.core.cache.backends import redis as django_redis

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

    def count_attempts(self, keys_and_windows):
        """Count one attempt for each (key, window in seconds) and return the counts in the
        window so far, with a single command to Redis."""
        return self._cache.count_attempts(
            [(self.make_and_validate_key(key), window) for key, window in keys_and_windows]
        )
