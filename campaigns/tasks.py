"""E-mails to signers, sent in the background from the outbox that is the signature table
(Signature.email_due), and the retention rules as a task."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from campaigns.models import Signature
from spero_site.outbox import send_due
from spero_site.tasks import run_started

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
    """Send every e-mail that signatures are waiting for (spero_site/outbox.py). Returns how
    many were sent."""
    run_started(DUE_EMAILS)
    return send_due(Signature.objects.select_related("petition"), _email_message)
