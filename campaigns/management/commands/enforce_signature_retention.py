"""Enforce the retention rules for opprop signatures (see docs/operations.md, "Retention").

Thin on purpose: the rules live in campaigns/services.py; this command only runs them and says
what they did. Run it daily (cron, or the scheduler service in compose.yaml).
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from campaigns import services


class Command(BaseCommand):
    help = (
        "Anonymises the signatures of petitions closed more than SIGNATURE_RETENTION_MONTHS "
        "ago and deletes signatures left unconfirmed for more than 7 days. Petition counts "
        "are not changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only report how many signatures each rule would change; change nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        changed = services.enforce_retention(now=now, dry_run=dry_run)
        anonymised, purged = changed["anonymised"], changed["purged"]

        months = settings.SIGNATURE_RETENTION_MONTHS
        closed_before = timezone.localtime(services.months_before(now, months))
        created_before = timezone.localtime(now - services.UNCONFIRMED_RETENTION)
        verb_anonymise, verb_purge = (
            ("Would anonymise", "Would delete") if dry_run else ("Anonymised", "Deleted")
        )
        self.stdout.write(
            f"{verb_anonymise} {anonymised} signature(s) of petitions closed before "
            f"{closed_before:%Y-%m-%d %H:%M %Z} ({months} months)."
        )
        self.stdout.write(
            f"{verb_purge} {purged} unconfirmed signature(s) created before "
            f"{created_before:%Y-%m-%d %H:%M %Z} ({services.UNCONFIRMED_RETENTION.days} days)."
        )
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
