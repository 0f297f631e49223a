"""What the site keeps of a gift, and for how long: the retention rules (spero_site.retention)
and the donor's own deletion («Mine data», privacy/). A paid gift keeps what the accounting law
asks for five years and loses who gave; a gift never paid is deleted."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from donations.models import DonationIntent
from spero_site.retention import RetentionRule, local

Status = DonationIntent.Status

UNPAID = [Status.CREATED, Status.PENDING, Status.ABORTED, Status.EXPIRED, Status.FAILED]


def unpaid_before(now):
    return now - datetime.timedelta(days=settings.DONATION_UNPAID_RETENTION_DAYS)


def accounting_period_start(now):
    """1 January, DONATION_RETENTION_YEARS years back: the accounting law keeps records five
    years after the end of the financial year (bokføringsloven § 13), so a gift last paid
    before this date is no longer needed with its donor."""
    year = timezone.localtime(now).year - settings.DONATION_RETENTION_YEARS
    return timezone.make_aware(datetime.datetime(year, 1, 1))


def delete_unpaid(*, now=None, dry_run=False):
    """Delete gifts never paid DONATION_UNPAID_RETENTION_DAYS after they were made. Returns
    how many (or would be, with dry_run)."""
    now = now or timezone.now()
    due = DonationIntent.objects.filter(status__in=UNPAID, created_at__lt=unpaid_before(now))
    if dry_run:
        return due.count()
    with transaction.atomic():
        count = due.count()
        due.delete()
    return count


def anonymise_past_accounting_period(*, now=None, dry_run=False):
    """Wipe who gave from paid gifts last paid before accounting_period_start: amounts, dates,
    KID and references stay for the totals. Returns how many (or would be, with dry_run)."""
    now = now or timezone.now()
    before = accounting_period_start(now)
    due = (
        DonationIntent.objects.filter(
            status__in=[Status.PAID, Status.REFUNDED], anonymised_at__isnull=True
        )
        .annotate(last_paid=Max("charges__paid_at"))
        .filter(Q(last_paid__lt=before) | Q(last_paid__isnull=True, paid_at__lt=before))
    )
    if dry_run:
        return due.count()
    with transaction.atomic():
        return DonationIntent.objects.filter(pk__in=due.values("pk")).update(
            **DonationIntent.WIPED, anonymised_at=now
        )


def retention_rules():
    """The donations' rules for spero_site.retention."""
    days, years = settings.DONATION_UNPAID_RETENTION_DAYS, settings.DONATION_RETENTION_YEARS
    return [
        RetentionRule(
            name="unpaid_gifts",
            deletes=True,
            scope=lambda now: (
                f"unpaid gift(s) made before {local(unpaid_before(now))} ({days} days)"
            ),
            apply=lambda now, dry_run: delete_unpaid(now=now, dry_run=dry_run),
        ),
        RetentionRule(
            name="gifts_past_accounting_period",
            deletes=False,
            scope=lambda now: (
                f"paid gift(s) last paid before "
                f"{local(accounting_period_start(now), with_time=False)} "
                f"({years} years after the end of the year)"
            ),
            apply=lambda now, dry_run: anonymise_past_accounting_period(now=now, dry_run=dry_run),
        ),
    ]


class PaymentInProgress(Exception):
    """The gift is still with its provider (a Vipps payment or agreement that may yet go
    through): it can be deleted once the provider has settled it."""


class GiftStillRunning(Exception):
    """A monthly Vipps gift whose agreement still runs: the donor stops it in Vipps first."""


def erase_donation(intent_id, *, donor_emails, now=None):
    """Delete a gift at its donor's request. A gift never paid is deleted with its payments and
    status changes. A paid (or refunded) one keeps what the accounting law asks for five years
    (amount, dates, KID, provider references, status, payments) and loses everything else that
    says who gave (DonationIntent.WIPED), as the retention rule does at the end of that period.
    Only a gift whose address is one of `donor_emails` (ignoring case) is touched, so deleting
    twice changes nothing. Returns "deleted" or "anonymised". Raises DonationIntent.DoesNotExist
    for a gift that is not theirs (or is anonymised), PaymentInProgress or GiftStillRunning."""
    owned = Q()
    for address in donor_emails:
        if address:
            owned |= Q(donor_email__iexact=address)
    if not owned:
        raise DonationIntent.DoesNotExist
    with transaction.atomic():
        intent = (
            DonationIntent.objects.select_for_update()
            .filter(owned, pk=intent_id, anonymised_at__isnull=True)
            .first()
        )
        if intent is None:
            raise DonationIntent.DoesNotExist
        now = now or timezone.now()
        if intent.status in UNPAID:
            if (
                intent.status in (Status.CREATED, Status.PENDING)
                and intent.provider != "manual"
                and intent.provider_reference
            ):
                raise PaymentInProgress
            intent.delete()
            return "deleted"
        if (
            intent.status == Status.PAID
            and intent.recurring
            and intent.provider != "manual"
            and intent.ended_at is None
        ):
            raise GiftStillRunning
        for field, value in DonationIntent.WIPED.items():
            setattr(intent, field, value)
        intent.anonymised_at = now
        # A receipt not yet sent has nobody to go to.
        intent.email_due = DonationIntent.Email.NONE
        intent.save(
            update_fields=[*DonationIntent.WIPED, "anonymised_at", "email_due", "updated_at"]
        )
        return "anonymised"
