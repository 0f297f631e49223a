"""Conferences in the admin.

Events are editorial (volunteers write them), so they are a snippet in their own menu item.
Registrations are personal data: they join the "Personal data" group (campaigns/wagtail_hooks.py),
shown only to users with the registration permissions, and change only through events.services.
"""

from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, IndexView, SnippetViewSet

from events import admin_views, services
from events.models import Event, Registration
from spero_site.personal_data import PersonalDataViewSet


class EventIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        return [
            *super().get_list_more_buttons(instance),
            *admin_views.event_registration_buttons(instance, self.request.user),
        ]


class EventEditView(EditView):
    @cached_property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            *admin_views.event_registration_buttons(self.object, self.request.user),
        ]


class EventViewSet(SnippetViewSet):
    """Each event's row and edit page link to its participants and waiting list."""

    model = Event
    index_view_class = EventIndexView
    edit_view_class = EventEditView
    icon = "date"
    menu_label = _("Events")
    menu_order = 311
    add_to_admin_menu = True
    list_display = ["title", "starts_at", "venue", "capacity", "registration_closes_at"]
    search_fields = ["title"]


register_snippet(EventViewSet)


@hooks.register("after_edit_snippet")
@hooks.register("after_create_snippet")
def offer_new_seats(request, instance):
    """More seats from an edit go to the waiting list at once."""
    if isinstance(instance, Event):
        services.process_waiting_list(instance.pk)


class RegistrationViewSet(PersonalDataViewSet):
    model = Registration
    name = "registrations"
    icon = "group"
    menu_label = _("Registrations")
    menu_order = 200
    index_view_class = admin_views.RegistrationIndexView
    inspect_view_enabled = False
    list_display = ["name", "event", "status", "seats", "affiliation", "created_at"]
    list_filter = None
    filterset_class = admin_views.RegistrationFilterSet
    search_fields = ["name", "email", "organisation"]
    list_export = [
        "event",
        "name",
        "email",
        "phone",
        "get_affiliation_display",
        "organisation",
        "seats",
        "dietary_needs",
        "accessibility_needs",
        "get_status_display",
        "queue_position",
        "created_at",
    ]

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", admin_views.RegistrationManageView.as_view(), name="edit"),
            path(
                "print/<int:event_id>/",
                admin_views.ParticipantListView.as_view(),
                name="print",
            ),
        ]


@hooks.register("register_admin_viewset")
def register_registrations():
    return RegistrationViewSet()


@hooks.register("construct_homepage_panels")
def add_upcoming_events_panel(request, panels):
    if admin_views.can_read_registrations(request.user):
        panels.append(admin_views.UpcomingEventsPanel())


@hooks.register("register_log_actions")
def register_registration_log_actions(actions):
    @actions.register_action(admin_views.EXPORT_ACTION)
    class ExportFormatter(LogFormatter):
        label = _("Export registrations")

        def format_message(self, log_entry):
            rows = log_entry.data.get("rows", 0)
            values = {"rows": rows, "format": log_entry.data.get("format", "").upper()}
            if log_entry.data.get("list") == "waiting":
                return (
                    ngettext(
                        "Exported the waiting list: %(rows)s registration (%(format)s)",
                        "Exported the waiting list: %(rows)s registrations (%(format)s)",
                        rows,
                    )
                    % values
                )
            return (
                ngettext(
                    "Exported the participants: %(rows)s registration (%(format)s)",
                    "Exported the participants: %(rows)s registrations (%(format)s)",
                    rows,
                )
                % values
            )

    @actions.register_action(admin_views.PRINT_ACTION)
    class PrintFormatter(LogFormatter):
        label = _("Print participant list")

        def format_message(self, log_entry):
            rows = log_entry.data.get("rows", 0)
            return ngettext(
                "Printed the participant list: %(rows)s registration",
                "Printed the participant list: %(rows)s registrations",
                rows,
            ) % {"rows": rows}

    actions.register_action("events.offer", _("Offer a seat"), _("Offered a seat out of turn"))
    actions.register_action("events.confirm", _("Confirm"), _("Confirmed the registration"))
    actions.register_action(
        "events.cancel", _("Cancel registration"), _("Cancelled the registration")
    )

    @actions.register_action(admin_views.PRIORITY_ACTION)
    class PriorityFormatter(LogFormatter):
        label = _("Change priority")

        def format_message(self, log_entry):
            return _("Changed the priority to %(priority)s") % {
                "priority": log_entry.data.get("priority")
            }
