"""Enforce every retention rule of the site (spero_site/retention.py; docs/operations.md,
"Retention"): opprop signatures, conference registrations and donations.

Thin on purpose: the rules live in each app's services; this command runs them at one moment
and says what each did and which cut-off it used. Run it daily (cron, or the scheduler service
in compose.yaml); running it more often changes nothing that is not due.
"""

from django.core.management.base import BaseCommand

from spero_site import retention


class Command(BaseCommand):
    help = (
        "Deletes or anonymises what each app's retention rule says is due (signatures, "
        "registrations, donations). With --dry-run, only reports what it would change."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only report how many records each rule would change; change nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        for _rule, _count, line in retention.enforce(dry_run=dry_run):
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
