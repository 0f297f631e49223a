from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    """Editorial content: Wagtail page types, blocks, statistics and site settings."""

    name = "pages"
    verbose_name = _("Pages")

    def ready(self):
        from pages.content_lookups import LOOKUPS
        from spero_site import content

        content.register(**LOOKUPS)
