"""A conference page's date, place and organiser move to the Event it shows (events app), which
also holds its registration. Each existing page gets an Event made from its fields, with
registration closed (no seats) until staff open it."""

import datetime
import zoneinfo

import django.db.models.deletion
from django.db import migrations, models

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
CONSENT = (
    "Jeg samtykker i at Spero foreningen lagrer opplysningene mine for å administrere "
    "påmeldingen, og sletter dem etter arrangementet."
)


def events_from_pages(apps, schema_editor):
    ConferencePage = apps.get_model("pages", "ConferencePage")
    Event = apps.get_model("events", "Event")
    for page in ConferencePage.objects.filter(event__isnull=True):
        starts_at = datetime.datetime.combine(page.starts_on, datetime.time(9), OSLO)
        ends_at = datetime.datetime.combine(page.ends_on or page.starts_on, datetime.time(16), OSLO)
        slug = page.slug
        if Event.objects.filter(slug=slug).exists():
            slug = f"{slug}-{page.pk}"
        page.event = Event.objects.create(
            title=page.title[:200],
            slug=slug[:80],
            organiser=page.organiser,
            starts_at=starts_at,
            ends_at=ends_at,
            venue=page.location,
            capacity=0,
            registration_opens_at=starts_at,
            registration_closes_at=starts_at,
            waiting_list=False,
            consent_text=CONSENT,
        )
        page.save(update_fields=["event"])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("pages", "0003_campaign_petition"),
    ]

    operations = [
        migrations.AddField(
            model_name="conferencepage",
            name="event",
            field=models.ForeignKey(
                help_text="When and where, and the registration this page shows.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="conference_pages",
                to="events.event",
                verbose_name="event",
            ),
        ),
        migrations.RunPython(events_from_pages, migrations.RunPython.noop),
    ]
