"""Queue a run for every newsletter sending whose run has stopped (a worker killed or restarted
mid-send); the scheduler runs this every tick. Safe at any time: a run that still holds its
sending's lease is left alone, and the new run never sends anyone a message twice."""

from django.core.management.base import BaseCommand

from newsletter import services


class Command(BaseCommand):
    help = "Resumes newsletter sendings whose run has stopped."

    def handle(self, *args, **options):
        self.stdout.write(f"Resumed {services.resume_mailings()} newsletter sending(s).")
