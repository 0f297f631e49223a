"""The newsletter's confirmation e-mails, sent in the background from Subscriber.email_due."""

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
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


def unsubscribe_url(token):
    return settings.SITE_BASE_URL + reverse("newsletter:unsubscribe", args=[token])


def delivery_message_id(delivery):
    """The same Message-ID whichever run builds the message, so that a mail program that ever
    got two would show one."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">") or "localhost"
    return f"<newsletter-{delivery.mailing_id}-{delivery.pk}@{domain}>"


def newsletter_message(
    content, *, to, unsubscribe_url, message_id=None, connection=None, test=False
):
    """A newsletter as e-mail: `content` (a Mailing, or services.NewsletterContent for a test or
    a preview) in the site's e-mail layout, with the footer that says why the recipient gets it
    and how to stop, and the List-Unsubscribe headers mail programs show as a button (RFC 2369,
    RFC 8058). A test has no working unsubscribe link and says it is a test."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "content": content,
            "unsubscribe_url": unsubscribe_url,
            "test": test,
        }
        subject = (
            _("[Test] %(subject)s") % {"subject": content.subject} if test else content.subject
        )
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("newsletter/emails/newsletter.txt", context),
            to=[to],
            connection=connection,
            headers={"Message-ID": message_id} if message_id else {},
        )
        message.attach_alternative(
            render_to_string("newsletter/emails/newsletter.html", context), "text/html"
        )
        if unsubscribe_url:
            message.extra_headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
            message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        return message


def newsletter_preview(content):
    """The e-mail's HTML as a subscriber sees it, for the preview in the admin."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "newsletter/emails/newsletter.html",
            {"content": content, "unsubscribe_url": "#", "test": False},
        )


@task()
def send_mailing(mailing_id):
    """Send a newsletter's waiting messages (services.send_mailing). Returns how many."""
    return services.send_mailing(mailing_id)
