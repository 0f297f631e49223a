"""`manage.py enforce_retention` runs every app's retention rule at one moment, on data of every
kind, with a dry run that reports exactly what the real run does; docs/operations.md and the
demo privacy page (/personvern/) state the periods the settings give."""

import datetime
import io
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from campaigns.models import Signature
from campaigns.services import UNCONFIRMED_RETENTION
from contact import services as contact
from contact.models import ContactMessage
from donations import services as donations
from donations.models import DonationIntent
from events import services as events
from events.models import Registration
from members import services as members
from members.models import Membership, MembershipKind
from newsletter import services as newsletter
from newsletter.models import Delivery, Mailing, Subscriber
from pages.demo_content import privacy_retention_lines
from spero_site import retention
from tests.campaigns.test_retention import make_petition, make_signature
from tests.events.conftest import person
from tests.factories import make_event

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
RULES = {
    "signatures_of_closed_petitions": r"Anonymised (\d+) signature\(s\) of petitions closed",
    "unconfirmed_signatures": r"Deleted (\d+) unconfirmed signature\(s\)",
    "registrations_of_past_events": r"Anonymised (\d+) registration\(s\) of events",
    "unpaid_gifts": r"Deleted (\d+) unpaid gift\(s\)",
    "gifts_past_accounting_period": r"Anonymised (\d+) paid gift\(s\)",
    "contact_messages": r"Deleted (\d+) contact message\(s\)",
    "unconfirmed_subscribers": r"Deleted (\d+) unconfirmed newsletter subscriber\(s\)",
    "newsletter_deliveries": r"Deleted (\d+) newsletter deliveries of sendings finished",
    "unconfirmed_memberships": r"Deleted (\d+) unconfirmed membership\(s\)",
    "resigned_members": r"Anonymised (\d+) member\(s\) who resigned before",
    "lapsed_members": r"Anonymised (\d+) member\(s\) who joined before .* paid for neither",
}


def gift(email):
    return donations.create_intent(
        donations.DonationData(
            amount_ore=20_000,
            frequency="one_off",
            donor_name="Ola Nordmann",
            donor_email=email,
            message="Hilsen",
        ),
        provider_name="manual",
    )


# Each of these makes one kind's records for `one_of_each`, as of `now`: (due, not due yet).
def signatures(now):
    closed_long_ago = make_petition("lukket", closes_at=now - 400 * DAY)
    still_open = make_petition("apent", closes_at=None)
    due = {
        "closed": make_signature(closed_long_ago),
        "unconfirmed": make_signature(
            still_open, status=Signature.Status.UNCONFIRMED, created_at=now - 8 * DAY
        ),
    }
    return due, {"open": make_signature(still_open)}


def registrations(now):
    past_event, coming_event = make_event(), make_event()
    due = {"registration": events.register(past_event.pk, person(1))}
    kept = {"registration": events.register(coming_event.pk, person(2))}
    ended = now - (settings.EVENT_REGISTRATION_RETENTION_DAYS + 1) * DAY
    type(past_event).objects.filter(pk=past_event.pk).update(
        starts_at=ended - datetime.timedelta(hours=7), ends_at=ended
    )
    return due, kept


def gifts(now):
    due = {"unpaid": gift("ubetalt@example.no")}
    DonationIntent.objects.filter(pk=due["unpaid"].pk).update(created_at=now - 91 * DAY)
    staff = get_user_model().objects.create_user("stab", "stab@example.org", "pw-12345")
    due["paid"] = gift("gammel@example.no")
    kept = {"paid": gift("ny@example.no")}
    for intent in (due["paid"], kept["paid"]):
        donations.mark_paid_by_staff(intent.pk, staff)
    long_ago = now.replace(year=now.year - settings.DONATION_RETENTION_YEARS - 1)
    DonationIntent.objects.filter(pk=due["paid"].pk).update(paid_at=long_ago)
    due["paid"].charges.update(paid_at=long_ago)
    return due, kept


def contact_message(subject):
    return contact.receive(
        contact.MessageData("Ola Nordmann", "ola@example.no", subject, "Hei"),
        recipient="post@example.no",
        ip_hash="0" * 64,
    )


def contact_messages(now):
    due = {"contact": contact_message("Gammel")}
    ContactMessage.objects.filter(pk=due["contact"].pk).update(
        created_at=now - (settings.CONTACT_RETENTION_DAYS + 1) * DAY
    )
    return due, {"contact": contact_message("Ny")}


def subscriber(email):
    return newsletter.subscribe(
        newsletter.SubscriberData(email), consent_version=1, ip_hash="0" * 64
    )


def delivery(subject, finished_at, to):
    mailing = Mailing.objects.create(
        subject=subject, html="<p>Hei</p>", text="Hei", status="sent", finished_at=finished_at
    )
    return Delivery.objects.create(mailing=mailing, subscriber=to)


def newsletter_records(now):
    due = {"subscriber": subscriber("glemte@example.no")}
    Subscriber.objects.filter(pk=due["subscriber"].pk).update(consented_at=now - 8 * DAY)
    kept = {"subscriber": subscriber("ny.abonnent@example.no")}
    due["delivery"] = delivery(
        "Gammelt", now - newsletter.DELIVERY_RETENTION - DAY, kept["subscriber"]
    )
    kept["delivery"] = delivery("Nytt", now - DAY, kept["subscriber"])
    return due, kept


def membership(kind, email, *, when, confirmed=True):
    return Membership.objects.create(
        kind=kind,
        name="Kari Medlem",
        email=email,
        email_normalized=email,
        postal_code="5003",
        status="confirmed" if confirmed else "unconfirmed",
        consent_version=1,
        consented_at=when,
        created_at=when,
        confirmed_at=when if confirmed else None,
        ip_hash="0" * 64,
    )


def memberships(now):
    ordinary = MembershipKind.objects.create(name="Ordinært medlem", fee_kroner=300)
    due = {
        "unconfirmed_member": membership(
            ordinary, "glemte.medlem@example.no", confirmed=False, when=now - 8 * DAY
        ),
        "resigned_member": membership(ordinary, "gikk@example.no", when=now),
    }
    members.resign(
        due["resigned_member"].pk,
        now=now - (settings.MEMBERSHIP_RESIGNED_RETENTION_DAYS + 1) * DAY,
    )
    due["lapsed_member"] = membership(ordinary, "betalte.aldri@example.no", when=now - 800 * DAY)
    return due, {"member": membership(ordinary, "nytt.medlem@example.no", when=now)}


@pytest.fixture
def one_of_each():
    """One record due under each rule, and one of each kind that is not due yet."""
    now = timezone.now()
    due, kept = {}, {}
    for records_of_a_kind in (
        signatures,
        registrations,
        gifts,
        contact_messages,
        newsletter_records,
        memberships,
    ):
        more_due, more_kept = records_of_a_kind(now)
        due.update(more_due)
        kept.update(more_kept)
    return due, kept


def run(*args):
    out = io.StringIO()
    call_command("enforce_retention", *args, stdout=out)
    return out.getvalue()


def counts(text, dry_run=False):
    found = {}
    for name, pattern in RULES.items():
        if dry_run:
            pattern = pattern.replace("Anonymised", "Would anonymise").replace(
                "Deleted", "Would delete"
            )
        match = re.search(pattern, text)
        assert match, (name, text)
        found[name] = int(match[1])
    return found


def test_one_command_applies_every_rule_and_its_dry_run_says_so_first(one_of_each):
    due, kept = one_of_each
    assert {rule.name for rule in retention.all_rules()} == set(RULES)

    dry = run("--dry-run")
    assert counts(dry, dry_run=True) == dict.fromkeys(RULES, 1)
    assert dry.strip().endswith("Dry run: nothing was changed.")
    assert Signature.objects.count() == 3 and DonationIntent.objects.count() == 3
    assert all(Registration.objects.values_list("name", flat=True))

    assert counts(run()) == dict.fromkeys(RULES, 1)
    due["closed"].refresh_from_db()
    assert due["closed"].full_name == "" and due["closed"].anonymised_at
    assert not Signature.objects.filter(pk=due["unconfirmed"].pk).exists()
    due["registration"].refresh_from_db()
    assert due["registration"].name == "" and due["registration"].email == ""
    assert not DonationIntent.objects.filter(pk=due["unpaid"].pk).exists()
    due["paid"].refresh_from_db()
    assert due["paid"].donor_email == "" and due["paid"].amount_ore == 20_000
    assert not ContactMessage.objects.filter(pk=due["contact"].pk).exists()
    assert not Subscriber.objects.filter(pk=due["subscriber"].pk).exists()
    assert not Delivery.objects.filter(pk=due["delivery"].pk).exists()
    assert not Membership.objects.filter(pk=due["unconfirmed_member"].pk).exists()
    for key in ("resigned_member", "lapsed_member"):
        due[key].refresh_from_db()
        assert due[key].name == "" and due[key].email == "" and due[key].anonymised_at
    for record in kept.values():
        record.refresh_from_db()
        assert getattr(record, "anonymised_at", None) is None

    # Nothing more is due: a second run changes nothing.
    assert counts(run()) == dict.fromkeys(RULES, 0)


def test_the_operations_doc_states_every_period_the_settings_give():
    doc = (settings.BASE_DIR / "docs" / "operations.md").read_text(encoding="utf-8")
    for name in (
        "SIGNATURE_RETENTION_MONTHS",
        "EVENT_REGISTRATION_RETENTION_DAYS",
        "DONATION_UNPAID_RETENTION_DAYS",
        "DONATION_RETENTION_YEARS",
        "CONTACT_CLOSED_RETENTION_DAYS",
        "CONTACT_RETENTION_DAYS",
        "MEMBERSHIP_RESIGNED_RETENTION_DAYS",
    ):
        assert re.search(rf"`{name}` \(default \*\*{getattr(settings, name)}\*\*\)", doc), name
    assert f"{UNCONFIRMED_RETENTION.days} days after it was made" in doc
    assert "manage.py enforce_retention" in doc


def test_the_privacy_page_states_the_periods_the_settings_give(demo_site):
    from pages.models import StandardPage

    page = StandardPage.objects.get(slug="personvern")
    text = str(page.body.render_as_block())
    lines = privacy_retention_lines()
    for phrase in (
        f"{UNCONFIRMED_RETENTION.days} dager",
        f"{settings.SIGNATURE_RETENTION_MONTHS} måneder",
        f"{settings.EVENT_REGISTRATION_RETENTION_DAYS} dager",
        f"{settings.DONATION_UNPAID_RETENTION_DAYS} dager",
        f"{settings.DONATION_RETENTION_YEARS} år",
        f"{settings.CONTACT_RETENTION_DAYS} dager etter at de kom",
        f"medlemsregisteret {settings.MEMBERSHIP_RESIGNED_RETENTION_DAYS} dager etter",
    ):
        assert phrase in lines
    assert lines in text
