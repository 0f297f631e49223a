from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "contact"
    verbose_name = _("Contact")
    # What this app adds to spero_site's machinery (spero_site/app_declarations.py).
    retention_rules = "contact.services.retention_rules"
    outbox_task = "contact.tasks.send_due_emails"
