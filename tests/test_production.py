"""Production settings, gunicorn.conf.py and the deploy docs, exercised for real: every check
starts Django or gunicorn in a subprocess with a production environment, as a server would."""

import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from spero_site.settings.base import env as settings_env
from tests.migrations_data import assert_migrations_data

BASE_DIR = Path(__file__).resolve().parent.parent
REQUIRED = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CACHE_URL", "EMAIL_URL")
GUNICORN_VARIABLES = (
    "PORT",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "GUNICORN_ACCESS_LOG",
    "FORWARDED_ALLOW_IPS",
)
SUBPROCESS_TIMEOUT = 120  # seconds; no step here may hang the suite
SERVER_START_TIMEOUT = 30
HTTPS = {"X-Forwarded-Proto": "https"}
WSGI_APP = "spero_site.wsgi:application"


def production_env(**overrides):
    """The runner's environment without any variable the site reads, plus a complete
    production set, so that nothing from the test settings leaks into the subprocess."""
    skipped = {*settings_env.scheme, *GUNICORN_VARIABLES, "DJANGO_SETTINGS_MODULE"}
    environ = {name: value for name, value in os.environ.items() if name not in skipped}
    environ.update(
        DJANGO_SETTINGS_MODULE="spero_site.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="spero.example",
        DATABASE_URL="postgres://spero@127.0.0.1:5432/spero",
        CACHE_URL="locmemcache://",
        EMAIL_URL="consolemail://",
    )
    environ.update(overrides)
    return environ


def run(args, environ):
    return subprocess.run(  # noqa: S603 - fixed arguments, no shell
        args, cwd=BASE_DIR, env=environ, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT
    )


@pytest.mark.parametrize("value", [None, " "], ids=["unset", "blank"])
@pytest.mark.parametrize("name", REQUIRED)
def test_production_refuses_to_start_without(name, value):
    environ = production_env()
    if value is None:
        del environ[name]
    else:
        environ[name] = value

    result = run([sys.executable, "-c", "import django; django.setup()"], environ)

    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured: Missing required environment variable(s)" in message
    assert name in message
    assert [other for other in REQUIRED if other != name and other in message] == []


def test_deploy_check_passes_without_warnings():
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(),
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_deploy_docs_describe_every_variable():
    docs = (BASE_DIR / "docs" / "deploy.md").read_text(encoding="utf-8")

    gunicorn_conf = (BASE_DIR / "gunicorn.conf.py").read_text(encoding="utf-8")
    gunicorn_env = re.findall(r"""(?:environ\.get|_int_env)\(["'](\w+)""", gunicorn_conf)

    assert {"WEB_CONCURRENCY", "GUNICORN_ACCESS_LOG"} <= set(gunicorn_env)
    assert [name for name in [*settings_env.scheme, *gunicorn_env] if f"`{name}`" not in docs] == []


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_database_url():
    """A URL for the test database, which gunicorn's workers must share with this process."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{quote(db['NAME'], safe='')}"


def get(port, path, headers=None):
    """One GET without following redirects; returns (status, headers, body text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


@pytest.fixture
def gunicorn_server(tmp_path):
    """gunicorn with gunicorn.conf.py and production settings on a free loopback port, serving
    static files collected into a temporary STATIC_ROOT. Yields (port, static root)."""
    port = free_port()
    static_root = tmp_path / "static"
    environ = production_env(
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=gunicorn_database_url(),
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(tmp_path / "media"),
        PORT=str(port),
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="2",
    )
    collected = run([sys.executable, "manage.py", "collectstatic", "--noinput"], environ)
    assert collected.returncode == 0, collected.stderr

    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", WSGI_APP],
            cwd=BASE_DIR,
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if server.poll() is not None:
                pytest.fail(f"gunicorn exited with {server.returncode}:\n{log_path.read_text()}")
            try:
                get(port, "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not answer in time:\n{log_path.read_text()}")
                time.sleep(0.2)
        yield port, static_root
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def test_gunicorn_serves_the_site_in_production_mode(
    transactional_db,
    home_page,
    gunicorn_server,
):
    # gunicorn's workers are other processes and only see committed data, hence the
    # transactional database.
    home_page.title = "Røyktest for produksjon"
    home_page.save()
    port, static_root = gunicorn_server

    status, headers, html = get(port, "/", HTTPS)
    assert status == 200, html
    assert "Røyktest for produksjon" in html
    assert "Strict-Transport-Security" in headers
    assert "Set-Cookie" not in headers  # readers get no cookie

    # The page links its stylesheet by the hashed name from the manifest, which WhiteNoise
    # serves with a far-future, immutable Cache-Control.
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    stylesheet = "/static/" + manifest["paths"]["css/site.css"]
    assert f'href="{stylesheet}"' in html
    status, headers, _ = get(port, stylesheet, HTTPS)
    assert status == 200
    assert "max-age=315360000" in headers["Cache-Control"]
    assert "immutable" in headers["Cache-Control"]
    # Static files, pages and health checks all carry the security headers (tests/
    # test_security_headers.py checks their contents).
    for path, extra in (("/", HTTPS), (stylesheet, HTTPS), ("/healthz", HTTPS)):
        _, headers, _ = get(port, path, extra)
        for name in SECURITY_HEADERS:
            assert name in headers, (path, name)
    _, headers, _ = get(port, "/healthz")
    assert "Content-Security-Policy" in headers
    assert "Strict-Transport-Security" not in headers  # HSTS only ever over HTTPS

    status, headers, body = get(port, "/healthz")  # plain HTTP, as a load balancer asks
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"status": "ok"}
    # A balancer that calls the container by its address, with no known Host, gets the same.
    status, _, body = get(port, "/healthz", {"Host": "10.1.2.3:8000"})
    assert (status, json.loads(body)) == (200, {"status": "ok"})

    status, headers, _ = get(port, "/")
    assert status == 301
    assert headers["Location"] == f"https://127.0.0.1:{port}/"


SECURITY_HEADERS = (
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Permissions-Policy",
    "Cross-Origin-Opener-Policy",
)


def test_database_is_back_to_migrations_data(transactional_db):
    # Runs after the transactional tests above (they keep their file order) and sees what they
    # left behind: nothing is loaded before this one.
    assert_migrations_data()
