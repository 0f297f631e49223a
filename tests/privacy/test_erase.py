"""«Slett» on the link's page: each kind of record is deleted by its app's rules, once, and only
when it is the link's address's."""

import datetime
import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Petition, Signature
from donations.models import DonationCharge, DonationEvent, DonationIntent
from events.models import Registration
from tests.privacy.conftest import KARI_NATIONAL_ID, give, register, sign, token_for

pytestmark = pytest.mark.django_db

KARI = "kari.nordmann@example.no"


def erase(client, kind, pk, address=KARI, capture=None, token=None):
    url = reverse(f"privacy:erase_{kind}", args=[token or token_for(address), pk])
    if capture is None:
        return client.post(url)
    with capture(execute=True):
        return client.post(url)


def count(petition):
    return Petition.objects.get(pk=petition.pk).signature_count


def test_a_counted_signature_is_withdrawn_and_uncounted_once(client, petition):
    signature = sign(petition, "Kari.Nordmann@Example.no")
    sign(petition, "ola@example.no", name="Ola Hansen")
    assert count(petition) == 2

    token = token_for(KARI)
    response = erase(client, "signature", signature.pk, token=token)
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:data", args=[token]) + "?done=signature"
    assert count(petition) == 1
    signature.refresh_from_db()
    assert signature.status == Signature.Status.WITHDRAWN and signature.anonymised_at
    assert (signature.full_name, signature.email, signature.email_normalized) == ("", "", "")
    assert (signature.postal_code, signature.place, signature.comment, signature.ip_hash) == (
        ("", "", "", "")
    )
    # The page after it says so, and lists the signature no more.
    page = client.get(response["Location"]).content.decode()
    assert 'role="status"' in page and 'data-record="signature"' not in page

    # Deleting again changes nothing (the signature is no longer the address's).
    assert erase(client, "signature", signature.pk).status_code == 404
    assert count(petition) == 1
    assert Signature.objects.filter(status=Signature.Status.CONFIRMED).count() == 1


def test_an_unconfirmed_signature_is_withdrawn_without_touching_the_count(client, petition):
    sign(petition, "ola@example.no", name="Ola Hansen")
    signature = sign(petition, KARI, confirm=False)
    assert erase(client, "signature", signature.pk).status_code == 302
    signature.refresh_from_db()
    assert signature.status == Signature.Status.WITHDRAWN and signature.email == ""
    assert count(petition) == 1


def test_a_registration_is_cancelled_its_seat_offered_on_and_then_anonymised(
    client, event, django_capture_on_commit_callbacks
):
    event.capacity = 1
    event.save()
    kari = register(event, KARI)
    per = register(event, "per@example.no", name="Per Hansen")
    assert (kari.status, per.status) == (Registration.Status.CONFIRMED, "waiting")
    mail.outbox.clear()

    response = erase(client, "registration", kari.pk, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"].endswith("?done=registration")
    kari.refresh_from_db()
    per.refresh_from_db()
    assert kari.status == Registration.Status.CANCELLED and kari.cancelled_at
    assert kari.anonymised_at
    for field, value in Registration.WIPED.items():
        assert getattr(kari, field) == value, field
    # The freed seat went to the next in line, who was told; Kari gets nothing more.
    assert per.status == Registration.Status.OFFERED
    assert [m.to for m in mail.outbox] == [["per@example.no"]]
    # Deleting again changes nothing.
    assert erase(client, "registration", kari.pk).status_code == 404
    per.refresh_from_db()
    assert per.status == Registration.Status.OFFERED


def test_leaving_the_waiting_list_by_deleting(client, event):
    event.capacity = 1
    event.save()
    register(event, "per@example.no", name="Per Hansen")
    kari = register(event, KARI)
    assert kari.status == Registration.Status.WAITING
    assert erase(client, "registration", kari.pk).status_code == 302
    kari.refresh_from_db()
    assert kari.status == Registration.Status.CANCELLED and kari.name == ""


def test_a_registration_for_an_event_that_has_started_is_anonymised_as_it_stands(client, event):
    kari = register(event, KARI)
    now = timezone.now()
    type(event).objects.filter(pk=event.pk).update(
        starts_at=now - datetime.timedelta(hours=1), ends_at=now + datetime.timedelta(hours=6)
    )
    assert erase(client, "registration", kari.pk).status_code == 302
    kari.refresh_from_db()
    assert kari.status == Registration.Status.CONFIRMED and kari.anonymised_at
    assert kari.email == "" and kari.phone == "" and kari.dietary_needs == ""


def test_an_unpaid_gift_is_deleted(client):
    gift = give(KARI)
    response = erase(client, "donation", gift.pk)
    assert response.status_code == 302 and response["Location"].endswith("?done=donation-deleted")
    assert not DonationIntent.objects.filter(pk=gift.pk).exists()
    assert not DonationEvent.objects.filter(intent_id=gift.pk).exists()
    assert erase(client, "donation", gift.pk).status_code == 404


def test_a_paid_gift_keeps_what_the_accounting_law_asks_for_and_nothing_else(client):
    gift = give("Kari.Nordmann@Example.no", national_id=KARI_NATIONAL_ID, paid=True)
    kept = DonationIntent.objects.filter(pk=gift.pk).values(
        "amount_ore", "kid", "status", "provider", "provider_reference", "created_at", "paid_at"
    )[0]
    charges = list(DonationCharge.objects.filter(intent=gift).values())
    assert gift.national_id_encrypted

    response = erase(client, "donation", gift.pk)
    assert response["Location"].endswith("?done=donation-anonymised")
    gift.refresh_from_db()
    assert (gift.donor_name, gift.donor_email, gift.message, gift.national_id_encrypted) == (
        "",
        "",
        "",
        "",
    )
    assert gift.anonymised_at and gift.email_due == ""
    assert gift.status == DonationIntent.Status.PAID and gift.amount_ore == 50_000
    assert DonationIntent.objects.filter(pk=gift.pk).values(*kept)[0] == kept
    assert list(DonationCharge.objects.filter(intent=gift).values()) == charges
    assert DonationEvent.objects.filter(intent=gift).exists()
    assert erase(client, "donation", gift.pk).status_code == 404


def test_a_vipps_payment_under_way_is_not_deleted(client):
    gift = DonationIntent.objects.create(
        amount_ore=20_000,
        donor_name="Kari Nordmann",
        donor_email=KARI,
        provider="vipps",
        provider_reference="spero-123",
        status=DonationIntent.Status.PENDING,
    )
    response = erase(client, "donation", gift.pk)
    assert response["Location"].endswith("?done=donation-in-progress")
    gift.refresh_from_db()
    assert gift.donor_name == "Kari Nordmann" and gift.status == "pending"


def test_a_running_monthly_vipps_gift_is_stopped_in_vipps_first(client):
    gift = DonationIntent.objects.create(
        amount_ore=20_000,
        frequency=DonationIntent.Frequency.MONTHLY,
        donor_name="Kari Nordmann",
        donor_email=KARI,
        provider="vipps",
        provider_reference="agreement-1",
        status=DonationIntent.Status.PAID,
    )
    assert erase(client, "donation", gift.pk)["Location"].endswith("?done=donation-running")
    gift.refresh_from_db()
    assert gift.donor_name == "Kari Nordmann"
    DonationIntent.objects.filter(pk=gift.pk).update(ended_at=gift.created_at)
    assert erase(client, "donation", gift.pk)["Location"].endswith("?done=donation-anonymised")


def test_another_persons_records_and_forged_ids_are_404_and_change_nothing(client, petition, event):
    sign(petition, KARI)
    register(event, KARI)
    give(KARI)
    ola = {
        "signature": sign(petition, "ola@example.no", name="Ola Hansen"),
        "registration": register(event, "ola@example.no", name="Ola Hansen"),
        "donation": give("ola@example.no", name="Ola Hansen", paid=True),
    }
    before = (
        list(Signature.objects.order_by("pk").values()),
        list(Registration.objects.order_by("pk").values()),
        list(DonationIntent.objects.order_by("pk").values()),
        count(petition),
    )
    for kind, pk in [
        ("signature", ola["signature"].pk),
        ("registration", ola["registration"].pk),
        ("donation", ola["donation"].pk),
        ("signature", 10**6),
        ("signature", 2**63 + 5),
        ("registration", 10**6),
        ("donation", uuid.uuid4()),
    ]:
        response = erase(client, kind, pk)
        assert response.status_code == 404, (kind, pk)
        assert response["Referrer-Policy"] == "same-origin"
        assert "no-store" in response["Cache-Control"]
    # Nor with a link for an address that has nothing.
    assert erase(client, "signature", ola["signature"].pk, "nobody@example.no").status_code == 404
    after = (
        list(Signature.objects.order_by("pk").values()),
        list(Registration.objects.order_by("pk").values()),
        list(DonationIntent.objects.order_by("pk").values()),
        count(petition),
    )
    assert after == before


def test_deleting_takes_a_post(client, petition):
    signature = sign(petition, KARI)
    url = reverse("privacy:erase_signature", args=[token_for(KARI), signature.pk])
    assert client.get(url).status_code == 405
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED


def test_deleting_needs_the_csrf_token(petition):
    from django.test import Client

    signature = sign(petition, KARI)
    url = reverse("privacy:erase_signature", args=[token_for(KARI), signature.pk])
    assert Client(enforce_csrf_checks=True).post(url).status_code == 403
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED
