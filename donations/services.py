"""Every rule that changes a donation intent. Each function is one transaction; a status
change is allowed only along ALLOWED, is stored with a DonationEvent naming its source, and
repeating one (a second webhook, a second click) changes nothing."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from donations import tasks
from donations.models import DonationEvent, DonationIntent
from donations.providers import get_provider
from spero_site.tasks import enqueue_once

Status = DonationIntent.Status
Source = DonationEvent.Source

ALLOWED = {
    Status.CREATED: {Status.PENDING, Status.PAID, Status.ABORTED, Status.EXPIRED, Status.FAILED},
    Status.PENDING: {Status.PAID, Status.ABORTED, Status.EXPIRED, Status.FAILED},
    Status.PAID: {Status.REFUNDED},
}
# Attempts at a unique KID before giving up (ten digits: a clash is already rare).
KID_ATTEMPTS = 5


class InvalidTransition(Exception):
    """The intent cannot go from its status to the one asked for (paid → pending, say)."""


@dataclass(frozen=True)
class DonationData:
    amount_ore: int
    frequency: str
    donor_name: str
    donor_email: str
    message: str


def create_intent(data, *, provider_name, origin_page=None, language="nb"):
    """A new intent, started with its provider. Returns it. Raises KeyError for a provider that
    is not enabled."""
    provider = get_provider(provider_name)
    for attempt in range(KID_ATTEMPTS):
        try:
            with transaction.atomic():
                intent = DonationIntent(
                    amount_ore=data.amount_ore,
                    frequency=data.frequency,
                    donor_name=data.donor_name,
                    donor_email=data.donor_email,
                    message=data.message,
                    provider=provider.name,
                    origin_page=origin_page,
                    language=language,
                )
                status = provider.start(intent)
                intent.save()
                _record(intent, status, Source.DONOR, {})
                return intent
        except IntegrityError:
            if attempt == KID_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _record(intent, to_status, source, detail):
    """Move a locked (or new) intent to `to_status` and store the change."""
    from_status = intent.status
    if to_status == from_status:
        return False
    if to_status not in ALLOWED.get(from_status, ()):
        raise InvalidTransition(f"{from_status} → {to_status}")
    intent.status = to_status
    if to_status == Status.PAID:
        intent.paid_at = timezone.now()
        intent.email_due = DonationIntent.Email.RECEIPT
        enqueue_once(tasks.send_due_emails, tasks.DUE_EMAILS)
    intent.save(update_fields=["status", "paid_at", "email_due", "updated_at"])
    DonationEvent.objects.create(
        intent=intent, from_status=from_status, to_status=to_status, source=source, detail=detail
    )
    return True


def transition(intent_id, to_status, *, source, detail=None):
    """Move the intent to `to_status` (under a row lock). Returns True when it changed, False
    when it was there already. Raises InvalidTransition or DonationIntent.DoesNotExist."""
    with transaction.atomic():
        intent = DonationIntent.objects.select_for_update().get(pk=intent_id)
        return _record(intent, to_status, source, detail or {})


def mark_paid_by_staff(intent_id, user):
    """Staff saw the money arrive (bank transfer or Vipps to the organisation's number)."""
    return transition(intent_id, Status.PAID, source=Source.STAFF, detail={"user_id": user.pk})
