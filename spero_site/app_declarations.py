"""What each domain app contributes to the site-wide machinery in spero_site — its retention
rules, its outbox's task, its periodic jobs — declared as attributes of its AppConfig, so that
spero_site, which every app imports, imports none of them (README, "Layout"):

    class EventsConfig(AppConfig):
        retention_rules = "events.services.retention_rules"   # returns [RetentionRule]
        outbox_task = "events.tasks.send_due_emails"          # a django-tasks task
        scheduled_jobs = ((("process_waiting_lists",), 5),)   # (command, every how many ticks)
"""

from django.apps import apps
from django.utils.module_loading import import_string


def declared(attribute):
    """The values the installed apps declare under `attribute`, in INSTALLED_APPS order."""
    return [
        getattr(config, attribute)
        for config in apps.get_app_configs()
        if getattr(config, attribute, None) is not None
    ]


def imported(attribute):
    """The objects named by the dotted paths the installed apps declare under `attribute`."""
    return [import_string(path) for path in declared(attribute)]
