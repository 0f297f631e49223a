"""Events as iCalendar (RFC 5545): one event in a participant's e-mail, or every upcoming event
in the public calendar feed. An event has the same UID in both, so a calendar that holds it
from either place holds it once."""

import datetime

import icalendar
from django.conf import settings


def _host():
    return settings.SITE_BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]


def event_entry(event, *, url, description):
    entry = icalendar.Event()
    entry.add("uid", f"event-{event.pk}@{_host()}")
    entry.add("dtstamp", datetime.datetime.now(tz=datetime.UTC))
    entry.add("dtstart", event.starts_at.astimezone(datetime.UTC))
    entry.add("dtend", event.ends_at.astimezone(datetime.UTC))
    entry.add("summary", event.title)
    entry.add("location", ", ".join(part for part in (event.venue, event.address) if part))
    entry.add("organizer", f"mailto:{settings.DEFAULT_FROM_EMAIL.rsplit('<', 1)[-1].rstrip('>')}")
    entry.add("description", description)
    entry.add("url", url)
    return entry


def calendar_file(entries, *, name=""):
    """The iCalendar file (bytes) of these event entries."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Spero foreningen//Arrangementer//NO")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for entry in entries:
        calendar.add_component(entry)
    return calendar.to_ical()
