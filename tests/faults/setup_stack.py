"""Run by `manage.py shell` inside the fault tests' stack: an event with a conference page for
each scenario (12 seats and a waiting list, so each run fills it and queues the rest), and a
«Redaktør» who publishes a page through one app instance. The test puts SETUP (scenarios,
seats, editor, password) before this text. Prints what it made as JSON."""

import datetime
import json

from django.contrib.auth.models import Group, User
from django.utils import timezone

from events.models import Event
from pages.models import ConferencePage, EventIndexPage

SETUP = globals()["SETUP"]
now = timezone.now()
index = EventIndexPage.objects.get(slug="arrangementer")
events = {}
for name in SETUP["scenarios"]:
    event, _ = Event.objects.get_or_create(
        slug=f"feil-{name}",
        defaults={
            "title": f"Feiltest {name}",
            "organiser": "Spero foreningen",
            "starts_at": now + datetime.timedelta(days=30),
            "ends_at": now + datetime.timedelta(days=30, hours=6),
            "venue": "Bergen",
            "capacity": SETUP["seats"],
            "registration_opens_at": now - datetime.timedelta(hours=1),
            "registration_closes_at": now + datetime.timedelta(days=20),
            "consent_text": "Jeg samtykker.",
        },
    )
    if not ConferencePage.objects.filter(event=event).exists():
        page = index.add_child(
            instance=ConferencePage(title=event.title, slug=event.slug, event=event)
        )
        page.save_revision().publish()
    events[name] = event.slug
editor, _ = User.objects.get_or_create(username=SETUP["editor"])
editor.set_password(SETUP["password"])
editor.save()
editor.groups.set([Group.objects.get(name="Redaktør")])
print(json.dumps({"events": events}))
