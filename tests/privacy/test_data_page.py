"""The link's page and its JSON download: everything held about the address – signatures and
registrations by the normalised address, gifts by the address ignoring case – and nothing of
anyone else's."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns import services as campaign_services
from donations.models import DonationIntent
from privacy import records
from tests.privacy.conftest import (
    KARI_NATIONAL_ID,
    data_url,
    give,
    make_petition,
    register,
    sign,
    token_for,
)

pytestmark = pytest.mark.django_db

# Every spelling below normalises to karinordmann@gmail.com.
ASKED_WITH = "karinordmann@gmail.com"


@pytest.fixture
def kari_and_ola(petition, event):
    """Kari has a signature on each of two petitions (written differently), a registration on
    the waiting list, a paid gift with tax deduction and an unpaid one; Ola has one of each.
    An old gift of Kari's that the retention rule anonymised is not hers any more."""
    event.capacity = 1
    event.save()
    other_petition = make_petition("en-til")
    register(event, "ola.hansen@example.no", name="Ola Hansen", phone="99 88 77 66")
    kari = {
        "signature": sign(petition, "Kari.Nordmann@Gmail.com"),
        "other_signature": sign(other_petition, "KARINORDMANN@googlemail.com", confirm=False),
        "registration": register(event, "kari.nordmann+konferanse@gmail.com"),
        "paid_gift": give("Kari.Nordmann@gmail.com", national_id=KARI_NATIONAL_ID, paid=True),
        "unpaid_gift": give("KariNordmann@GMAIL.com"),
    }
    old = give("kari.nordmann@gmail.com", paid=True)
    DonationIntent.objects.filter(pk=old.pk).update(
        **DonationIntent.WIPED, anonymised_at=timezone.now()
    )
    ola = {
        "signature": sign(petition, "ola.hansen@example.no", name="Ola Hansen"),
        "gift": give("ola.hansen@example.no", name="Ola Hansen"),
    }
    return kari, ola


def test_the_page_lists_everything_of_the_address_and_nothing_else(client, kari_and_ola):
    kari, _ola = kari_and_ola
    response = client.get(data_url(ASKED_WITH))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-record="signature"') == 2
    assert html.count('data-record="registration"') == 1
    assert html.count('data-record="donation"') == 2
    for value in [
        "Opprop stopp-stigma",
        "Opprop en-til",
        "Kari.Nordmann@Gmail.com",
        "5003",
        "Bergen",
        "Stigma må bort.",
        kari["registration"].event.title,
        "412 34 567",
        "Bergen kommune",
        "Vegetar",
        "Rullestol",
        "Til minne om Per.",
        kari["paid_gift"].kid,
        kari["unpaid_gift"].kid,
    ]:
        assert value in html, value
    assert 'data-status="waiting"' in html and 'data-status="paid"' in html
    # A «Slett» button (a POST with a CSRF token) for each record.
    assert html.count('method="post" action="/mine-data/') == 5
    assert html.count("csrfmiddlewaretoken") == 5
    # Nobody else's data, and never the fødselsnummer.
    assert "Ola" not in html and "ola.hansen" not in html and "99 88 77 66" not in html
    assert KARI_NATIONAL_ID not in html
    assert html.count("data-national-id") == 1


def test_the_page_is_private(client, kari_and_ola):
    response = client.get(data_url(ASKED_WITH))
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")


def test_an_address_with_nothing_gets_an_empty_page(client, kari_and_ola):
    response = client.get(data_url("nobody@example.no"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-record" not in html and "Kari" not in html


def test_the_json_download(client, kari_and_ola):
    kari, _ola = kari_and_ola
    token = token_for(ASKED_WITH)
    response = client.get(reverse("privacy:download", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    content = response.content.decode()
    assert "Ola" not in content and "ola.hansen" not in content
    assert KARI_NATIONAL_ID not in content
    data = json.loads(content)
    assert data["email"] == ASKED_WITH
    assert data["format_version"] == records.EXPORT_VERSION

    signatures = {s["petition"]: s for s in data["signatures"]}
    assert set(signatures) == {"Opprop stopp-stigma", "Opprop en-til"}
    counted = signatures["Opprop stopp-stigma"]
    assert counted["id"] == kari["signature"].pk
    assert (counted["full_name"], counted["postal_code"], counted["place"]) == (
        "Kari Nordmann",
        "5003",
        "Bergen",
    )
    assert counted["comment"] == "Stigma må bort." and counted["shown_publicly"] is True
    assert counted["status"] == "confirmed" and counted["confirmed_at"]
    assert counted["ip_address_hash"] == "hash-of-an-ip"
    assert signatures["Opprop en-til"]["status"] == "unconfirmed"

    (registration,) = data["registrations"]
    assert registration["id"] == kari["registration"].pk
    assert registration["status"] == "waiting" and registration["waiting_list_position"] == 1
    assert registration["phone"] == "412 34 567"
    assert registration["dietary_needs"] == "Vegetar"
    assert registration["accessibility_needs"] == "Rullestol"
    assert registration["organisation"] == "Bergen kommune"
    assert registration["seats"] == 1 and registration["registered_at"]

    donations = {d["id"]: d for d in data["donations"]}
    assert set(donations) == {str(kari["paid_gift"].pk), str(kari["unpaid_gift"].pk)}
    paid = donations[str(kari["paid_gift"].pk)]
    assert paid["amount"] == 500 and paid["currency"] == "NOK"
    assert paid["status"] == "paid" and paid["paid_at"] and paid["kid"] == kari["paid_gift"].kid
    assert paid["message"] == "Til minne om Per." and paid["tax_deduction"] is True
    # The fødselsnummer: registered, with only its birth date shown (docs in the report).
    assert paid["national_id_registered"] is True
    assert paid["national_id_masked"] == KARI_NATIONAL_ID[:6] + "*****"
    assert [p["status"] for p in paid["payments"]] == ["charged"]
    assert [(c["from"], c["to"]) for c in paid["status_changes"]] == [
        ("created", "pending"),
        ("pending", "paid"),
    ]
    unpaid = donations[str(kari["unpaid_gift"].pk)]
    assert unpaid["status"] == "pending" and unpaid["national_id_registered"] is False
    assert unpaid["national_id_masked"] is None and unpaid["payments"] == []


def test_a_withdrawn_signature_is_no_longer_listed(client, kari_and_ola):
    kari, _ola = kari_and_ola
    campaign_services.withdraw(campaign_services.withdraw_token(kari["signature"]))
    html = client.get(data_url(ASKED_WITH)).content.decode()
    assert html.count('data-record="signature"') == 1
