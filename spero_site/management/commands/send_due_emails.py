"""Send every e-mail that is due in the site's outboxes (spero_site/outbox.py): the opprop's, the
conference registrations', the donation receipts, the contact form's and the newsletter's
confirmations, and the members' e-mails.

Normally a queued run of each app's send_due_emails task sends them within seconds; this command
is the safety net for a run that was lost with its worker. It runs the task each app names as
`outbox_task` on its AppConfig (spero_site/app_declarations.py), and runs every minute in the
scheduler service of compose.yaml. It is safe to run at any time, also beside the worker.
"""

from django.core.management.base import BaseCommand

from spero_site import app_declarations


class Command(BaseCommand):
    help = (
        "Sends every e-mail that is due: opprop confirmations and notes, and registration e-mails."
    )

    def handle(self, *args, **options):
        sent = sum(task.call() for task in app_declarations.imported("outbox_task"))
        self.stdout.write(f"Sent {sent} e-mail(s).")
