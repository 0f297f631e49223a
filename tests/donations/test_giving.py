"""Giving through the manual provider (bank transfer with a KID, or Vipps to the organisation's
number), the amount rules and the intent's status changes."""

import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Site

from donations import services
from donations.forms import parse_kroner
from donations.kid import kid_is_valid, mod10_control_digit, new_kid
from donations.models import DonationEvent, DonationIntent
from pages.models import DonationPage, OrganisationSettings

pytestmark = pytest.mark.django_db

Status = DonationIntent.Status


@pytest.fixture
def donation_page(home_page):
    page = home_page.add_child(
        instance=DonationPage(
            title="Gi en gave", slug="gi-en-gave", preset_amounts="200, 500, 1000"
        )
    )
    page.save_revision().publish()
    settings = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
    settings.bank_account = "1503.12.34561"  # MOD11-valid
    settings.vipps_number = "123456"
    settings.save()
    return page


@pytest.fixture
def gift():
    return {
        "amount": "500",
        "other_amount": "",
        "frequency": "one_off",
        "donor_name": "Kari Nordmann",
        "donor_email": "kari@example.no",
        "message": "Takk for arbeidet dere gjør.",
        "provider": "manual",
        "website": "",
    }


def give(client, data):
    return client.post(reverse("donations:give"), data)


def test_the_page_offers_the_editors_amounts_and_another(client, donation_page):
    html = client.get(donation_page.url).content.decode()
    for label in ("200 kr", "500 kr", "1\xa0000 kr", "Annet beløp"):
        assert label in html
    assert 'action="/gave/"' in html
    assert "<legend>" in html


def test_giving_by_bank_transfer_shows_account_kid_and_vipps(client, donation_page, gift):
    response = give(client, gift)
    assert response.status_code == 302
    intent = DonationIntent.objects.get()
    assert response["Location"] == f"/gave/{intent.pk}/"
    assert intent.status == Status.PENDING
    assert intent.amount_ore == 50_000 and intent.currency == "NOK"
    assert intent.provider == "manual" and kid_is_valid(intent.kid)
    assert intent.origin_page_id == donation_page.pk
    [event] = intent.events.all()
    assert (event.from_status, event.to_status, event.source) == ("created", "pending", "donor")
    html = client.get(response["Location"]).content.decode()
    assert intent.kid in html and "1503.12.34561" in html and "123456" in html
    assert "Kari" not in html  # the page behind the link shows no name


@pytest.mark.parametrize(
    ("bank_account", "vipps_number", "button"),
    [
        ("1503.12.34561", "123456", "Gi med bankoverføring eller Vipps til vårt nummer"),
        ("1503.12.34561", "", "Gi med bankoverføring"),
        ("", "123456", "Gi med Vipps til vårt nummer"),
    ],
)
def test_the_form_offers_only_the_ways_to_pay_the_settings_give(
    client, donation_page, bank_account, vipps_number, button
):
    organisation = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
    organisation.bank_account, organisation.vipps_number = bank_account, vipps_number
    organisation.save()
    html = client.get(donation_page.url).content.decode()
    assert re.findall(r'<button type="submit" name="provider"[^>]*>([^<]*)</button>', html) == [
        button
    ]


def test_without_an_account_or_number_no_gift_is_taken(client, donation_page, gift):
    organisation = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
    organisation.bank_account = organisation.vipps_number = ""
    organisation.email = "post@example.no"
    organisation.save()
    html = client.get(donation_page.url).content.decode()
    assert 'name="provider"' not in html and "data-no-payment-ways" in html
    assert "Gaver kan ikke gis på nettsiden ennå" in html and "post@example.no" in html
    response = give(client, {**gift, "provider": "manual"})
    assert response.status_code == 400  # and the page says again how things stand
    assert "data-no-payment-ways" in response.content.decode()
    assert not DonationIntent.objects.exists()


def test_an_example_account_is_marked_so_on_the_payment_page(client, donation_page, gift):
    organisation = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
    organisation.example_payment_details = True
    organisation.save()
    html = client.get(give(client, gift)["Location"]).content.decode()
    assert "data-example-account" in html and "Ikke overfør penger til det." in html
    assert "1503.12.34561" in html


@pytest.mark.parametrize(
    ("text", "ore"),
    [
        ("300", 30_000),
        ("1 000", 100_000),
        ("1.000", 100_000),
        ("1\u00a0000,50", 100_050),
        ("250 kr", 25_000),
        ("kr 75,5", 7_550),
    ],
)
def test_amounts_written_the_norwegian_way(text, ore):
    assert parse_kroner(text) == ore


@pytest.mark.parametrize(
    ("other", "message"),
    [
        ("tusen", "Skriv et beløp i kroner"),
        ("-100", "Skriv et beløp i kroner"),
        ("10", "Fra 50 kr til 100\xa0000 kr."),
        ("100 001", "Fra 50 kr til 100\xa0000 kr."),
        ("9" * 19, "Fra 50 kr til 100\xa0000 kr."),
        ("1e6", "Skriv et beløp i kroner"),
        ("", "Skriv et beløp i kroner"),
    ],
)
def test_bad_amounts_get_a_norwegian_error_at_the_field(
    client, donation_page, gift, other, message
):
    response = give(client, {**gift, "amount": "other", "other_amount": other})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_other_amount_error"' in html
    assert message in html
    assert not DonationIntent.objects.exists()


def test_another_amount_within_bounds_is_taken(client, donation_page, gift):
    give(client, {**gift, "amount": "other", "other_amount": "1 250", "frequency": "monthly"})
    intent = DonationIntent.objects.get()
    assert (intent.amount_ore, intent.frequency) == (125_000, "monthly")


def test_a_forged_preset_or_provider_is_refused(client, donation_page, gift):
    assert give(client, {**gift, "amount": "3"}).status_code == 400
    assert give(client, {**gift, "provider": "stripe"}).status_code == 400
    assert not DonationIntent.objects.exists()


def test_the_honeypot_saves_nothing(client, donation_page, gift):
    assert give(client, {**gift, "website": "x"}).status_code == 302
    assert not DonationIntent.objects.exists()


def test_an_unknown_intent_is_not_found(client, donation_page):
    assert client.get(f"/gave/{uuid.uuid4()}/").status_code == 404


def test_kid_control_digit():
    assert mod10_control_digit("123456789") == "7"  # the MOD10 (Luhn) textbook example
    assert kid_is_valid("1234567897") and not kid_is_valid("1234567890")
    assert all(kid_is_valid(new_kid()) and len(new_kid()) == 10 for _ in range(100))


def data(**overrides):
    values = {
        "amount_ore": 20_000,
        "frequency": "one_off",
        "donor_name": "Ola",
        "donor_email": "ola@example.no",
        "message": "",
    }
    return services.DonationData(**{**values, **overrides})


def test_status_changes_are_stored_with_their_source_and_repeat_harmlessly(db):
    intent = services.create_intent(data(), provider_name="manual")
    staff = get_user_model().objects.create_user("stab", "s@example.org", "pw-12345")
    assert services.mark_paid_by_staff(intent.pk, staff) is True
    assert services.mark_paid_by_staff(intent.pk, staff) is False  # a second click
    intent.refresh_from_db()
    assert intent.status == Status.PAID and intent.paid_at
    assert [(e.to_status, e.source) for e in intent.events.all()] == [
        ("pending", "donor"),
        ("paid", "staff"),
    ]
    with pytest.raises(services.InvalidTransition):
        services.transition(intent.pk, Status.PENDING, source=DonationEvent.Source.WEBHOOK)
    assert services.transition(intent.pk, Status.REFUNDED, source=DonationEvent.Source.STAFF)
    assert intent.events.count() == 3


def test_every_intent_gets_its_own_kid(db):
    kids = {services.create_intent(data(), provider_name="manual").kid for _ in range(50)}
    assert len(kids) == 50
    assert all(re.fullmatch(r"\d{10}", kid) for kid in kids)
