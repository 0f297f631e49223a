"""Send the signers' e-mails that are due now (docs/opprop.md, "E-mail").

Normally a queued run of campaigns.tasks.send_due_emails sends them within a second or two; this
command is the safety net for a run that was lost with its worker, and runs hourly in the
scheduler service of compose.yaml. It is safe to run at any time, also beside the worker.
"""

from django.core.management.base import BaseCommand

from campaigns import tasks


class Command(BaseCommand):
    help = "Sends every opprop e-mail (confirmation or 'already signed') that is due."

    def handle(self, *args, **options):
        sent = tasks.send_due_emails.call()
        self.stdout.write(f"Sent {sent} e-mail(s).")
