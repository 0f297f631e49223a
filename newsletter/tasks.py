"""The newsletter's confirmation e-mails, sent in the background from Subscriber.email_due."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from newsletter import services
from newsletter.models import Subscriber
from spero_site.outbox import send_due
from spero_site.tasks import run_started

DUE_EMAILS = "newsletter.send_due_emails"


def confirmation_message(subscriber, connection=None):
    with translation.override(settings.LANGUAGE_CODE):
        confirm_url = settings.SITE_BASE_URL + reverse(
            "newsletter:confirm", args=[services.confirm_token(subscriber)]
        )
        return EmailMessage(
            subject=_("Confirm that you want the newsletter from Spero foreningen"),
            body=render_to_string(
                "newsletter/emails/confirm.txt",
                {
                    "subscriber": subscriber,
                    "confirm_url": confirm_url,
                    "days": services.CONFIRM_WITHIN.days,
                },
            ),
            to=[subscriber.email],
            connection=connection,
        )


@task()
def send_due_emails():
    """Send every confirmation e-mail that is due (spero_site/outbox.py). Returns how many."""
    run_started(DUE_EMAILS)
    return send_due(Subscriber.objects.all(), confirmation_message)
