"""Every request staff can make on personal data in the admin, as `Call`s, and what the tests
read back from them: the admin's URL patterns over personal data, the rows of a download, the
audit log's new entries, and the records a refused request must leave as they were."""

import csv
import datetime
import io
from dataclasses import dataclass, field

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from wagtail.admin.viewsets import viewsets
from wagtail.models import ModelLogEntry

from campaigns.models import Signature
from contact.models import ContactMessage
from donations import admin_tax
from donations.models import DonationCharge, DonationEvent, DonationIntent
from events import admin_views as events_admin
from events.models import Registration
from members.models import Membership, MembershipFee
from newsletter.models import Subscriber
from spero_site.personal_data import PersonalDataViewSet
from tests.donations.test_bank_statement import cp1252_statement

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


def staff_action(name, args=(), params=None, audit=None):
    """A staff action on one row: a POST that redirects when done, one audit entry for it."""
    return Call(name, args, "post", params or {}, ok=302, audit=(audit, None))


def exports(name, audit, **params):
    """A listing's download in each format, each with its rows counted in the audit log."""
    return [
        Call(name, params={**params, "export": export_format}, audit=(audit, "rows"))
        for export_format in ("csv", "xlsx")
    ]


def listing(namespace, inspected, audit):
    """A personal-data listing: its page, its results as a script asks for them, the page of one
    row (`inspected`, its args) and the downloads."""
    return [
        Call(f"{namespace}:index"),
        Call(f"{namespace}:index_results"),
        Call(f"{namespace}:inspect", inspected),
        *exports(f"{namespace}:index", audit),
    ]


def calls(data):
    """Every personal-data request, in an order in which each staff action can succeed."""
    return [
        *signature_calls(data),
        *registration_calls(data),
        *donation_calls(data),
        Call("newsletter_subscribers:index"),
        Call("newsletter_subscribers:index_results"),
        *contact_calls(data),
        *membership_calls(data),
    ]


def signature_calls(data):
    signatures = data["signatures"]
    return [
        *listing("signatures", (signatures["confirmed"].pk,), "campaigns.export"),
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
        staff_action(
            "campaigns_admin:comments",
            params={"action": "approve", "signature": signatures["comment"].pk},
            audit="campaigns.comment_approve",
        ),
        staff_action(
            "campaigns_admin:comments",
            params={"action": "reject", "signature": signatures["rude"].pk},
            audit="campaigns.comment_reject",
        ),
    ]


def registration_calls(data):
    single, group = (data["single"].pk,), (data["group"].pk,)
    return [
        Call("registrations:index"),
        Call("registrations:index_results"),
        *(
            call
            for list_name in events_admin.EXPORT_LISTS
            for call in exports("registrations:index", "events.export", list=list_name)
        ),
        Call("registrations:edit", single),
        staff_action("registrations:edit", single, {"action": "offer"}, "events.offer"),
        staff_action("registrations:edit", single, {"action": "confirm"}, "events.confirm"),
        staff_action(
            "registrations:edit", group, {"action": "priority", "priority": "3"}, "events.priority"
        ),
        staff_action("registrations:edit", group, {"action": "cancel"}, "events.cancel"),
        Call("registrations:print", (data["event"].pk,), audit=("events.print", "rows")),
    ]


def donation_calls(data):
    to_mark_paid = (data["to_mark_paid"].pk,)
    statement_day = (timezone.localdate() - datetime.timedelta(days=1)).strftime("%d.%m.%Y")
    statement = cp1252_statement(f"{statement_day};Giro;;;250,00;{data['by_bank'].kid}")
    return [
        *listing("donation_intents", to_mark_paid, "donations.export"),
        staff_action("donation_intents:mark_paid", to_mark_paid, audit="donations.mark_paid"),
        Call("donations_admin:totals"),
        Call("donations_admin:tax_report"),
        *(
            Call(
                "donations_admin:tax_report",
                params={"year": str(data["tax_year"]), "format": export_format},
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
    ]


def contact_calls(data):
    message = (data["contact_message"].pk,)
    return [
        Call("contact_messages:index"),
        Call("contact_messages:index_results"),
        Call("contact_messages:edit", message),
        staff_action("contact_messages:edit", message, {"action": "close"}, "contact.close"),
    ]


def membership_calls(data):
    member = (data["member"].pk,)
    return [
        *listing("memberships", member, "members.export"),
        staff_action("memberships:mark_paid", member, audit="members.mark_paid"),
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
