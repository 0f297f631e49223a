"""Real-browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium, or
the path in CHROMIUM_PATH) against the site served by a real server on loopback (pytest-django's
live_server: Django's threaded WSGI server in this process, on the test database).

Playwright's own browser download does not work on these machines; Chromium comes from Debian
(.ci/run installs it). Without it the tests are skipped on a developer's machine and fail in CI
(CI=true), so that CI never passes without them.

Each test gets a fresh browser context (no cookies), records every request the page makes
(`page.requests_seen`) so tests can check that nothing left the site's own origin, and reads the
site's e-mails from Django's locmem backend (the server runs in this process)."""

import os
import shutil
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

CHROMIUM_ARGS = [
    "--headless=new",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machine's network is closed: without these Chromium keeps calling Google's hosts.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
]


def chromium_path():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if os.path.exists(path) else None


@pytest.fixture(scope="package")
def browser():
    path = chromium_path()
    if path is None:
        message = "Chromium not found (apt-get install chromium, or set CHROMIUM_PATH)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    args = [*CHROMIUM_ARGS, *(["--no-sandbox"] if os.geteuid() == 0 else [])]
    # Playwright's sync API keeps an event loop in this thread while the browser lives; the
    # tests' own database calls are synchronous all the same. Only for this package's tests.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, args=args)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(live_server, settings):
    """The live server with the Norwegian demo content, its links in e-mails pointing at it."""
    settings.SITE_BASE_URL = live_server.url
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.ALLOWED_HOSTS = ["*"]
    call_command("load_demo_content", verbosity=0)
    from wagtail.models import Site

    host = urlsplit(live_server.url)
    Site.objects.filter(is_default_site=True).update(hostname=host.hostname, port=host.port)
    return live_server


@pytest.fixture
def page(browser, site):
    context = browser.new_context(locale="nb-NO", base_url=site.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.requests_seen = []
    page.on("request", lambda request: page.requests_seen.append(request.url))
    yield page
    context.close()


def same_origin(page, base_url):
    """Every request the page made went to the site itself."""
    origin = urlsplit(base_url)
    others = [
        url
        for url in page.requests_seen
        if urlsplit(url).scheme not in ("data", "blob")
        and (urlsplit(url).hostname, urlsplit(url).port) != (origin.hostname, origin.port)
    ]
    return others
