"""Enforce the retention rules for donations (see docs/operations.md, "Retention").

Thin on purpose: the rules live in donations/services.py; this command only runs them and says
what they did. Run it daily (cron, or the scheduler service in compose.yaml).
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from donations import services


class Command(BaseCommand):
    help = (
        "Deletes gifts never paid after DONATION_UNPAID_RETENTION_DAYS and removes the donor "
        "from paid gifts DONATION_RETENTION_YEARS years after the end of their last payment's "
        "year. Amounts and dates stay."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only report how many gifts each rule would change; change nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        changed = services.enforce_retention(now=now, dry_run=dry_run)
        unpaid_before, anonymise_before = services.retention_cutoffs(now)
        delete, anonymise = (
            ("Would delete", "Would anonymise")
            if dry_run
            else (
                "Deleted",
                "Anonymised",
            )
        )
        self.stdout.write(
            f"{delete} {changed['deleted']} unpaid gift(s) made before "
            f"{timezone.localtime(unpaid_before):%Y-%m-%d %H:%M %Z} "
            f"({settings.DONATION_UNPAID_RETENTION_DAYS} days)."
        )
        self.stdout.write(
            f"{anonymise} {changed['anonymised']} paid gift(s) last paid before "
            f"{timezone.localtime(anonymise_before):%Y-%m-%d} "
            f"({settings.DONATION_RETENTION_YEARS} years after the end of the year)."
        )
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
