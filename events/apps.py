from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Conferences, their registrations and waiting lists."""

    name = "events"
    verbose_name = _("Events")
    # What this app adds to spero_site's machinery (spero_site/app_declarations.py).
    retention_rules = "events.services.retention_rules"
    outbox_task = "events.tasks.send_due_emails"
    scheduled_jobs = ((("process_waiting_lists",), 5),)
