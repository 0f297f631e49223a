import io
import mailbox

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from pytest_django.plugin import blocking_manager_key
from wagtail.models import Page, Site

from pages.models import HomePage
from stack.processes import free_port
from stack.smtp import MaildirHandler
from tests.admin_helpers import log_in
from tests.factories import make_image
from tests.fake_vipps import FakeVipps
from tests.migrations_data import restore_migrations_data

_migrations = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Right after the test database is made, snapshot what the migrations leave in it:
    Wagtail's locale, root page, default site and collection, the admin's roles. Kept here
    rather than on the connection object, which differs between the tests' threads and
    contexts (the browser tests run in an event loop)."""
    with django_db_blocker.unblock():
        _migrations["snapshot"] = connection.creation.serialize_db_to_string()


def is_transactional(item):
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return (
        "transactional_db" in names
        or "live_server" in names
        or bool(marker and marker.kwargs.get("transaction"))
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying every table (and a browser test's flush comes
    last of all: pytest-django asks for the transactional database from an autouse fixture).
    So once all of a transactional test's fixtures are torn down, the migrations' data goes
    back in, and every later test on this worker finds the database as the migrations left it."""
    result = yield
    # With no next item the session's fixtures, the test database among them, are gone.
    if nextitem is not None and is_transactional(item) and "snapshot" in _migrations:
        with item.config.stash[blocking_manager_key].unblock():
            restore_migrations_data(_migrations["snapshot"])
    return result


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def root_page(db):
    """The tree's root, as Wagtail's migrations made it."""
    return Page.get_first_root_node()


@pytest.fixture
def home_page(root_page):
    home = root_page.add_child(instance=HomePage(title="Spero foreningen", slug="spero"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    return home


@pytest.fixture
def demo_site(db):
    """The full Norwegian demo content, as `make run` loads it."""
    call_command("load_demo_content", stdout=io.StringIO())
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("stab", "stab@example.org", "passord-123")


@pytest.fixture
def admin_client(client, superuser):
    log_in(client, superuser)
    return client


@pytest.fixture
def image(db):
    return make_image()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters and queued-task marks from one test never reach the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fake_vipps(settings):
    """A fake Vipps on loopback, with the site's VIPPS_* settings pointing at it. The test fails
    if anything the site sent or the fake answered is not as Vipps's published definitions
    allow (tests/vipps_spec.py)."""
    fake = FakeVipps().start()
    for name, value in fake.site_settings().items():
        setattr(settings, name, value)
    settings.VIPPS_TIMEOUT_SECONDS = 5
    yield fake
    fake.stop()
    fake.assert_as_published()


@pytest.fixture
def smtp_server(tmp_path, settings):
    """A real SMTP server on loopback (the stack's, stack/smtp.py) writing to a maildir."""
    port = free_port()
    controller = Controller(
        MaildirHandler(tmp_path / "maildir", None), hostname="127.0.0.1", port=port
    )
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield mailbox.Maildir(tmp_path / "maildir")
    finally:
        controller.stop()
