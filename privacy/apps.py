from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """«Mine data»: a person sees, downloads and deletes what the site holds about their e-mail
    address (GDPR art. 15, 17 and 20). It stores nothing of its own: the data stays in
    campaigns, events and donations, and their services delete it."""

    name = "privacy"
    verbose_name = _("My data")
