from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class SperoSiteConfig(AppConfig):
    """The site as a whole: settings, middleware, roles, retention, the page cache."""

    name = "spero_site"
    verbose_name = _("Spero site")

    def ready(self):
        from spero_site.page_cache import renew_after_change

        post_save.connect(renew_after_change, dispatch_uid="page-cache-renew-save")
        post_delete.connect(renew_after_change, dispatch_uid="page-cache-renew-delete")
