"""Background work for conferences: the e-mails that registrations are due (an outbox,
Registration.email_due), the waiting lists' expiry and promotion, and retention."""

import datetime

import icalendar
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

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


def calendar_file(registration):
    """The event as an iCalendar file (RFC 5545) for a confirmed participant's calendar."""
    event = registration.event
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Spero foreningen//Arrangementer//NO")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = icalendar.Event()
    host = settings.SITE_BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    entry.add("uid", f"event-{event.pk}@{host}")
    entry.add("dtstamp", datetime.datetime.now(tz=datetime.UTC))
    entry.add("dtstart", event.starts_at.astimezone(datetime.UTC))
    entry.add("dtend", event.ends_at.astimezone(datetime.UTC))
    entry.add("summary", event.title)
    entry.add("location", ", ".join(part for part in (event.venue, event.address) if part))
    entry.add("organizer", f"mailto:{settings.DEFAULT_FROM_EMAIL.rsplit('<', 1)[-1].rstrip('>')}")
    entry.add("description", f"{event.organiser}\n{own_page_url(registration)}")
    entry.add("url", own_page_url(registration))
    calendar.add_component(entry)
    return calendar.to_ical()


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
            message.attach("arrangement.ics", calendar_file(registration), "text/calendar")
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
