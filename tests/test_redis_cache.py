"""The production cache (spero_site/cache.py) against a real Redis: REDIS_URL, which
scripts/test.sh finds or starts. Each test works under its own key prefix and deletes only
its own keys, so a Redis shared with other runs is safe."""

import os
import secrets
import socket
import threading

import pytest
import redis
from django_tasks import task

from spero_site import abuse
from spero_site import tasks as site_tasks
from spero_site.cache import RedisCache
from spero_site.settings.base import cache_from_url

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_cache():
    prefix = f"spero-test-{secrets.token_hex(6)}"
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
    yield cache
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def unreachable_cache():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # The socket is closed again: nothing listens on that port.
    return RedisCache(f"redis://127.0.0.1:{port}/0", {"OPTIONS": {"socket_connect_timeout": 1}})


def test_a_redis_cache_url_gives_the_sites_backend(monkeypatch):
    monkeypatch.setenv("SPERO_TEST_CACHE_URL", "redis://cache.internal:6379/2")
    assert cache_from_url("SPERO_TEST_CACHE_URL")["BACKEND"] == "spero_site.cache.RedisCache"
    monkeypatch.setenv("SPERO_TEST_CACHE_URL", "locmemcache://")
    assert cache_from_url("SPERO_TEST_CACHE_URL")["BACKEND"] == (
        "django.core.cache.backends.locmem.LocMemCache"
    )


def test_the_django_cache_api_works(redis_cache):
    assert redis_cache.add("mark", 1, timeout=30) is True
    assert redis_cache.add("mark", 2, timeout=30) is False
    assert redis_cache.get("mark") == 1
    redis_cache.set("thing", {"a": [1, 2]}, timeout=30)
    assert redis_cache.get("thing") == {"a": [1, 2]}
    assert redis_cache.delete("mark") is True
    assert redis_cache.add("mark", 3, timeout=30) is True


def test_count_attempts_counts_each_key_in_its_own_window(redis_cache):
    assert redis_cache.count_attempts([("a", 60), ("b", 600)]) == [1, 1]
    assert redis_cache.count_attempts([("a", 60), ("b", 600)]) == [2, 2]
    assert redis_cache.count_attempts([("a", 60)]) == [3]
    client = redis.Redis.from_url(REDIS_URL)
    assert 0 < client.ttl(redis_cache.make_key("a")) <= 60
    assert 540 < client.ttl(redis_cache.make_key("b")) <= 600


def test_count_attempts_recovers_when_redis_forgets_the_script(redis_cache):
    assert redis_cache.count_attempts([("a", 60)]) == [1]
    redis.Redis.from_url(REDIS_URL).script_flush()  # as after a restart of Redis
    assert redis_cache.count_attempts([("a", 60)]) == [2]


def test_threads_each_have_their_own_client_and_no_attempt_is_lost(redis_cache):
    clients = {}

    def count(index):
        clients[index] = redis_cache._cache.get_client(write=True)
        assert clients[index] is redis_cache._cache.get_client(write=True)
        for _ in range(50):
            redis_cache.count_attempts([("shared", 600)])

    threads = [threading.Thread(target=count, args=(index,)) for index in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len({id(client) for client in clients.values()}) == 20
    assert redis_cache.count_attempts([("shared", 600)]) == [20 * 50 + 1]


def test_rate_limits_on_redis(redis_cache, monkeypatch):
    monkeypatch.setattr(abuse, "cache", redis_cache)
    limits = (("sign-ip", "hash-1", 2, 600), ("sign-email", "kari@example.no", 3, 3600))
    assert [abuse.within_limits(*limits) for _ in range(3)] == [True, True, False]
    # Another address has its own count; the e-mail's count goes on.
    other = (("sign-ip", "hash-2", 2, 600), ("sign-email", "kari@example.no", 3, 3600))
    assert abuse.within_limits(*other) is False


def test_rate_limits_refuse_when_redis_is_down(unreachable_cache, monkeypatch):
    monkeypatch.setattr(abuse, "cache", unreachable_cache)
    assert abuse.within_limits(("sign-ip", "hash-1", 30, 600)) is False


@task()
def noted_task():
    return "ran"


@pytest.fixture
def queued(settings):
    """The runs of noted_task that were enqueued, in a queue that only records them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = noted_task.get_backend()
    backend.clear()
    return backend.results


@pytest.fixture
def enqueue_once_and_commit(django_capture_on_commit_callbacks):
    def enqueue():
        with django_capture_on_commit_callbacks(execute=True):
            site_tasks.enqueue_once(noted_task, "test")

    return enqueue


@pytest.mark.django_db
def test_enqueue_once_queues_one_run_until_it_starts(
    redis_cache, monkeypatch, queued, enqueue_once_and_commit, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(site_tasks, "cache", redis_cache)
    with django_capture_on_commit_callbacks(execute=True):
        site_tasks.enqueue_once(noted_task, "test")
        assert queued == []  # not before the commit
    assert len(queued) == 1
    enqueue_once_and_commit()  # a run is queued and has not started: nothing more
    enqueue_once_and_commit()
    assert len(queued) == 1

    site_tasks.run_started("test")
    enqueue_once_and_commit()
    assert len(queued) == 2


@pytest.mark.django_db
def test_enqueue_once_queues_anyway_when_redis_is_down(
    unreachable_cache, monkeypatch, queued, enqueue_once_and_commit
):
    monkeypatch.setattr(site_tasks, "cache", unreachable_cache)
    enqueue_once_and_commit()
    enqueue_once_and_commit()
    assert len(queued) == 2
    site_tasks.run_started("test")  # does not raise: the mark expires by itself


def test_the_fail_soft_alias_misses_and_the_strict_one_raises_while_redis_is_away(
    unreachable_cache,
):
    soft = RedisCache(
        unreachable_cache._servers[0],
        {"FAIL_SOFT": True, "OPTIONS": {"socket_connect_timeout": 1}},
    )
    assert soft.get("anything", "fallback") == "fallback"
    assert soft.get_many(["a", "b"]) == {}
    soft.set("a", 1, 30)  # dropped
    assert soft.delete("a") is False
    with pytest.raises(redis.exceptions.ConnectionError):
        soft.incr("a")  # a count is never guessed
    with pytest.raises(redis.exceptions.ConnectionError):
        unreachable_cache.get("anything")


def test_a_connection_redis_dropped_is_made_again_within_the_call(redis_cache):
    """After Redis restarts, every worker thread's kept connection is dead. The first call on it
    must connect again rather than fail: a failing call refuses a login or a form (the strict
    cache fails closed), though Redis is back."""
    redis_cache.set("before", 1, timeout=30)
    client = redis_cache._cache.get_client(write=True)
    own_id = client.client_id()
    redis.Redis.from_url(REDIS_URL).client_kill_filter(_id=own_id)
    assert redis_cache.get("before") == 1
    assert client.client_id() != own_id
