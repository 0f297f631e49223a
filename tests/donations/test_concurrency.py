"""A Vipps payment under real concurrency on PostgreSQL: the donor's return, the poll and
several copies of Vipps's webhooks all at once pay the gift once — one status change, one
charge, one capture at Vipps, one receipt (see tests/concurrency.py)."""

from django.core import mail

from donations import services
from donations.models import DonationEvent, DonationIntent
from tests.concurrency import errors_of, run_concurrently

Status = DonationIntent.Status


def test_return_poll_and_webhooks_at_once_pay_the_gift_once(transactional_db, fake_vipps):
    data = services.DonationData(
        amount_ore=30_000,
        frequency="one_off",
        donor_name="Kari Nordmann",
        donor_email="kari@example.no",
        message="",
    )
    intent = services.create_intent(data, provider_name="vipps")
    services.start_payment(intent.pk)
    fake_vipps.approve(str(intent.pk))
    captured = fake_vipps.payment_event(str(intent.pk), "CAPTURED")

    calls = [
        *[lambda: services.sync_payment(intent.pk)] * 4,
        *[lambda: services.capture_authorized(intent.pk, source="webhook")] * 4,
        *[lambda: services.apply_webhook("vipps", captured)] * 4,
    ]
    outcomes = run_concurrently(calls)
    assert errors_of(outcomes) == []

    intent.refresh_from_db()
    assert intent.status == Status.PAID
    assert DonationEvent.objects.filter(intent=intent, to_status=Status.PAID).count() == 1
    assert intent.charges.count() == 1
    assert fake_vipps.payments[str(intent.pk)]["captured"] == 30_000
    # The receipt went out once, by the task queued when the gift became paid.
    assert [message.to for message in mail.outbox] == [["kari@example.no"]]
    assert intent.email_due == ""
