"""Anonymise registrations EVENT_REGISTRATION_RETENTION_DAYS (default 90) after their event
ended: every field that says who registered is emptied; status and seats stay, so that the
event's numbers stay true."""

from django.conf import settings
from django.core.management.base import BaseCommand

from events import services


class Command(BaseCommand):
    help = "Anonymises registrations a set number of days after their event."

    def handle(self, *args, **options):
        days = settings.EVENT_REGISTRATION_RETENTION_DAYS
        count = services.anonymise_past_registrations(days)
        self.stdout.write(
            f"Anonymised {count} registration(s) of events that ended {days}+ days ago."
        )
