from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Conferences, their registrations and waiting lists."""

    name = "events"
    verbose_name = _("Events")
