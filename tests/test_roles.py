"""The admin's two roles (spero_site/migrations/0001_roles.py): what each may do outside personal
data, the migration's permissions, and the login lockout. Personal data by role, the 403 and the
audit log, is in tests/personal_data_admin/.

The users here are in the migration's own groups, «Redaktør» (volunteers) and «Ansatt» (staff)."""

import datetime
import importlib
import io
import ipaddress
import logging
import pickle

import pytest
import time_machine
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
)
from wagtail.permissions import policy_registry
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from campaigns.models import Petition
from events.models import Event
from pages.models import OrganisationSettings, StandardPage, Statistic
from spero_site import login_lockout
from spero_site.abuse import ip_hash
from tests.admin_helpers import log_in
from tests.factories import make_event
from tests.personal_data_admin.staff_calls import PERSONAL_DATA_MODELS
from tests.test_redis_cache import redis_cache, unreachable_cache  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

roles_migration = importlib.import_module("spero_site.migrations.0001_roles")
contact_roles_migration = importlib.import_module("contact.migrations.0002_staff_role")
newsletter_roles_migration = importlib.import_module("newsletter.migrations.0002_staff_role")
newsletter_sending_migration = importlib.import_module("newsletter.migrations.0004_staff_sends")
members_roles_migration = importlib.import_module("members.migrations.0002_staff")
LATER_ROLE_MIGRATIONS = [
    contact_roles_migration,
    newsletter_roles_migration,
    newsletter_sending_migration,
    members_roles_migration,
]
EDITOR, STAFF = roles_migration.EDITOR, roles_migration.STAFF
PASSWORD = "pw-12345"


class MigrationSchemaEditor:
    """What the migration's functions use of a schema editor."""

    connection = connection


@pytest.fixture
def roles(root_page):
    """The migration's groups. A transactional test elsewhere in the same process may have
    emptied the tables; the migration's own code then makes them again."""
    if Group.objects.filter(name__in=[EDITOR, STAFF]).count() < 2:
        if not Collection.objects.filter(depth=1).exists():
            Collection.add_root(name="Root")
        roles_migration.create_roles(django_apps, MigrationSchemaEditor)
        for migration in LATER_ROLE_MIGRATIONS:
            migration.grant(django_apps, MigrationSchemaEditor)
    return {name: Group.objects.get(name=name) for name in (EDITOR, STAFF)}


def member(username, role):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def redaktor(roles):
    return member("frivillig", EDITOR)


@pytest.fixture
def ansatt(roles):
    return member("stabsmedlem", STAFF)


# ---------------------------------------------------------------------------------------------
# What each role sees and does outside personal data


def test_a_redaktor_adds_edits_and_publishes_a_page_and_uploads_an_image(
    client, redaktor, home_page
):
    log_in(client, redaktor)
    add_url = reverse("wagtailadmin_pages:add", args=["pages", "standardpage", home_page.pk])
    assert client.get(add_url).status_code == 200
    response = client.post(
        add_url,
        nested_form_data(
            {
                "title": "Om oss",
                "slug": "om-oss",
                "intro": rich_text("<p>Hvem vi er.</p>"),
                "body": streamfield([]),
                "comments": inline_formset([]),
                "action-publish": "publish",
            }
        ),
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    page = StandardPage.objects.get(slug="om-oss")
    assert page.live and page.owner == redaktor

    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    form = querydict_from_html(client.get(edit_url).content.decode(), form_id="page-edit-form")
    # The body's inputs are drawn by the admin's scripts, so the page's HTML has none of them.
    fields = {"title": "Om Spero", "body": streamfield([]), "action-publish": "publish"}
    for name, value in nested_form_data(fields).items():
        form[name] = value
    response = client.post(edit_url, form)
    assert response.status_code == 302, response.context and response.context["form"].errors
    page.refresh_from_db()
    assert (page.title, page.live, page.has_unpublished_changes) == ("Om Spero", True, False)

    png = io.BytesIO()
    PILImage.new("RGB", (1200, 630), (36, 90, 120)).save(png, format="PNG")
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "Frivillige", "file": SimpleUploadedFile("frivillige.png", png.getvalue())},
    )
    assert response.status_code == 302
    assert get_image_model().objects.filter(title="Frivillige").exists()


def test_a_redaktor_edits_statistics_and_chooses_an_event_but_manages_no_petition_or_event(
    client, redaktor, home_page
):
    event = make_event()
    log_in(client, redaktor)
    assert client.get(reverse("wagtailsnippets_pages_statistic:add")).status_code == 200
    chooser = reverse("wagtailsnippetchoosers_events_event:choose")
    assert event.title in client.get(chooser).content.decode()
    site_id = Site.objects.get(is_default_site=True).pk
    settings_url = reverse("wagtailsettings:edit", args=["pages", "organisationsettings", site_id])
    for url in (
        reverse("wagtailsnippets_campaigns_petition:list"),
        reverse("wagtailsnippets_campaigns_petition:add"),
        reverse("wagtailsnippets_events_event:list"),
        reverse("wagtailsnippets_events_event:edit", args=[event.pk]),
        settings_url,
    ):
        # Not personal data: Wagtail's own refusal (a redirect to the dashboard) stays.
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("wagtailadmin_home"), url


def test_an_ansatt_manages_petitions_events_and_the_site_settings(client, ansatt, home_page):
    event = make_event()
    log_in(client, ansatt)
    site_id = Site.objects.get(is_default_site=True).pk
    for url in (
        reverse("wagtailsnippets_pages_statistic:add"),
        reverse("wagtailsnippets_campaigns_petition:list"),
        reverse("wagtailsnippets_campaigns_petition:add"),
        reverse("wagtailsnippets_events_event:list"),
        reverse("wagtailsnippets_events_event:edit", args=[event.pk]),
        reverse("wagtailsettings:edit", args=["pages", "organisationsettings", site_id]),
        reverse("wagtailadmin_pages:add", args=["pages", "standardpage", home_page.pk]),
    ):
        assert client.get(url).status_code == 200, url


# ---------------------------------------------------------------------------------------------
# The migration


def codenames(group):
    return {(p.content_type.app_label, p.codename) for p in group.permissions.all()}


def test_the_roles_have_exactly_their_permissions(roles):
    editor, staff = roles[EDITOR], roles[STAFF]
    assert codenames(editor) == set(roles_migration.EDITOR_PERMISSIONS)
    assert codenames(staff) == {
        *roles_migration.STAFF_PERMISSIONS,
        *(p for migration in LATER_ROLE_MIGRATIONS for p in migration.STAFF_PERMISSIONS),
    }
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    for group in (editor, staff):
        pages = GroupPagePermission.objects.filter(group=group)
        assert {(p.page_id, p.permission.codename) for p in pages} == {
            (root_page.pk, codename) for codename in roles_migration.PAGE_PERMISSIONS
        }
        collections = GroupCollectionPermission.objects.filter(group=group)
        assert {
            (p.collection_id, p.permission.content_type.app_label, p.permission.codename)
            for p in collections
        } == {(root_collection.pk, *pair) for pair in roles_migration.COLLECTION_PERMISSIONS}


def test_a_redaktor_has_no_permission_on_personal_data_or_the_settings(redaktor):
    actions = ["add", "change", "delete", "view"]
    for model in [*PERSONAL_DATA_MODELS, Petition, Event, OrganisationSettings]:
        assert not policy_registry.get_by_type(model).user_has_any_permission(redaktor, actions)
    assert not redaktor.has_perm("donations.export_tax_report")
    assert policy_registry.get_by_type(Statistic).user_has_permission(redaktor, "change")


def test_an_ansatt_is_no_administrator(ansatt):
    assert not ansatt.is_superuser and not ansatt.is_staff
    assert not ansatt.has_perm("auth.change_user") and not ansatt.has_perm("auth.change_group")


def test_wagtails_sample_groups_are_gone_and_their_approval_task_goes_to_staff(roles):
    assert not Group.objects.filter(name__in=roles_migration.WAGTAIL_SAMPLE_GROUPS).exists()
    for task in GroupApprovalTask.objects.all():
        assert list(task.groups.all()) == [roles[STAFF]]


def test_the_migration_runs_again_without_change_and_reverses(roles):
    def snapshot():
        groups = Group.objects.filter(name__in=[EDITOR, STAFF]).order_by("name")
        return [
            (
                group.name,
                sorted(codenames(group)),
                GroupPagePermission.objects.filter(group=group).count(),
                GroupCollectionPermission.objects.filter(group=group).count(),
            )
            for group in groups
        ]

    before = snapshot()
    roles_migration.create_roles(django_apps, MigrationSchemaEditor)
    assert snapshot() == before

    roles_migration.remove_roles(django_apps, MigrationSchemaEditor)
    assert not Group.objects.filter(name__in=[EDITOR, STAFF]).exists()
    assert not GroupPagePermission.objects.filter(group__name__in=[EDITOR, STAFF]).exists()

    roles_migration.create_roles(django_apps, MigrationSchemaEditor)
    for migration in LATER_ROLE_MIGRATIONS:
        migration.grant(django_apps, MigrationSchemaEditor)
    assert snapshot() == before
    for migration in LATER_ROLE_MIGRATIONS:
        migration.revoke(django_apps, MigrationSchemaEditor)
        staff = Group.objects.get(name=STAFF)
        assert not set(migration.STAFF_PERMISSIONS) & codenames(staff)


def test_a_sample_group_somebody_is_in_is_kept(roles):
    editors = Group.objects.create(name="Editors")
    get_user_model().objects.create_user("gammel").groups.add(editors)
    Group.objects.create(name="Moderators")
    roles_migration.create_roles(django_apps, MigrationSchemaEditor)
    assert list(Group.objects.filter(name__in=["Editors", "Moderators"])) == [editors]


# ---------------------------------------------------------------------------------------------
# Login lockout

ADDRESS = "203.0.113.7"
OTHER_ADDRESS = "198.51.100.23"


def password_login(username, password, address=ADDRESS):
    """One login attempt from a fresh browser at `address`; returns (response, client)."""
    browser = Client()
    response = browser.post(
        reverse("wagtailadmin_login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )
    return response, browser


def logged_in(response):
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


def locked_out(response):
    return response.status_code == 429 and "data-locked-out" in response.content.decode()


@pytest.fixture
def admins(roles):
    return member("alice", EDITOR), member("bob", STAFF)


def test_the_lockout_settings_default_to_five_attempts_and_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert datetime.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_five_wrong_passwords_lock_the_username_out_from_that_client(admins):
    for attempt in range(1, 5):
        response, _ = password_login("alice", "wrong")
        assert response.status_code == 200, attempt  # the login form with its error
        assert not logged_in(response)
    response, _ = password_login("alice", "wrong")
    assert locked_out(response)
    # The sixth, with the right password, is refused all the same.
    response, browser = password_login("alice", PASSWORD)
    assert locked_out(response)
    assert not response.wsgi_request.user.is_authenticated
    assert browser.get(reverse("wagtailadmin_home")).status_code == 302  # to the login page
    # Not a message from axes: the site's own page, in the admin's Norwegian.
    assert "spero_site/admin/locked_out.html" in [t.name for t in response.templates]
    assert '<html lang="nb"' in response.content.decode()


def test_another_username_from_the_same_client_is_not_locked(admins):
    for _ in range(5):
        password_login("alice", "wrong")
    assert locked_out(password_login("alice", PASSWORD)[0])
    response, _ = password_login("bob", "wrong")
    assert response.status_code == 200
    assert logged_in(password_login("bob", PASSWORD)[0])
    # Nor is the same username from another client.
    assert logged_in(password_login("alice", PASSWORD, OTHER_ADDRESS)[0])


def test_a_success_before_the_limit_resets_only_its_own_count(admins):
    for _ in range(4):
        password_login("alice", "wrong")
        password_login("bob", "wrong")
        password_login("alice", "wrong", OTHER_ADDRESS)
    assert logged_in(password_login("alice", PASSWORD)[0])
    # Alice's count from this client starts again ...
    for _ in range(4):
        assert password_login("alice", "wrong")[0].status_code == 200
    # ... but not Bob's from the same client, nor Alice's from the other one.
    assert locked_out(password_login("bob", "wrong")[0])
    assert locked_out(password_login("alice", "wrong", OTHER_ADDRESS)[0])


def test_the_lockout_ends_after_the_cool_off(admins):
    for _ in range(5):
        password_login("alice", "wrong")
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        assert logged_in(password_login("alice", PASSWORD)[0])


def test_no_address_is_stored_or_logged(admins, caplog):
    caplog.set_level(logging.DEBUG)
    for _ in range(6):
        password_login("alice", "wrong")
    password_login("bob", PASSWORD)
    assert ADDRESS not in caplog.text
    assert "alice" not in caplog.text  # usernames are masked in axes's lines
    assert AccessAttempt.objects.count() == AccessLog.objects.count() == 0
    assert AccessFailureLog.objects.count() == 0
    stored = b"".join(key.encode() + value for key, value in cache._cache.items())
    assert cache._cache and ADDRESS.encode() not in stored
    assert pickle.dumps(ADDRESS) not in stored


def test_the_client_pseudonym_is_a_keyed_hash_written_as_an_unroutable_ipv6_address(rf):
    def pseudonym(address):
        return login_lockout.client_pseudonym(rf.get("/", REMOTE_ADDR=address))

    first = ipaddress.IPv6Address(pseudonym(ADDRESS))
    assert first in ipaddress.IPv6Network("fd00::/8")
    assert pseudonym(ADDRESS) == str(first) != pseudonym(OTHER_ADDRESS)
    assert first.packed[1:] == bytes.fromhex(ip_hash(rf.get("/", REMOTE_ADDR=ADDRESS)))[:15]


@pytest.fixture
def lockout_cache(monkeypatch):
    """Point the lockout at another cache than the test settings' local memory."""
    handler = AxesProxyHandler.get_implementation()
    assert isinstance(handler, login_lockout.LockoutCacheHandler)

    def use(other):
        monkeypatch.setattr(handler, "cache", other)

    return use


def test_the_lockout_works_on_the_production_cache(admins, lockout_cache, redis_cache):  # noqa: F811
    lockout_cache(redis_cache)
    for _ in range(5):
        password_login("alice", "wrong")
    assert locked_out(password_login("alice", PASSWORD)[0])
    assert logged_in(password_login("bob", PASSWORD)[0])
    assert not cache._cache  # nothing went to the local-memory cache


def test_a_cache_that_does_not_answer_refuses_the_login(
    admins,
    lockout_cache,
    unreachable_cache,  # noqa: F811
):
    lockout_cache(unreachable_cache)
    response, _ = password_login("alice", PASSWORD)
    assert locked_out(response)
    assert not response.wsgi_request.user.is_authenticated
