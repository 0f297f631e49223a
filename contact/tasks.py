"""The contact form's e-mails, sent in the background from the outboxes of ContactMessage: the
notice to the organisation (the sender's address as Reply-To) and the receipt to the sender."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from contact.models import ContactMessage
from spero_site.outbox import send_due
from spero_site.tasks import run_started

DUE_EMAILS = "contact.send_due_emails"


def _message(message, connection, *, template, subject, to, reply_to=()):
    with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
        return EmailMessage(
            subject=subject % {"subject": message.subject},
            body=render_to_string(template, {"message": message}),
            to=to,
            reply_to=list(reply_to),
            connection=connection,
        )


def notice_message(message, connection=None):
    return _message(
        message,
        connection,
        template="contact/emails/notice.txt",
        subject=_("Message from the website: %(subject)s"),
        to=[message.recipient],
        reply_to=[message.email],
    )


def receipt_message(message, connection=None):
    return _message(
        message,
        connection,
        template="contact/emails/receipt.txt",
        subject=_("We have received your message: %(subject)s"),
        to=[message.email],
    )


@task()
def send_due_emails():
    """Send every notice and receipt that is due (spero_site/outbox.py). Returns how many."""
    run_started(DUE_EMAILS)
    messages = ContactMessage.objects.all()
    return send_due(
        messages, notice_message, field="notice_due", claim_field="notice_claimed_until"
    ) + send_due(
        messages, receipt_message, field="receipt_due", claim_field="receipt_claimed_until"
    )
