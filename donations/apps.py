from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    """Donation intents and their payment providers."""

    name = "donations"
    verbose_name = _("Donations")
    # What this app adds to spero_site's machinery (spero_site/app_declarations.py).
    retention_rules = "donations.retention.retention_rules"
    outbox_task = "donations.tasks.send_due_emails"
    scheduled_jobs = ((("process_donations",), 5),)
