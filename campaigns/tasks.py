"""E-mails to signers, sent in the background from the outbox that is the signature table
(Signature.email_due), and the retention rules as a task."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from campaigns.models import Signature
from spero_site.tasks import run_started

logger = logging.getLogger(__name__)

# The key under which spero_site.tasks.enqueue_once keeps one run of send_due_emails queued.
DUE_EMAILS = "campaigns.send_due_emails"

TEMPLATES = {
    Signature.Email.CONFIRMATION: "campaigns/emails/confirm_signature.txt",
    Signature.Email.ALREADY_SIGNED: "campaigns/emails/already_signed.txt",
}


def _subject(signature):
    title = signature.petition.title
    if signature.email_due == Signature.Email.ALREADY_SIGNED:
        return _("You have already signed: %(title)s") % {"title": title}
    return _("Confirm your signature: %(title)s") % {"title": title}


def _absolute(path):
    return f"{settings.SITE_BASE_URL}{path}"


def _email_message(signature, connection=None):
    """The e-mail that `signature` is due, in Norwegian, the language signers read the site in."""
    from campaigns import services

    slug = signature.petition.slug
    context = {
        "signature": signature,
        "petition": signature.petition,
        "confirm_url": _absolute(
            reverse("campaigns:confirm", args=[slug, services.confirm_token(signature)])
        ),
        "withdraw_url": _absolute(
            reverse("campaigns:withdraw", args=[slug, services.withdraw_token(signature)])
        ),
    }
    with translation.override(settings.LANGUAGE_CODE):
        return EmailMessage(
            subject=_subject(signature),
            body=render_to_string(TEMPLATES[signature.email_due], context),
            to=[signature.email],
            connection=connection,
        )


@task()
def send_due_emails():
    """Send every e-mail that signatures are waiting for, over one connection to the mail
    server. Returns how many were sent; one that fails stays due for the next run."""
    from campaigns import services

    run_started(DUE_EMAILS)
    connection = get_connection()
    # When the mail server cannot be reached, fail at once and leave everything due.
    connection.open()

    def send(signature):
        try:
            return _email_message(signature, connection).send() == 1
        except Exception:  # noqa: BLE001 - one bad message must not hold back the others
            logger.exception("Could not send the e-mail of signature %s", signature.pk)
            return False

    sent_total, failed = 0, set()
    try:
        while True:
            sent, failed_now = services.send_due_emails(send, skip=failed)
            if not sent and not failed_now:
                return sent_total
            sent_total += len(sent)
            failed |= failed_now
    finally:
        connection.close()


@task()
def enforce_signature_retention():
    """The same rules as `manage.py enforce_signature_retention`, for a worker or scheduler to
    run daily. Returns how many signatures each rule changed."""
    from campaigns import services

    return services.enforce_retention()
