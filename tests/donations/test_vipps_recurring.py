"""Monthly gifts with Vipps, through the Recurring API of the fake Vipps on loopback
(tests/fake_vipps/): the agreement with its first charge, each later charge asked for a week
before it is due, its webhooks and its poll, and the agreement's end."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from donations import services
from donations.models import DonationCharge, DonationIntent
from tests.donations.vipps_flow import donor_answers, give_with_vipps, post_webhook

pytestmark = pytest.mark.django_db

Status = DonationIntent.Status


def _intent_with_charges(*due_dates):
    intent = DonationIntent.objects.create(
        amount_ore=10_000,
        frequency="monthly",
        donor_name="Ola",
        donor_email="ola@example.no",
        provider="vipps",
        status=Status.PAID,
    )
    for due in due_dates:
        DonationCharge.objects.create(intent=intent, amount_ore=10_000, due_date=due)
    return intent


@pytest.mark.parametrize(
    ("charges", "expected"),
    [
        ([datetime.date(2027, 1, 31)], datetime.date(2027, 2, 28)),
        ([datetime.date(2027, 1, 31), datetime.date(2027, 2, 28)], datetime.date(2027, 3, 31)),
        ([datetime.date(2027, 12, 15)], datetime.date(2028, 1, 15)),
        ([datetime.date(2028, 1, 30)], datetime.date(2028, 2, 29)),
    ],
)
def test_monthly_charges_keep_the_day_of_the_first(charges, expected):
    assert services.next_charge_date(_intent_with_charges(*charges)) == expected


def test_monthly_vipps_needs_the_recurring_api_switched_on(client, donation_page, gift, fake_vipps):
    response = give_with_vipps(client, gift, frequency="monthly")
    assert response.status_code == 400
    assert "Månedlige gaver kan ikke gis med Vipps ennå" in response.content.decode()
    assert 'id="id_frequency_error"' in response.content.decode()
    assert not DonationIntent.objects.exists()


def test_a_monthly_gift_through_vipps_recurring_end_to_end(
    client, donation_page, gift, recurring, django_capture_on_commit_callbacks
):
    fake = recurring
    response = give_with_vipps(client, gift, frequency="monthly")
    intent = DonationIntent.objects.get()
    agreement_id = intent.provider_reference
    assert agreement_id.startswith("agr_")
    assert response["Location"] == f"{fake.url}/landing/agreement/{agreement_id}"
    [(_, _, _, body)] = fake.calls_to("POST", "/recurring/v3/agreements")
    assert body["pricing"] == {"type": "LEGACY", "amount": 50_000, "currency": "NOK"}
    assert body["initialCharge"]["amount"] == 50_000
    [first] = intent.charges.all()
    assert first.status == "pending" and first.provider_reference.startswith("chr-")

    back = donor_answers(response["Location"])
    html = client.get(back).content.decode()
    assert 'data-status="paid"' in html
    intent.refresh_from_db()
    first.refresh_from_db()
    assert intent.status == Status.PAID and first.status == "charged"

    # A month later, the periodic task asks for the next charge a week before it is due.
    next_due = services.next_charge_date(intent)
    assert (next_due.year * 12 + next_due.month) - (
        first.due_date.year * 12 + first.due_date.month
    ) == 1
    assert services.create_due_charges(today=next_due - datetime.timedelta(days=8)) == 0
    assert services.create_due_charges(today=next_due - datetime.timedelta(days=7)) == 1
    assert services.create_due_charges(today=next_due - datetime.timedelta(days=6)) == 0
    second = intent.charges.get(due_date=next_due)
    [(_, _, charge_headers, charge_body)] = fake.calls_to(
        "POST", rf"/recurring/v3/agreements/{agreement_id}/charges"
    )
    assert charge_body["due"] == next_due.isoformat() and charge_body["amount"] == 50_000
    assert charge_headers["idempotency-key"]

    # Vipps charges it on the due date and says so by webhook (twice).
    fake.settle_charge(second.provider_reference)
    event = fake.charge_event(agreement_id, second.provider_reference, "CHARGED")
    assert post_webhook(client, fake, event).status_code == 200
    assert post_webhook(client, fake, event).status_code == 200
    second.refresh_from_db()
    assert second.status == "charged" and second.paid_at
    assert intent.charges.filter(status="charged").count() == 2

    # The donor stops the agreement in the app: no more charges.
    fake.stop_agreement(agreement_id)
    stopped = fake.agreement_event(agreement_id, "agreement-stopped")
    assert post_webhook(client, fake, stopped).status_code == 200
    intent.refresh_from_db()
    assert intent.status == Status.PAID and intent.ended_at
    third_due = services.next_charge_date(intent)
    assert services.create_due_charges(today=third_due) == 0
    assert not intent.charges.filter(due_date__gt=next_due).exists()


def test_a_charge_vipps_refuses_ends_a_gift_whose_agreement_was_stopped(
    client, donation_page, gift, recurring
):
    response = give_with_vipps(client, gift, frequency="monthly")
    client.get(donor_answers(response["Location"]))
    intent = DonationIntent.objects.get()
    fake = recurring
    fake.agreements[intent.provider_reference]["status"] = "STOPPED"  # no webhook came
    due = services.next_charge_date(intent)
    assert services.create_due_charges(today=due - datetime.timedelta(days=3)) == 0
    intent.refresh_from_db()
    assert intent.ended_at is not None
    assert intent.charges.get(due_date=due).status == "failed"


def test_monthly_charges_are_polled_when_no_webhook_comes(client, donation_page, gift, recurring):
    response = give_with_vipps(client, gift, frequency="monthly")
    client.get(donor_answers(response["Location"]))
    intent = DonationIntent.objects.get()
    due = services.next_charge_date(intent)
    services.create_due_charges(today=due - datetime.timedelta(days=5))
    charge = intent.charges.get(due_date=due)
    recurring.charges[charge.provider_reference]["status"] = "CHARGED"
    with time_machine.travel(datetime.datetime.combine(due, datetime.time(12)), tick=False):
        assert services.process_pending() == 1
    charge.refresh_from_db()
    assert charge.status == "charged"


@pytest.mark.parametrize(
    ("donor", "status"), [("reject", Status.ABORTED), ("expire", Status.EXPIRED)]
)
def test_an_agreement_never_accepted_ends_the_gift(
    client, donation_page, gift, recurring, donor, status
):
    give_with_vipps(client, gift, frequency="monthly")
    intent = DonationIntent.objects.get()
    getattr(recurring, f"{donor}_agreement")(intent.provider_reference)
    html = client.get(reverse("donations:returned", args=[intent.pk])).content.decode()
    intent.refresh_from_db()
    assert intent.status == status and f'data-status="{status}"' in html
    assert not intent.charges.filter(status="charged").exists()


def test_a_first_charge_that_fails_fails_the_gift(client, donation_page, gift, recurring):
    give_with_vipps(client, gift, frequency="monthly")
    intent = DonationIntent.objects.get()
    recurring.accept_agreement(intent.provider_reference, initial_charge="FAILED")
    event = recurring.charge_event(
        intent.provider_reference, intent.charges.get().provider_reference, "FAILED"
    )
    assert post_webhook(client, recurring, event).status_code == 200
    intent.refresh_from_db()
    assert intent.status == Status.FAILED
    assert list(intent.charges.values_list("status", flat=True)) == ["failed"]
    assert services.create_due_charges(today=timezone.localdate()) == 0
