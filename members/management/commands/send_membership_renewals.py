"""In January, make the renewal e-mail due for every member who paid last year and not yet this
year (members.services.make_renewals_due); the outbox sends them. Runs daily in the scheduler;
outside January, and for a member already sent this year's, it does nothing."""

from django.core.management.base import BaseCommand

from members import services


class Command(BaseCommand):
    help = "Sends January's membership renewal e-mails (once a year per member)."

    def handle(self, *args, **options):
        count = services.make_renewals_due()
        self.stdout.write(f"{count} renewal e-mail(s) made due.")
