"""The admin's two roles (spero_site/migrations/0001_roles.py), the 403 on personal data, the
audit log of every export and staff action, and the login lockout.

The users here are in the migration's own groups, «Redaktør» (volunteers) and «Ansatt» (staff).
The list of personal-data requests is checked against the admin's URL patterns, so that a
personal-data view added later without a test here (or without the 403) fails."""

import csv
import datetime
import importlib
import io
import ipaddress
import logging
import pickle
from dataclasses import dataclass, field

import openpyxl
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
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.admin.viewsets import viewsets
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    ModelLogEntry,
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

from campaigns.models import Petition, Signature
from contact import services as contact_services
from contact.models import ContactMessage
from donations import admin_tax, services
from donations.models import DonationCharge, DonationEvent, DonationIntent
from events import admin_views as events_admin
from events import services as event_services
from events.models import Event, Registration
from members.models import Membership, MembershipFee, MembershipKind
from newsletter.models import Subscriber
from pages.models import OrganisationSettings, StandardPage, Statistic
from spero_site import login_lockout
from spero_site.abuse import ip_hash
from spero_site.personal_data import PersonalDataViewSet
from tests.admin_helpers import log_in
from tests.campaigns.test_admin import create as create_signature
from tests.campaigns.test_admin import make_petition
from tests.donations.test_bank_statement import cp1252_statement
from tests.donations.test_tax_deduction import KARI, at, last_year, paid_gift
from tests.events.conftest import person
from tests.factories import make_event
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

# The models whose rows say who someone is; any admin view over one is personal data.
PERSONAL_DATA_MODELS = {
    Signature,
    Registration,
    DonationIntent,
    DonationCharge,
    DonationEvent,
    ContactMessage,
    Subscriber,
    Membership,
    MembershipFee,
}
# The modules of the apps' own admin views over personal data.
PERSONAL_DATA_MODULES = {
    "campaigns.admin_views",
    "events.admin_views",
    "donations.admin_views",
    "donations.admin_bank",
    "donations.admin_tax",
    "contact.admin_views",
    "members.admin_views",
}
# What the fixture's people are called, so that a refusal can be checked to show none of it.
PERSONAL_MARKERS = ["Signer", "Deltaker", "Kari Nordmann", "@example"]
XHR = {"x-requested-with": "XMLHttpRequest"}


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
# Personal data: what there is, and every request staff can make on it


@pytest.fixture
def data(superuser):
    """One of everything a personal-data page shows or acts on."""
    petition = make_petition("roller")
    fraud = "f" * 64
    signatures = {
        "confirmed": create_signature(petition),
        "fraud": create_signature(petition, ip_hash=fraud),
        "comment": create_signature(petition, show_publicly=True, comment="Stigma må bort."),
        "rude": create_signature(petition, show_publicly=True, comment="Upassende."),
    }
    Petition.objects.filter(pk=petition.pk).update(signature_count=len(signatures))

    # Two seats; a group of two first in line holds the one free seat, a single waits behind.
    event = make_event(capacity=2, max_seats_per_registration=2)
    seated = [event_services.register(event.pk, person(n)) for n in (1, 2)]
    group = event_services.register(event.pk, person(3, seats=2))
    single = event_services.register(event.pk, person(4))
    event_services.cancel(seated[0])

    def manual_gift(kroner, email):
        return services.create_intent(
            services.DonationData(
                amount_ore=kroner * 100,
                frequency="one_off",
                donor_name="Kari Nordmann",
                donor_email=email,
                message="",
            ),
            provider_name="manual",
        )

    year = last_year()
    paid_gift(superuser, 1_000, KARI, when=at(year, 3, 1))
    return {
        "petition": petition,
        "fraud": fraud,
        "signatures": signatures,
        "event": event,
        "group": group,
        "single": single,
        "to_mark_paid": manual_gift(400, "kari.nordmann@example.no"),
        "by_bank": manual_gift(250, "kari.bank@example.no"),
        "tax_year": year,
        "contact_message": contact_services.receive(
            contact_services.MessageData(
                name="Kari Nordmann",
                email="kari.kontakt@example.no",
                subject="Spørsmål",
                message="Når er neste møte?",
            ),
            recipient="post@example.no",
            ip_hash="c" * 64,
        ),
        "member": Membership.objects.create(
            kind=MembershipKind.objects.create(name="Ordinært medlem", fee_kroner=300),
            name="Kari Nordmann",
            email="kari.medlem@example.no",
            email_normalized="kari.medlem@example.no",
            postal_code="5003",
            status="confirmed",
            consent_version=1,
            consented_at=timezone.now(),
            confirmed_at=timezone.now(),
            ip_hash="d" * 64,
        ),
    }


@dataclass
class Call:
    """One request on personal data. `ok` is the status staff get; `audit` is what the audit
    log must then hold: (action, data key with the row count, or None to count the entries)."""

    name: str
    args: tuple = ()
    method: str = "get"
    params: dict = field(default_factory=dict)
    ok: int = 200
    audit: tuple = None
    upload: bytes = None

    def url(self):
        return reverse(self.name, args=self.args)

    def send(self, client, **extra):
        if self.method == "get":
            return client.get(self.url(), self.params, **extra)
        data = dict(self.params)
        if self.upload is not None:
            data["statement"] = SimpleUploadedFile("kontoutskrift.csv", self.upload)
        return client.post(self.url(), data, **extra)

    @property
    def export(self):
        return self.params.get("export") or self.params.get("format")

    def __str__(self):
        return f"{self.method.upper()} {self.name} {self.params}"


def calls(data):
    """Every personal-data request, in an order in which each staff action can succeed."""
    signatures = data["signatures"]
    group, single = data["group"], data["single"]
    statement_day = (timezone.localdate() - datetime.timedelta(days=1)).strftime("%d.%m.%Y")
    statement = cp1252_statement(f"{statement_day};Giro;;;250,00;{data['by_bank'].kid}")
    tax_year = str(data["tax_year"])
    return [
        Call("signatures:index"),
        Call("signatures:index_results"),
        Call("signatures:inspect", (signatures["confirmed"].pk,)),
        Call("signatures:index", params={"export": "csv"}, audit=("campaigns.export", "rows")),
        Call("signatures:index", params={"export": "xlsx"}, audit=("campaigns.export", "rows")),
        Call("campaigns_admin:invalidate"),
        Call(
            "campaigns_admin:invalidate",
            method="post",
            params={"ip_hash": data["fraud"], "action": "preview"},
        ),
        Call(
            "campaigns_admin:invalidate",
            method="post",
            params={"ip_hash": data["fraud"], "action": "confirm"},
            ok=302,
            audit=("campaigns.invalidate", "invalidated"),
        ),
        Call("campaigns_admin:comments"),
        Call(
            "campaigns_admin:comments",
            method="post",
            params={"action": "approve", "signature": signatures["comment"].pk},
            ok=302,
            audit=("campaigns.comment_approve", None),
        ),
        Call(
            "campaigns_admin:comments",
            method="post",
            params={"action": "reject", "signature": signatures["rude"].pk},
            ok=302,
            audit=("campaigns.comment_reject", None),
        ),
        Call("registrations:index"),
        Call("registrations:index_results"),
        *(
            Call(
                "registrations:index",
                params={"list": list_name, "export": export_format},
                audit=("events.export", "rows"),
            )
            for list_name in events_admin.EXPORT_LISTS
            for export_format in ("csv", "xlsx")
        ),
        Call("registrations:edit", (single.pk,)),
        Call(
            "registrations:edit",
            (single.pk,),
            "post",
            {"action": "offer"},
            ok=302,
            audit=("events.offer", None),
        ),
        Call(
            "registrations:edit",
            (single.pk,),
            "post",
            {"action": "confirm"},
            ok=302,
            audit=("events.confirm", None),
        ),
        Call(
            "registrations:edit",
            (group.pk,),
            "post",
            {"action": "priority", "priority": "3"},
            ok=302,
            audit=("events.priority", None),
        ),
        Call(
            "registrations:edit",
            (group.pk,),
            "post",
            {"action": "cancel"},
            ok=302,
            audit=("events.cancel", None),
        ),
        Call("registrations:print", (data["event"].pk,), audit=("events.print", "rows")),
        Call("donation_intents:index"),
        Call("donation_intents:index_results"),
        Call("donation_intents:inspect", (data["to_mark_paid"].pk,)),
        Call(
            "donation_intents:index", params={"export": "csv"}, audit=("donations.export", "rows")
        ),
        Call(
            "donation_intents:index", params={"export": "xlsx"}, audit=("donations.export", "rows")
        ),
        Call(
            "donation_intents:mark_paid",
            (data["to_mark_paid"].pk,),
            "post",
            ok=302,
            audit=("donations.mark_paid", None),
        ),
        Call("donations_admin:totals"),
        Call("donations_admin:tax_report"),
        *(
            Call(
                "donations_admin:tax_report",
                params={"year": tax_year, "format": export_format},
                audit=("donations.export_tax_report", "rows"),
            )
            for export_format in admin_tax.FORMATS
        ),
        Call("donations_admin:import_bank_statement"),
        Call(
            "donations_admin:import_bank_statement",
            method="post",
            upload=statement,
            audit=("donations.import_bank_statement", "lines"),
        ),
        Call("newsletter_subscribers:index"),
        Call("newsletter_subscribers:index_results"),
        Call("contact_messages:index"),
        Call("contact_messages:index_results"),
        Call("contact_messages:edit", (data["contact_message"].pk,)),
        Call(
            "contact_messages:edit",
            (data["contact_message"].pk,),
            "post",
            {"action": "close"},
            ok=302,
            audit=("contact.close", None),
        ),
        Call("memberships:index"),
        Call("memberships:index_results"),
        Call("memberships:inspect", (data["member"].pk,)),
        Call("memberships:index", params={"export": "csv"}, audit=("members.export", "rows")),
        Call("memberships:index", params={"export": "xlsx"}, audit=("members.export", "rows")),
        Call(
            "memberships:mark_paid",
            (data["member"].pk,),
            "post",
            ok=302,
            audit=("members.mark_paid", None),
        ),
        Call("members_admin:counts"),
    ]


def personal_data_patterns():
    """{URL name: callback} of every admin URL over personal data: those of the personal-data
    viewsets, and any other whose view is over a personal-data model or in an app's
    personal-data admin module."""
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - loads the admin's URLs (and so its viewsets)
    namespaces = {
        viewset.url_namespace
        for viewset in viewsets.viewsets
        if isinstance(viewset, PersonalDataViewSet)
    }
    assert {"signatures", "registrations", "donation_intents"} <= namespaces

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or ""
                joined = ":".join(part for part in (namespace, inner) if part)
                yield from walk(pattern.url_patterns, joined)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern

    found = {}
    for name, pattern in walk(resolver.url_patterns, ""):
        view_class = getattr(pattern.callback, "view_class", None)
        model = getattr(view_class, "model", None)
        if (
            name.split(":")[0] in namespaces
            or model in PERSONAL_DATA_MODELS
            or getattr(view_class, "__module__", None) in PERSONAL_DATA_MODULES
        ):
            found[name] = pattern.callback
    return found


def log_entries_after(pk):
    return ModelLogEntry.objects.filter(pk__gt=pk).order_by("pk")


def last_log_pk():
    return ModelLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def file_rows(call, response):
    """The data rows of a downloaded file (headings not counted)."""
    if hasattr(response, "streaming_content"):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if call.export == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return len(list(workbook.active.iter_rows(values_only=True))) - 1
    return len(list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))) - 1


def state():
    """What a refused request must leave as it was."""
    return {
        "signatures": sorted(
            Signature.objects.values_list("pk", "status", "comment", "comment_approved")
        ),
        "registrations": sorted(Registration.objects.values_list("pk", "status", "priority")),
        "donations": sorted(DonationIntent.objects.values_list("pk", "status")),
        "contact": sorted(ContactMessage.objects.values_list("pk", "status")),
        "log": sorted(ModelLogEntry.objects.values_list("pk", flat=True)),
    }


# ---------------------------------------------------------------------------------------------
# Every personal-data URL is covered and refuses with a 403


def test_every_personal_data_url_is_in_the_list_and_answers_a_refusal_with_403(data):
    found = personal_data_patterns()
    listed = {call.name for call in calls(data)}
    assert sorted(set(found) - listed) == [], "personal-data URLs without a test in calls()"
    assert sorted(listed - set(found)) == []
    assert (
        sorted(name for name, view in found.items() if not getattr(view, "refuses_with_403", False))
        == []
    )


def test_the_list_has_each_export_and_each_action(data):
    everything = calls(data)
    for viewset in viewsets.viewsets:
        if isinstance(viewset, PersonalDataViewSet) and viewset.list_export:
            index = viewset.get_url_name("index")
            formats = {call.export for call in everything if call.name == index and call.export}
            assert formats == {"csv", "xlsx"}, index
    exported_lists = {
        (call.params["list"], call.export)
        for call in everything
        if call.name == "registrations:index" and call.export
    }
    assert exported_lists == {
        (name, f) for name in events_admin.EXPORT_LISTS for f in ("csv", "xlsx")
    }
    actions = {c.params.get("action") for c in everything if c.name == "registrations:edit"}
    assert actions == {None, *events_admin.STAFF_ACTIONS, "priority"}
    comment_actions = {c.params.get("action") for c in everything if c.name.endswith(":comments")}
    assert comment_actions == {None, "approve", "reject"}
    tax_formats = {c.export for c in everything if c.name == "donations_admin:tax_report"}
    assert tax_formats == {None, *admin_tax.FORMATS}


def test_a_redaktor_gets_403_on_every_personal_data_list_export_and_action(client, redaktor, data):
    log_in(client, redaktor)
    before = state()
    for call in calls(data):
        response = call.send(client)
        assert response.status_code == 403, call
        html = response.content.decode()
        assert "data-refused" in html, call  # the admin's refusal page, not a bare 403
        assert [marker for marker in PERSONAL_MARKERS if marker in html] == [], call
        assert not hasattr(response, "streaming_content"), call
        scripted = call.send(client, headers=XHR)
        assert scripted.status_code == 403, call
        assert [marker for marker in PERSONAL_MARKERS if marker in scripted.content.decode()] == []
    assert state() == before


def test_the_refusal_page_is_in_the_admins_look(client, redaktor):
    log_in(client, redaktor)
    response = client.get(reverse("signatures:index"))
    assert response.status_code == 403
    assert "wagtailadmin/base.html" in [t.name for t in response.templates]
    assert '<html lang="nb"' in response.content.decode()
    assert reverse("wagtailadmin_home") in response.content.decode()


def test_an_ansatt_reaches_every_personal_data_url_and_each_action_works(client, ansatt, data):
    log_in(client, ansatt)
    for call in calls(data):
        response = call.send(client)
        assert response.status_code == call.ok, call
        if call.ok == 302:
            assert response["Location"] != reverse("wagtailadmin_home"), call
        if call.export:
            assert file_rows(call, response) >= 0, call
    signatures = data["signatures"]
    for signature in signatures.values():
        signature.refresh_from_db()
    assert signatures["fraud"].status == Signature.Status.INVALIDATED
    assert signatures["comment"].comment_approved is True
    assert signatures["rude"].comment == ""
    data["single"].refresh_from_db()
    data["group"].refresh_from_db()
    assert data["single"].status == Registration.Status.CONFIRMED
    assert (data["group"].status, data["group"].priority) == (Registration.Status.CANCELLED, 3)
    data["to_mark_paid"].refresh_from_db()
    data["by_bank"].refresh_from_db()
    assert data["to_mark_paid"].status == DonationIntent.Status.PAID
    assert data["by_bank"].status == DonationIntent.Status.PAID


def test_every_export_and_staff_action_is_in_the_audit_log_with_its_rows(client, ansatt, data):
    log_in(client, ansatt)
    for call in calls(data):
        before = last_log_pk()
        started = timezone.now()
        response = call.send(client)
        assert response.status_code == call.ok, call
        entries = list(log_entries_after(before))
        if call.audit is None:
            continue
        action, rows_key = call.audit
        assert entries, f"no audit log entry for {call}"
        assert {entry.action for entry in entries} == {action}, call
        assert {entry.user_id for entry in entries} == {ansatt.pk}, call
        assert all(started <= entry.timestamp <= timezone.now() for entry in entries), call
        if len(entries) > 1:
            assert len({entry.uuid for entry in entries}) == 1, call  # one action, one uuid
        if call.export:
            assert sum(entry.data[rows_key] for entry in entries) == file_rows(call, response)
            assert {entry.data["format"] for entry in entries} == {call.export}, call
        elif rows_key == "invalidated":
            invalidated = Signature.objects.filter(status=Signature.Status.INVALIDATED).count()
            assert sum(entry.data["invalidated"] for entry in entries) == invalidated == 1
        elif rows_key == "rows":  # the printed participant list
            confirmed = data["event"].registrations.filter(status=Registration.Status.CONFIRMED)
            assert entries[0].data["rows"] == confirmed.count() > 0
        elif rows_key == "lines":  # the bank statement
            assert entries[0].data["lines"] == 1 and entries[0].data["paid"] == 1
        else:  # one entry per row acted on
            assert len(entries) == 1, call
            acted_on = [*data["signatures"].values(), data["single"], data["group"]]
            acted_on += [data["to_mark_paid"], data["contact_message"], data["member"]]
            assert entries[0].object_id in {str(row.pk) for row in acted_on}, call


def test_an_export_of_no_rows_is_logged_too(client, ansatt, data):
    log_in(client, ansatt)
    before = last_log_pk()
    response = client.get(
        reverse("signatures:index"), {"q": "nobody-by-this-name", "export": "csv"}
    )
    assert file_rows(Call("signatures:index", params={"export": "csv"}), response) == 0
    [entry] = log_entries_after(before)
    assert (entry.action, entry.user_id, entry.data["rows"]) == ("campaigns.export", ansatt.pk, 0)


def test_a_redaktor_sees_none_of_the_personal_data_audit_log(client, ansatt, redaktor, data):
    log_in(client, ansatt)
    for call in calls(data):
        call.send(client)
    personal = ("campaigns.", "events.", "donations.")
    assert any(e.action.startswith(personal) for e in ModelLogEntry.objects.all())
    visible = ModelLogEntry.objects.viewable_by_user(redaktor)
    assert [e.action for e in visible if e.action.startswith(personal)] == []


# ---------------------------------------------------------------------------------------------
# What each role sees and does outside personal data

PANELS = ["open-petitions", "upcoming-events", "donations-this-month"]


def test_a_redaktor_sees_no_personal_data_menu_and_no_panel(client, redaktor, data):
    log_in(client, redaktor)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "personal-data" not in html
    assert [panel for panel in PANELS if panel in html] == []
    for name in ("signatures:index", "registrations:index", "donation_intents:index"):
        assert reverse(name) not in html


def test_an_ansatt_sees_the_personal_data_menu_and_every_panel(client, ansatt, data):
    log_in(client, ansatt)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "personal-data" in html
    assert [panel for panel in PANELS if panel not in html] == []
    for name in ("campaigns_admin:invalidate", "campaigns_admin:comments"):
        assert reverse(name) in html


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
