import io

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from wagtail.models import Page, Site

from pages.models import HomePage
from tests.factories import make_image

_migrations = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Right after the test database is made, snapshot what the migrations leave in it:
    Wagtail's root page, default site and collection, the admin's roles. migrations_data
    (tests/test_production.py) brings exactly that back after a transactional test. Kept here
    rather than on the connection object, which differs between the tests' threads and
    contexts (the browser tests run in an event loop)."""
    with django_db_blocker.unblock():
        _migrations["snapshot"] = connection.creation.serialize_db_to_string()


@pytest.fixture
def migrations_snapshot(django_db_setup):
    return _migrations["snapshot"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def root_page(db):
    """The tree's root; made here when a transactional test has flushed the migration's one."""
    root = Page.get_first_root_node()
    return root or Page.add_root(instance=Page(title="Root", slug="root"))


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
    client.force_login(superuser)
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
