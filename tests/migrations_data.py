"""What Wagtail's and the site's migrations leave in a new database (the default locale, the
root page, default Site and root Collection, the admin's roles): put back after a transactional
test by tests/conftest.py, and checked by the tests that run after one."""

import json

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from wagtail.models import Collection, Locale, Page, Site


def restore_migrations_data(snapshot):
    """Empty every table, then load the snapshot, content types first: Wagtail's Task.__init__
    looks its content type up while the snapshot is read, and must find the snapshot's row
    rather than create a second one (Django's own reload fails here after a post_migrate)."""
    call_command(
        "flush",
        interactive=False,
        verbosity=0,
        reset_sequences=False,  # like TransactionTestCase's flush: no id is handed out twice
        inhibit_post_migrate=True,
    )
    ContentType.objects.clear_cache()
    objects = json.loads(snapshot)
    content_types = [row for row in objects if row["model"] == "contenttypes.contenttype"]
    others = [row for row in objects if row["model"] != "contenttypes.contenttype"]
    for part in (content_types, others):
        connection.creation.deserialize_db_from_string(json.dumps(part))
    ContentType.objects.clear_cache()


def assert_migrations_data():
    assert Locale.get_default() is not None
    assert Page.get_first_root_node() is not None
    assert Collection.get_first_root_node() is not None
    assert Site.objects.filter(is_default_site=True).exists()
