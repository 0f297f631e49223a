"""The stack under test: a PostgreSQL database of its own, the cache (Redis under a per-run key
prefix, or local memory), the site's environment, migrated and with the demo content, and
gunicorn with the e-mail worker beside it. What it starts or creates is undone at the end."""

import http.client
import os
import runpy
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

from bench.common import BASE_DIR, log, run_python

WSGI_APP = "spero_site.wsgi:application"
REDIS_URL = "redis://127.0.0.1:6379/0"
SERVER_START_TIMEOUT = 60
SERVER_STOP_TIMEOUT = 30
# Passed through from the runner's environment; nothing the site reads (DATABASE_URL,
# TASK_BACKEND, ...) may leak in from the shell.
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ")


@dataclass
class Site:
    """The prepared site: the environment of its processes and what the results record."""

    environ: dict
    postgresql: str  # the server's version
    cache: str  # "redis" or "locmem"
    workers: int
    threads: int


def prepare_site(args, stack, tmp):
    """Creates the bench database, picks the cache, migrates, loads the demo content, collects
    the static files and sets up Django in this process on that database. What is to be undone
    (the database, the cache keys, Django's connections) goes on `stack`."""
    url = server_url()
    db_name = f"spero_bench_{secrets.token_hex(4)}"
    postgres_version = create_database(url, db_name)
    stack.callback(log, f"dropped database {db_name}")
    stack.callback(drop_database, url, db_name)
    log(f"created database {db_name} (PostgreSQL {postgres_version})")

    cache = args.cache
    if cache == "auto":
        cache = "redis" if redis_answers() else "locmem"
    key_prefix = f"spero-bench-{secrets.token_hex(4)}"
    if cache == "redis":
        cache_url = REDIS_URL
        stack.callback(delete_cache_keys, key_prefix)
    else:
        cache_url = "locmemcache://"

    environ = site_environment(with_database(url, db_name), cache_url, key_prefix, tmp)
    if args.workers:
        environ["WEB_CONCURRENCY"] = str(args.workers)
    if args.threads:
        environ["GUNICORN_THREADS"] = str(args.threads)
    workers, threads = gunicorn_sizes(environ)

    log("migrating, loading demo content, collecting static files")
    manage(environ, "migrate", "--noinput")
    manage(environ, "load_demo_content")
    manage(environ, "collectstatic", "--noinput")
    setup_django(environ)
    from django.db import connections

    stack.callback(connections.close_all)
    return Site(environ, postgres_version, cache, workers, threads)


# --- Database and cache -----------------------------------------------------------------------


def server_url():
    """A PostgreSQL URL on which this runner may create databases: BENCH_DATABASE_URL,
    DATABASE_URL, or what scripts/find_postgres.py finds on localhost:5432."""
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if not url.startswith(("postgres://", "postgresql://")):
        found = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [sys.executable, "scripts/find_postgres.py"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=60,
        )
        url = found.stdout.strip()
    if not url:
        raise SystemExit(
            "No PostgreSQL found: set BENCH_DATABASE_URL (a server where this user may create "
            "databases) or start one on localhost:5432."
        )
    return url


def with_database(url, name):
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + quote(name), parts.query, ""))


def create_database(url, name):
    import psycopg
    from psycopg import sql

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return conn.execute("SHOW server_version").fetchone()[0]


def drop_database(url, name):
    import psycopg
    from psycopg import sql

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def redis_answers():
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any failure means: no Redis to use
        return False


def delete_cache_keys(prefix):
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])
    return len(keys)


# --- Processes --------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_environment(database_url, cache_url, key_prefix, tmp):
    """The complete environment of every process of the site under test."""
    environ = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
    environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        CACHE_URL=cache_url,
        BENCH_CACHE_KEY_PREFIX=key_prefix,
        EMAIL_URL="dummymail://",
        NUM_PROXIES="1",
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return environ


def manage(environ, *args):
    return run_python("manage.py", *args, env=environ)


def setup_django(environ):
    """Django in this process, on the bench database with the server's SECRET_KEY (to make
    confirmation links). Nothing from the shell's environment reaches its settings."""
    os.environ.clear()
    os.environ.update(environ)
    import django

    django.setup()


def get(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def gunicorn_sizes(environ):
    """workers and threads as gunicorn.conf.py decides them for this environment."""
    saved = dict(os.environ)
    try:
        os.environ.update(environ)
        config = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return config["workers"], config["threads"]


class Server:
    """gunicorn and the e-mail worker (`nice db_worker`, as in compose.yaml); stopped on exit."""

    def __init__(self, environ, tmp, worker_nice, extra_args=()):
        self.port = free_port()
        self.extra_args = list(extra_args)
        self.environ = {**environ, "PORT": str(self.port)}
        self.log_path = tmp / "gunicorn.log"
        self.worker_log_path = tmp / "worker.log"
        self.log_paths = [self.log_path, self.worker_log_path]
        self.name = "site"
        self.worker_nice = worker_nice
        self.processes = []
        self.staff_login = None

    def __enter__(self):
        self._start(
            self.log_path,
            [
                *(sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"),
                # Loopback only, whatever gunicorn.conf.py binds in a container.
                *("--bind", f"127.0.0.1:{self.port}", *self.extra_args, WSGI_APP),
            ],
        )
        self._start(
            self.worker_log_path,
            [sys.executable, "manage.py", "db_worker", "--interval", "1"],
            preexec_fn=lambda: os.nice(self.worker_nice),  # in the child, before exec
        )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            for process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited:\n{self.log_tail()}")
            try:
                if get(self.port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not answer in time:\n{self.log_tail()}")
            time.sleep(0.2)
        return self

    def _start(self, log_path, command, **options):
        with log_path.open("w") as log_file:
            self.processes.append(
                subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
                    command,
                    cwd=BASE_DIR,
                    env=self.environ,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    **options,
                )
            )

    def __exit__(self, *exc):
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=SERVER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def worker_boots(self):
        try:
            return self.log_path.read_text(errors="replace").count("Booting worker")
        except OSError:
            return 0

    def log_tail(self, lines=30):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def error_lines(self):
        """Lines of the server and worker logs that tell of a problem: tracebacks, errors and
        warnings (gunicorn's access log is off, as in production; the load generator counts
        every answer that was not the expected one)."""
        lines = []
        for path in self.log_paths:
            if path.exists():
                lines += path.read_text(errors="replace").splitlines()
        markers = (
            "Traceback",
            "Error",
            "FAILED",
            "[ERROR]",
            "[CRITICAL]",
            "[WARNING]",
        )
        return [line for line in lines if any(marker in line for marker in markers)]
