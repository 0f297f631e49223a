"""Poll Vipps for every gift and monthly charge still waiting, and ask Vipps for the monthly
charges that fall due within a week.

Webhooks usually bring the news within seconds; this command (and the task of the same name) is
what makes them optional. Safe to run at any time and repeatedly: intents only move forward, and
a monthly charge is saved once per gift and day before Vipps is asked for it, with the same
Idempotency-Key each time. Does nothing while Vipps is not configured.
"""

from django.core.management.base import BaseCommand

from donations import services


class Command(BaseCommand):
    help = "Polls Vipps for waiting gifts and charges, and creates the monthly charges due."

    def handle(self, *args, **options):
        changed = services.process_pending()
        created = services.create_due_charges()
        self.stdout.write(f"Updated {changed} gift(s) or charge(s); created {created} charge(s).")
