"""Send every e-mail that is due in the site's outboxes (spero_site/outbox.py): the opprop's, the
conference registrations', the donation receipts, the contact form's and the newsletter's
confirmations, and the members' e-mails.

Normally a queued run of each app's send_due_emails task sends them within seconds; this command
is the safety net for a run that was lost with its worker, and runs hourly in the scheduler
service of compose.yaml. It is safe to run at any time, also beside the worker.
"""

from django.core.management.base import BaseCommand

from campaigns import tasks as campaign_tasks
from contact import tasks as contact_tasks
from donations import tasks as donation_tasks
from events import tasks as event_tasks
from members import tasks as member_tasks
from newsletter import tasks as newsletter_tasks

OUTBOX_TASKS = [
    campaign_tasks.send_due_emails,
    event_tasks.send_due_emails,
    donation_tasks.send_due_emails,
    contact_tasks.send_due_emails,
    newsletter_tasks.send_due_emails,
    member_tasks.send_due_emails,
]


class Command(BaseCommand):
    help = (
        "Sends every e-mail that is due: opprop confirmations and notes, and registration e-mails."
    )

    def handle(self, *args, **options):
        sent = sum(task.call() for task in OUTBOX_TASKS)
        self.stdout.write(f"Sent {sent} e-mail(s).")
