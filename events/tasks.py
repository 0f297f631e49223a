"""Background work for conferences: the e-mails that registrations are due (an outbox,
Registration.email_due), the waiting lists' expiry and promotion, and retention."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from events.calendar import calendar_file, event_entry
from events.models import Registration
from spero_site.outbox import send_due
from spero_site.tasks import run_started

# The key under which spero_site.tasks.enqueue_once keeps one run of send_due_emails queued.
DUE_EMAILS = "events.send_due_emails"

SUBJECTS = {
    Registration.Status.CONFIRMED: _("You have a seat: %(title)s"),
    Registration.Status.WAITING: _("You are on the waiting list: %(title)s"),
    Registration.Status.OFFERED: _("A seat is yours if you want it: %(title)s"),
    Registration.Status.CANCELLED: _("Your registration is cancelled: %(title)s"),
    Registration.Status.EXPIRED: _("The offer of a seat has expired: %(title)s"),
}


def own_page_url(registration):
    return settings.SITE_BASE_URL + reverse("events:registration", args=[registration.token])


def registration_calendar(registration):
    """The event as an iCalendar file for a confirmed participant's calendar."""
    url = own_page_url(registration)
    entry = event_entry(
        registration.event, url=url, description=f"{registration.event.organiser}\n{url}"
    )
    return calendar_file([entry])


def email_message(registration, connection=None):
    """The e-mail that `registration` is due: why it is sent, then its status as it is now."""
    from events.services import queue_position

    with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
        context = {
            "registration": registration,
            "event": registration.event,
            "reason": registration.email_due,
            "position": queue_position(registration),
            "own_page_url": own_page_url(registration),
        }
        message = EmailMessage(
            subject=SUBJECTS[registration.status] % {"title": registration.event.title},
            body=render_to_string("events/emails/registration.txt", context),
            to=[registration.email],
            connection=connection,
        )
        if registration.status == Registration.Status.CONFIRMED:
            message.attach("arrangement.ics", registration_calendar(registration), "text/calendar")
        return message


@task()
def send_due_emails():
    """Send every e-mail that registrations are waiting for (spero_site/outbox.py). Returns how
    many were sent."""
    run_started(DUE_EMAILS)
    return send_due(Registration.objects.select_related("event"), email_message)


@task()
def process_waiting_lists():
    """Expire offers whose time is up and offer free seats, for every event; what
    `manage.py process_waiting_lists` does. Returns (expired, offered)."""
    from events import services

    return services.process_waiting_lists()
