"""Receipts to donors, sent in the background from the outbox DonationIntent.email_due."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from donations.models import DonationIntent
from spero_site.outbox import send_due
from spero_site.tasks import run_started

logger = logging.getLogger(__name__)

DUE_EMAILS = "donations.send_due_emails"


def receipt_message(intent, connection=None):
    """The receipt for a paid gift or membership fee, in the language the payer gave in."""
    with translation.override(intent.language), timezone.override(settings.TIME_ZONE):
        fee = intent.purpose == DonationIntent.Purpose.MEMBERSHIP_FEE
        context = {
            "intent": intent,
            "fee": fee,
            "intent_url": settings.SITE_BASE_URL
            + (intent.return_path or reverse("donations:intent", args=[intent.pk])),
        }
        return EmailMessage(
            subject=_("Receipt for your membership fee to Spero foreningen")
            if fee
            else _("Receipt for your gift to Spero foreningen"),
            body=render_to_string("donations/emails/receipt.txt", context),
            to=[intent.donor_email],
            connection=connection,
        )


@task()
def send_due_emails():
    """Send every receipt that is due (spero_site/outbox.py). Returns how many were sent."""
    run_started(DUE_EMAILS)
    return send_due(DonationIntent.objects.all(), receipt_message)


@task()
def capture_payment(intent_id):
    """Capture a payment a webhook said is authorised (donations.services.capture_authorized).
    When Vipps does not answer, the intent stays pending and manage.py process_donations
    captures it on its next run."""
    from donations import services
    from donations.providers.base import ProviderRefused, ProviderUnavailable

    try:
        return services.capture_authorized(intent_id, source=services.Source.WEBHOOK)
    except (ProviderUnavailable, ProviderRefused):
        logger.warning("Could not capture gift %s now; the next poll tries again", intent_id)
        return False


@task()
def process_donations():
    """The periodic work of donations.services: poll what is waiting, ask for due charges."""
    from donations import services

    return {
        "changed": services.process_pending(),
        "charges_created": services.create_due_charges(),
    }
