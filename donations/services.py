"""Every rule that changes a donation intent or its charges. Each function that changes data
does it in one transaction; a status change is allowed only along ALLOWED, is stored with a
DonationEvent naming its source, and repeating one (a second webhook, a second click, a poll
after a webhook) changes nothing. Calls to a provider happen outside the transactions, so that
a slow provider never holds a row lock."""

import calendar
import datetime
import enum
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from donations import national_id, tasks
from donations.models import RECURRING_MONTHS, DonationCharge, DonationEvent, DonationIntent
from donations.providers import PROVIDERS, get_provider
from donations.providers.base import Outcome, ProviderRefused, ProviderUnavailable
from donations.providers.vipps import CHARGE_MIN_DAYS_AHEAD
from spero_site.tasks import enqueue_once

logger = logging.getLogger(__name__)

Status = DonationIntent.Status
ChargeStatus = DonationCharge.Status
Source = DonationEvent.Source

ALLOWED = {
    Status.CREATED: {Status.PENDING, Status.PAID, Status.ABORTED, Status.EXPIRED, Status.FAILED},
    Status.PENDING: {Status.PAID, Status.ABORTED, Status.EXPIRED, Status.FAILED},
    Status.PAID: {Status.REFUNDED},
}
CHARGE_ALLOWED = {
    ChargeStatus.PENDING: {ChargeStatus.CHARGED, ChargeStatus.FAILED, ChargeStatus.CANCELLED},
    ChargeStatus.CHARGED: {ChargeStatus.REFUNDED},
}
# Attempts at a unique KID before giving up (ten digits: a clash is already rare).
KID_ATTEMPTS = 5
# A monthly charge is asked of Vipps this many days before it is due.
CHARGE_LEAD_DAYS = 7
# A payment Vipps never heard of (its creation timed out before it reached Vipps) is given up
# after this long; a donor who got as far as Vipps has long since been told it expired.
UNSTARTED_GIVE_UP = datetime.timedelta(minutes=30)


class InvalidTransition(Exception):
    """The intent cannot go from its status to the one asked for (paid → pending, say)."""


class UnknownReference(Exception):
    """A provider spoke of a payment, agreement or charge that the site does not know."""


@dataclass(frozen=True)
class DonationData:
    amount_ore: int
    frequency: str
    donor_name: str
    donor_email: str
    message: str
    # A validated fødselsnummer, only when the donor asked for tax deduction.
    national_id: str = ""
    # Set by the app whose payment this is when it is not a gift (DonationIntent.purpose).
    purpose: str = DonationIntent.Purpose.GIFT
    description: str = ""
    return_path: str = ""


@sensitive_variables()
def create_intent(data, *, provider_name, origin_page=None, language="nb"):
    """A new intent, prepared by its provider (a KID for a bank transfer). Returns it. Raises
    KeyError for a provider that is not enabled or does not take this frequency. A provider
    that sends the donor away is started next, with start_payment."""
    provider = get_provider(provider_name)
    if not provider.supports(data.frequency):
        raise KeyError(provider_name)
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
                    purpose=data.purpose,
                    description=data.description,
                    return_path=data.return_path,
                    origin_page=origin_page,
                    language=language,
                )
                if data.national_id:
                    intent.tax_deduction = True
                    intent.national_id_encrypted = national_id.encrypt(data.national_id)
                status = provider.prepare(intent)
                intent.save()
                _record(intent, status, Source.DONOR, {})
                return intent
        except IntegrityError:
            if attempt == KID_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def start_payment(intent_id):
    """Begin the payment with the intent's provider and return where to send the donor (None
    for a provider that shows the donor how to pay). Raises ProviderUnavailable or
    ProviderRefused, leaving the intent as it was: asking again is safe (same Idempotency-Key),
    and process_pending gives up on one that never started."""
    intent = DonationIntent.objects.get(pk=intent_id)
    started = PROVIDERS[intent.provider].begin(intent)
    if started is None:
        return None
    with transaction.atomic():
        intent = DonationIntent.objects.select_for_update().get(pk=intent_id)
        if intent.status != Status.CREATED:
            return started.redirect_url
        intent.provider_reference = started.reference
        intent.save(update_fields=["provider_reference", "updated_at"])
        if started.first_charge_reference:
            DonationCharge.objects.create(
                intent=intent,
                amount_ore=intent.amount_ore,
                due_date=timezone.localdate(),
                provider_reference=started.first_charge_reference,
            )
        _record(intent, Status.PENDING, Source.DONOR, {"reference": started.reference})
    return started.redirect_url


def _record(intent, to_status, source, detail):
    """Move a locked (or new) intent to `to_status` and store the change. Returns False when
    it had that status already."""
    from_status = intent.status
    if to_status == from_status:
        return False
    if to_status not in ALLOWED.get(from_status, ()):
        raise InvalidTransition(f"{from_status} → {to_status}")
    intent.status = to_status
    if to_status == Status.PAID:
        intent.paid_at = timezone.now()
        intent.email_due = DonationIntent.Email.RECEIPT
        _charge_first(intent)
        enqueue_once(tasks.send_due_emails, tasks.DUE_EMAILS)
    elif to_status == Status.REFUNDED:
        intent.charges.filter(status=ChargeStatus.CHARGED).update(status=ChargeStatus.REFUNDED)
    intent.save(update_fields=["status", "paid_at", "email_due", "updated_at"])
    DonationEvent.objects.create(
        intent=intent, from_status=from_status, to_status=to_status, source=source, detail=detail
    )
    return True


def _charge_first(intent):
    """The charge that records a gift's first payment: its pending first charge (a Vipps
    agreement's), or a new one."""
    first = intent.charges.filter(status=ChargeStatus.PENDING).order_by("due_date").first()
    if first is None:
        DonationCharge.objects.create(
            intent=intent,
            amount_ore=intent.amount_ore,
            due_date=timezone.localdate(intent.paid_at),
            status=ChargeStatus.CHARGED,
            paid_at=intent.paid_at,
        )
    else:
        first.status, first.paid_at = ChargeStatus.CHARGED, intent.paid_at
        first.save(update_fields=["status", "paid_at"])


def transition(intent_id, to_status, *, source, detail=None):
    """Move the intent to `to_status` (under a row lock). Returns True when it changed, False
    when it was there already. Raises InvalidTransition or DonationIntent.DoesNotExist."""
    with transaction.atomic():
        intent = DonationIntent.objects.select_for_update().get(pk=intent_id)
        return _record(intent, to_status, source, detail or {})


def mark_paid_by_staff(intent_id, user):
    """Staff saw the money arrive (bank transfer or Vipps to the organisation's number). Only a
    manual gift: a Vipps payment is paid when Vipps says so."""
    with transaction.atomic():
        intent = DonationIntent.objects.select_for_update().get(pk=intent_id)
        if intent.provider != "manual":
            raise InvalidTransition(f"{intent.provider} gifts are paid by their provider")
        return _record(intent, Status.PAID, Source.STAFF, {"user_id": user.pk})


class BankPayment(enum.StrEnum):
    """What a payment on a bank statement did (apply_bank_payment)."""

    PAID = "paid"  # a gift awaiting payment is paid
    CHARGED = "charged"  # a month of a paid monthly gift (a standing order) was added
    ALREADY = "already"  # the payment was recorded before (the same statement imported again)
    UNKNOWN_KID = "unknown_kid"
    AMOUNT_DIFFERS = "amount_differs"
    NOT_PENDING = "not_pending"  # a paid one-off gift, or one that expired, failed, ...


# DonationCharge.provider_reference's length.
BANK_REFERENCE_MAX_LENGTH = 100


def _received_at(day):
    """When money that the bank booked on `day` was received: noon in Norway that day (never
    later than now), so that totals and the tax report count it on the bank's day."""
    noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))
    return min(noon, timezone.now())


def apply_bank_payment(kid, amount_ore, paid_on, line_reference, user):
    """Staff imported a bank statement (donations/admin_bank.py) with a payment of `amount_ore`
    with this KID on `paid_on`. A manual gift awaiting payment becomes paid (and the donor gets
    the receipt); a paid monthly gift (a standing order) gets that month's charge. The charge
    keeps `line_reference` (the statement line's), so that importing a statement again changes
    nothing, nor does a second line for a day that already has a payment. A paid one-off gift,
    an unknown KID or another amount changes nothing either. Returns a BankPayment."""
    if not line_reference or len(line_reference) > BANK_REFERENCE_MAX_LENGTH:
        raise ValueError(f"bad line reference {line_reference!r}")
    if not kid:
        return BankPayment.UNKNOWN_KID
    with transaction.atomic():
        intent = (
            DonationIntent.objects.select_for_update().filter(provider="manual", kid=kid).first()
        )
        if intent is None:
            return BankPayment.UNKNOWN_KID
        if intent.charges.filter(provider_reference=line_reference).exists():
            return BankPayment.ALREADY
        waiting = intent.status in (Status.CREATED, Status.PENDING)
        standing_order = (
            intent.status == Status.PAID and intent.frequency == DonationIntent.Frequency.MONTHLY
        )
        if not waiting and not standing_order:
            return BankPayment.NOT_PENDING
        if amount_ore != intent.amount_ore:
            return BankPayment.AMOUNT_DIFFERS
        received_at = _received_at(paid_on)
        if waiting:
            detail = {"user_id": user.pk, "line_reference": line_reference}
            _record(intent, Status.PAID, Source.STAFF, detail)
            # The gift and its first charge were received on the bank's day, not today.
            intent.paid_at = received_at
            intent.save(update_fields=["paid_at", "updated_at"])
            intent.charges.filter(status=ChargeStatus.CHARGED).update(
                due_date=paid_on, paid_at=received_at, provider_reference=line_reference
            )
            return BankPayment.PAID
        # A gift marked paid by hand has a first charge without a reference: a payment on or
        # before its day is that one (or older still), not a new month.
        first = intent.charges.order_by("due_date").first()
        if first is not None and paid_on <= first.due_date:
            return BankPayment.ALREADY
        if intent.charges.filter(due_date=paid_on).exists():
            return BankPayment.ALREADY
        DonationCharge.objects.create(
            intent=intent,
            amount_ore=amount_ore,
            due_date=paid_on,
            status=ChargeStatus.CHARGED,
            paid_at=received_at,
            provider_reference=line_reference,
        )
        return BankPayment.CHARGED


def apply_outcome(intent_id, outcome, *, source):
    """Apply what the provider says of an intent. News that comes too late (an «expired» after
    the gift was paid, a second «captured») changes nothing: the intent only moves forward.
    Returns True when the intent changed."""
    with transaction.atomic():
        intent = DonationIntent.objects.select_for_update().get(pk=intent_id)
        if outcome.ended and intent.status == Status.PAID:
            if intent.ended_at is not None:
                return False
            intent.ended_at = timezone.now()
            intent.save(update_fields=["ended_at", "updated_at"])
            logger.info("Monthly gift %s ended (%s)", intent.pk, outcome.detail)
            return True
        if outcome.status is None or outcome.status == intent.status:
            return False
        if outcome.status not in ALLOWED.get(intent.status, ()):
            logger.info(
                "Ignored %s for gift %s, which is %s (late or out of order)",
                outcome.status,
                intent.pk,
                intent.status,
            )
            return False
        return _record(intent, outcome.status, source, outcome.detail)


def sync_payment(intent_id, *, source=Source.POLL):
    """Ask the provider how the payment stands, capture money that is reserved, and apply the
    answer. Returns the intent as it then is. Raises ProviderUnavailable or ProviderRefused
    (the intent is left as it was)."""
    intent = DonationIntent.objects.get(pk=intent_id)
    if intent.status not in (Status.CREATED, Status.PENDING) or not intent.provider_reference:
        return intent
    provider = PROVIDERS[intent.provider]
    outcome = provider.fetch(intent)
    if outcome.authorized:
        outcome = provider.capture(intent)
    apply_outcome(intent.pk, outcome, source=source)
    intent.refresh_from_db()
    return intent


def capture_authorized(intent_id, *, source):
    """Money is reserved (a webhook said so): capture it now, then apply the answer."""
    intent = DonationIntent.objects.get(pk=intent_id)
    if intent.status not in (Status.CREATED, Status.PENDING):
        return False
    return apply_outcome(intent.pk, PROVIDERS[intent.provider].capture(intent), source=source)


def apply_webhook(provider_name, payload):
    """Apply a verified webhook's JSON body. Reserved money is captured by a background task, so
    that the webhook is answered at once. Raises UnknownReference for a payment, agreement or
    charge the site does not know; news it does not act on is ignored."""
    news = PROVIDERS[provider_name].read_webhook(payload)
    if news is None:
        return False
    intent = DonationIntent.objects.filter(
        provider=provider_name, provider_reference=news.intent_reference
    ).first()
    if intent is None:
        raise UnknownReference(news.intent_reference)
    if news.charge_status is not None:
        charge = intent.charges.filter(provider_reference=news.charge_reference).first()
        if charge is None:
            raise UnknownReference(news.charge_reference)
        return apply_charge_status(charge.pk, news.charge_status, source=Source.WEBHOOK)
    if news.outcome.authorized:
        transaction.on_commit(lambda: tasks.capture_payment.enqueue(str(intent.pk)))
        return False
    return apply_outcome(intent.pk, news.outcome, source=Source.WEBHOOK)


def apply_charge_status(charge_id, status, *, source):
    """A monthly charge was charged, failed or was cancelled. The first charge of an agreement
    decides its gift: paid, or failed. Returns True when something changed."""
    with transaction.atomic():
        charge = DonationCharge.objects.select_for_update().get(pk=charge_id)
        intent = DonationIntent.objects.select_for_update().get(pk=charge.intent_id)
        if intent.status in (Status.CREATED, Status.PENDING):
            if status == ChargeStatus.CHARGED:
                return _record(intent, Status.PAID, source, {"charge": charge.provider_reference})
            if status in (ChargeStatus.FAILED, ChargeStatus.CANCELLED):
                charge.status = status
                charge.save(update_fields=["status"])
                return _record(intent, Status.FAILED, source, {"charge": charge.provider_reference})
        if status == charge.status or status not in CHARGE_ALLOWED.get(charge.status, ()):
            return False
        charge.status = status
        if status == ChargeStatus.CHARGED:
            charge.paid_at = timezone.now()
        charge.save(update_fields=["status", "paid_at"])
        return True


def _months_later(day, anchor_day, months=1):
    """The date `months` after `day`, on the gift's day of the month (or the month's last)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(anchor_day, calendar.monthrange(year, month)[1]))


def next_charge_date(intent):
    """When the next charge of a running Vipps agreement falls due (a month or, for a yearly
    membership fee, a year after the last), or None."""
    charges = list(intent.charges.order_by("due_date").values_list("due_date", flat=True))
    if not charges:
        return None
    return _months_later(charges[-1], charges[0].day, RECURRING_MONTHS[intent.frequency])


def create_due_charges(today=None):
    """Ask Vipps for each running agreement's next charge once it is CHARGE_LEAD_DAYS away.
    A charge row is saved before Vipps is asked (one per gift and day), so a run that is
    repeated or interrupted never charges twice. Returns how many charges Vipps accepted."""
    if not PROVIDERS["vipps"].is_enabled():
        return 0
    today = today or timezone.localdate()
    created = 0
    running = DonationIntent.objects.filter(
        provider="vipps",
        frequency__in=list(RECURRING_MONTHS),
        status=Status.PAID,
        ended_at__isnull=True,
    )
    for intent in running.iterator():
        due = next_charge_date(intent)
        if due is None or due > today + datetime.timedelta(days=CHARGE_LEAD_DAYS):
            continue
        due = max(due, today + datetime.timedelta(days=CHARGE_MIN_DAYS_AHEAD))
        charge, _ = DonationCharge.objects.get_or_create(
            intent=intent, due_date=due, defaults={"amount_ore": intent.amount_ore}
        )
        created += _ask_for_charge(intent, charge)
    # Charges saved by a run that then could not reach Vipps.
    for charge in DonationCharge.objects.filter(
        intent__in=running, status=ChargeStatus.PENDING, provider_reference=""
    ).select_related("intent"):
        created += _ask_for_charge(charge.intent, charge)
    return created


def _ask_for_charge(intent, charge):
    if charge.provider_reference or charge.status != ChargeStatus.PENDING:
        return 0
    provider = PROVIDERS[intent.provider]
    try:
        charge_id = provider.create_charge(intent, charge)
    except ProviderUnavailable:
        return 0  # the same Idempotency-Key is used on the next run
    except ProviderRefused as refusal:
        logger.warning("Vipps refused the charge %s of gift %s: %s", charge.pk, intent.pk, refusal)
        apply_charge_status(charge.pk, ChargeStatus.FAILED, source=Source.SYSTEM)
        _sync_agreement(intent)
        return 0
    DonationCharge.objects.filter(pk=charge.pk, provider_reference="").update(
        provider_reference=charge_id
    )
    return 1


def _sync_agreement(intent):
    """A refused charge often means the donor stopped the agreement: ask, and end the gift."""
    try:
        outcome = PROVIDERS[intent.provider].fetch(intent)
    except (ProviderUnavailable, ProviderRefused):
        return
    apply_outcome(intent.pk, outcome, source=Source.POLL)


def process_pending(now=None):
    """The poll that makes webhooks optional: every Vipps gift still waiting, and every charge
    that has fallen due, is asked after. A gift Vipps never heard of is given up after
    UNSTARTED_GIVE_UP. Returns how many intents or charges changed."""
    if not PROVIDERS["vipps"].is_enabled():
        return 0
    now = now or timezone.now()
    changed = 0
    waiting = DonationIntent.objects.filter(
        provider="vipps", status__in=[Status.CREATED, Status.PENDING]
    )
    for intent in waiting.iterator():
        if not intent.provider_reference:
            if now - intent.created_at > UNSTARTED_GIVE_UP:
                changed += apply_outcome(
                    intent.pk,
                    Outcome(Status.FAILED, detail={"reason": "never started"}),
                    source=Source.SYSTEM,
                )
            continue
        try:
            before = intent.status
            changed += sync_payment(intent.pk).status != before
        except (ProviderUnavailable, ProviderRefused):
            logger.warning("Could not ask Vipps about gift %s", intent.pk)
    due = DonationCharge.objects.filter(
        intent__provider="vipps",
        intent__status=Status.PAID,
        status=ChargeStatus.PENDING,
        due_date__lte=timezone.localdate(now),
    ).exclude(provider_reference="")
    for charge in due.select_related("intent"):
        try:
            status = PROVIDERS["vipps"].fetch_charge(charge.intent, charge)
        except (ProviderUnavailable, ProviderRefused):
            logger.warning("Could not ask Vipps about charge %s", charge.pk)
            continue
        if status is not None:
            changed += apply_charge_status(charge.pk, status, source=Source.POLL)
    return changed


def end_agreement(intent_id):
    """The site makes no more charges on this agreement (a member who resigned; the payer
    stops the agreement itself in the Vipps app). Returns True when it was running."""
    with transaction.atomic():
        return bool(
            DonationIntent.objects.filter(
                pk=intent_id, frequency__in=list(RECURRING_MONTHS), ended_at__isnull=True
            ).update(ended_at=timezone.now())
        )
