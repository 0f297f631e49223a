"""People with data in all three apps, and helpers to reach their «Mine data» pages."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.models import Petition
from donations import services as donation_services
from events import services as event_services
from privacy import links
from tests.factories import make_event

# A valid fødselsnummer (tests/donations/tax_deduction_data.py).
KARI_NATIONAL_ID = "23072388054"
LINK = re.compile(r"http://testserver(/mine-data/[^\s/]+/)")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture(autouse=True)
def _site(settings, home_page):
    settings.SITE_BASE_URL = "http://testserver"


@pytest.fixture
def petition(db):
    return make_petition("stopp-stigma")


def make_petition(slug):
    return Petition.objects.create(
        title=f"Opprop {slug}",
        slug=slug,
        text="<p>Vi ber om hjelp i stedet for straff.</p>",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        consent_text="Jeg samtykker.",
    )


def sign(petition, email, *, name="Kari Nordmann", confirm=True, comment="Stigma må bort."):
    """A signature, confirmed (and so counted) unless told otherwise."""
    data = campaign_services.SignatureData(name, email, "5003", True, comment)
    campaign_services.sign(petition.slug, data, ip_hash="hash-of-an-ip")
    signature = petition.signatures.get(email=email.strip())
    if confirm:
        campaign_services.confirm(campaign_services.confirm_token(signature))
        signature.refresh_from_db()
    return signature


def register(event, email, *, name="Kari Nordmann", **overrides):
    values = {
        "name": name,
        "email": email,
        "phone": "412 34 567",
        "affiliation": "municipality",
        "organisation": "Bergen kommune",
        "seats": 1,
        "dietary_needs": "Vegetar",
        "accessibility_needs": "Rullestol",
        **overrides,
    }
    return event_services.register(event.pk, event_services.RegistrationData(**values))


def give(email, *, name="Kari Nordmann", national_id="", frequency="one_off", paid=False):
    intent = donation_services.create_intent(
        donation_services.DonationData(
            amount_ore=50_000,
            frequency=frequency,
            donor_name=name,
            donor_email=email,
            message="Til minne om Per.",
            national_id=national_id,
        ),
        provider_name="manual",
    )
    if paid:
        staff = get_user_model().objects.get_or_create(username="stab")[0]
        donation_services.mark_paid_by_staff(intent.pk, staff)
    intent.refresh_from_db()
    return intent


def token_for(address):
    return links.make_token(links.Identity.of(address))


def data_url(address):
    return reverse("privacy:data", args=[token_for(address)])


def without_csrf(response):
    return CSRF.sub("", response.content.decode())


def link_in(message):
    (path,) = LINK.findall(message.body)
    return path


@pytest.fixture
def event(db):
    return make_event()


@pytest.fixture
def outbox():
    mail.outbox.clear()
    return mail.outbox
