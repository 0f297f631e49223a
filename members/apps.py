from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")
    # What this app adds to spero_site's machinery (spero_site/app_declarations.py).
    retention_rules = "members.services.retention_rules"
    outbox_task = "members.tasks.send_due_emails"
    scheduled_jobs = ((("send_membership_renewals",), 60),)
    default_auto_field = "django.db.models.BigAutoField"
