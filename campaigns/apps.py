from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    """The #StigmaEndsWithMe opprop: petitions and their signatures."""

    name = "campaigns"
    verbose_name = _("Campaigns")
    # What this app adds to spero_site's machinery (spero_site/app_declarations.py).
    retention_rules = "campaigns.services.retention_rules"
    outbox_task = "campaigns.tasks.send_due_emails"

    def ready(self):
        from campaigns.models import Petition
        from campaigns.services import renew_counts_after_change

        # A petition edited in the admin (its goal, its slug) is counted anew from its row.
        post_save.connect(renew_counts_after_change, Petition, dispatch_uid="count-save")
        post_delete.connect(renew_counts_after_change, Petition, dispatch_uid="count-delete")
