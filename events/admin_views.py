"""Staff views over registrations (personal data): the listing with its two exports (waiting
list, participants), the page where staff act on one registration, the printable participant
list and the dashboard panel.

Registrations change only through events.services. Every export, print and staff action is
written to Wagtail's audit log: who, what, when and how many rows.
"""

import django_filters
from django import forms
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log
from wagtail.permissions import policy_registry

from events import services
from events.models import Event, Registration
from spero_site.admin_exports import StreamingExportIndexView, log_per_parent
from spero_site.admin_refusal import RefusesWith403

# Seeing registrations (list, exports, print, dashboard) takes one of these permissions; acting
# on them takes "change".
READ = ["view", "change"]

EXPORT_ACTION = "events.export"
PRINT_ACTION = "events.print"
STAFF_ACTIONS = {
    "offer": ("events.offer", services.offer_now),
    "confirm": ("events.confirm", services.confirm),
    "cancel": ("events.cancel", services.cancel),
}
PRIORITY_ACTION = "events.priority"

# The two lists staff can download: which registrations each holds.
EXPORT_LISTS = {
    "waiting": [Registration.Status.WAITING],
    "participants": [Registration.Status.CONFIRMED],
}


def registration_policy():
    return policy_registry.get_by_type(Registration)


def can_read_registrations(user):
    return registration_policy().user_has_any_permission(user, READ)


def event_registration_buttons(event, user):
    """Links from an event in the admin to its registrations: the participants and the waiting
    list, their downloads and the printable list. None for whoever may not see registrations."""
    if not can_read_registrations(user):
        return []
    index = reverse("registrations:index")
    Status = Registration.Status
    links = [
        (_("Participants"), f"?event={event.pk}&status={Status.CONFIRMED}", "group"),
        (_("Waiting list"), f"?event={event.pk}&status={Status.WAITING}", "list-ol"),
        (
            _("Download participants (XLSX)"),
            f"?event={event.pk}&list=participants&export=xlsx",
            "download",
        ),
        (
            _("Download the waiting list (XLSX)"),
            f"?event={event.pk}&list=waiting&export=xlsx",
            "download",
        ),
    ]
    buttons = [
        Button(label, url=index + query, icon_name=icon, priority=100 + number)
        for number, (label, query, icon) in enumerate(links)
    ]
    print_url = reverse("registrations:print", args=[event.pk])
    buttons.append(Button(_("Print participant list"), url=print_url, icon_name="doc-full"))
    return buttons


def with_queue_position(queryset):
    """Each waiting registration's place in its event's queue (1 is first), counted over the
    whole queue whatever else narrows `queryset`; None for anyone not waiting."""
    waiting = Registration.Status.WAITING
    ahead = Registration.objects.filter(
        event=OuterRef("event"),
        status=waiting,
    ).filter(
        Q(priority__gt=OuterRef("priority"))
        | Q(priority=OuterRef("priority"), created_at__lt=OuterRef("created_at"))
        | Q(priority=OuterRef("priority"), created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
    )
    count_ahead = ahead.order_by().values("event").annotate(n=Count("pk")).values("n")
    position = Coalesce(Subquery(count_ahead, output_field=IntegerField()), Value(0)) + 1
    return queryset.annotate(queue_position=Case(When(status=waiting, then=position), default=None))


class RegistrationFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Registered between"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Registration
        fields = ["event", "status", "affiliation"]


class RegistrationIndexView(StreamingExportIndexView):
    """The registration listing, in queue order. Its two exports hold the waiting list (with
    each place in the queue) and the participants, whatever the status filter says."""

    any_permission_required = READ
    export_headings = {
        "get_status_display": _("Status"),
        "get_affiliation_display": _("Registering for"),
        "queue_position": _("Place in the queue"),
    }

    @cached_property
    def export_list(self):
        chosen = self.request.GET.get("list")
        return chosen if chosen in EXPORT_LISTS else "participants"

    def get_queryset(self):
        return super().get_queryset().select_related("event")

    def get_filterset_kwargs(self):
        kwargs = super().get_filterset_kwargs()
        if self.is_export:
            # Each list says which statuses it holds; the listing's status filter does not.
            data = kwargs["data"].copy()
            data.pop("status", None)
            kwargs["data"] = data
        return kwargs

    def export_queryset(self):
        queryset = self.get_queryset().filter(status__in=EXPORT_LISTS[self.export_list])
        return with_queue_position(queryset).order_by(
            "event__starts_at", "event", *Registration._meta.ordering
        )

    def log_export(self, queryset, export_format):
        log_per_parent(
            queryset,
            "event",
            EXPORT_ACTION,
            self.request.user,
            {
                "format": export_format,
                "list": self.export_list,
                "filters": {
                    key: value for key, value in self.logged_filters().items() if key != "status"
                },
                "searched": self.is_searching,
            },
        )

    def get_filename(self):
        name = {"waiting": gettext("waiting list"), "participants": gettext("participants")}
        return f"{slugify(name[self.export_list])}-{timezone.localdate().isoformat()}"

    def export_url(self, list_name, export_format):
        params = self.request.GET.copy()
        params["list"] = list_name
        params["export"] = export_format
        return f"{self.request.path}?{params.urlencode()}"

    @cached_property
    def header_more_buttons(self):
        labels = [
            ("participants", "xlsx", _("Download participants (XLSX)")),
            ("participants", "csv", _("Download participants (CSV)")),
            ("waiting", "xlsx", _("Download the waiting list (XLSX)")),
            ("waiting", "csv", _("Download the waiting list (CSV)")),
        ]
        return [
            *super().header_more_buttons,
            *(
                Button(
                    label,
                    url=self.export_url(list_name, export_format),
                    icon_name="download",
                    priority=90 + number,
                )
                for number, (list_name, export_format, label) in enumerate(labels)
            ),
        ]


class PriorityForm(forms.Form):
    priority = forms.IntegerField(
        label=_("Priority"),
        min_value=-1000,
        max_value=1000,
        help_text=_("Higher comes first on the waiting list; 0 is normal."),
    )


class RegistrationManageView(
    RefusesWith403, PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView
):
    """One registration with what staff can do to it: offer a seat now, confirm, cancel and
    change its priority. Each is a POST through events.services, and logged."""

    model = Registration
    permission_required = "change"
    template_name = "events/admin/manage.html"
    header_icon = "user"
    page_title = _("Registration")

    @cached_property
    def registration(self):
        return get_object_or_404(Registration.objects.select_related("event"), pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.registration.name or gettext("(anonymised)")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registration = self.registration
        context.update(
            registration=registration,
            event=registration.event,
            position=services.queue_position(registration),
            seats_free=registration.event.capacity - services.seats_taken(registration.event),
            priority_form=kwargs.get("priority_form")
            or PriorityForm(initial={"priority": registration.priority}),
            active=registration.status in Registration.ACTIVE,
        )
        return context

    def post(self, request, *args, **kwargs):
        registration = self.registration
        action = request.POST.get("action")
        if action == "priority":
            form = PriorityForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(priority_form=form))
            services.set_priority(registration, form.cleaned_data["priority"])
            log(
                registration,
                PRIORITY_ACTION,
                user=request.user,
                data={"priority": form.cleaned_data["priority"]},
            )
            messages.success(request, _("Priority changed."))
        elif action in STAFF_ACTIONS:
            log_action, service = STAFF_ACTIONS[action]
            try:
                service(registration)
            except services.NoSeatsFree:
                messages.error(request, _("Not enough seats are free for this registration."))
            except services.NotAllowed:
                messages.error(request, _("That cannot be done to this registration now."))
            else:
                log(registration, log_action, user=request.user)
                messages.success(request, _("Done. The person is told by e-mail."))
        return redirect(request.path)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("registrations:index"), "label": _("Registrations")},
            {"url": "", "label": self.get_page_subtitle()},
        ]


class ParticipantListView(RefusesWith403, PermissionCheckedMixin, TemplateView):
    """A plain page of an event's participants for printing (a sign-in sheet)."""

    model = Registration
    any_permission_required = READ
    template_name = "events/admin/participants_print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = get_object_or_404(Event, pk=self.kwargs["event_id"])
        participants = list(
            event.registrations.filter(status=Registration.Status.CONFIRMED).order_by("name", "pk")
        )
        log(
            event,
            PRINT_ACTION,
            user=self.request.user,
            data={"rows": len(participants)},
        )
        context.update(
            event=event,
            participants=participants,
            seats=sum(p.seats for p in participants),
            printed_at=timezone.now(),
        )
        return context


class UpcomingEventsPanel(Component):
    """Seats taken, capacity and waiting for each event that has not ended."""

    name = "upcoming_events"
    template_name = "events/admin/upcoming_events_panel.html"
    order = 60

    def get_context_data(self, parent_context=None):
        seated = Q(registrations__status__in=Registration.SEATED)
        events = (
            Event.objects.filter(ends_at__gt=timezone.now())
            .annotate(
                taken=Coalesce(Sum("registrations__seats", filter=seated), 0),
                waiting=Count(
                    "registrations",
                    filter=Q(registrations__status=Registration.Status.WAITING),
                ),
            )
            .order_by("starts_at", "pk")
        )
        return {"events": events, "registrations_url": reverse("registrations:index")}
