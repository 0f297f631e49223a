"""Expire waiting-list offers whose time is up and offer free seats to the next in line.

The services do this whenever a seat frees up or an offer is answered; this command (and the
task of the same name) catches offers that simply run out. Safe to run at any time, repeatedly
and in parallel: each event is handled under its row lock, and only what is due is done.
"""

from django.core.management.base import BaseCommand

from events import services


class Command(BaseCommand):
    help = "Expires waiting-list offers that have run out and offers free seats."

    def handle(self, *args, **options):
        expired, offered = services.process_waiting_lists()
        self.stdout.write(f"Expired {expired} offer(s); offered {offered} seat(s).")
