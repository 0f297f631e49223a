from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "newsletter"
    verbose_name = _("Newsletter")
    # What this app adds to spero_site's machinery (spero_site/app_declarations.py).
    retention_rules = "newsletter.services.retention_rules"
    outbox_task = "newsletter.tasks.send_due_emails"
    scheduled_jobs = ((("resume_mailings",), 1),)
