from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    """Donation intents and their payment providers."""

    name = "donations"
    verbose_name = _("Donations")
