"""HTTP for conference registration. Rules live in events/services.py."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from events import services
from events.forms import RegistrationForm
from events.models import Event, Registration
from spero_site import content
from spero_site.abuse import ip_hash, refusal
from spero_site.error_reports import hides_personal_data
from spero_site.forms import normalize_email

# Per keyed IP hash and per normalised e-mail, as for the opprop (campaigns/views.py).
REGISTER_LIMIT_PER_IP = (30, 10 * 60)
REGISTER_LIMIT_PER_EMAIL = (5, 60 * 60)
HONEYPOT_FIELD = "website"

# What the own page says after a button was pressed (?done=...).
DONE_MESSAGES = {
    "cancelled": gettext_lazy("Your registration is cancelled. Thank you for letting us know."),
    "left": gettext_lazy("You have left the waiting list."),
    "accepted": gettext_lazy("The seat is yours. We have sent you a confirmation by e-mail."),
    "expired": gettext_lazy("The offer had expired, and the seat has gone to the next in line."),
    "not-allowed": gettext_lazy(
        "That can no longer be done. The page shows your registration as it is now."
    ),
}


def event_context(event, form=None, now=None):
    """What a conference page needs to show its event's registration: the state of the form,
    the seats left, and the form itself while registration is open."""
    now = now or timezone.now()
    context = {"event": event, "event_over": event.is_over(now)}
    if context["event_over"]:
        return context
    queue_is_empty = not services.queue(event).exists()
    seats_left = max(event.capacity - services.seats_taken(event), 0) if queue_is_empty else 0
    context.update(
        seats_left=seats_left,
        registration_not_yet_open=now < event.registration_opens_at,
        registration_open=event.registration_is_open(now),
        # Free seats that the queue cannot use yet are still kept for it: the event is full
        # to a newcomer.
        full=seats_left == 0,
    )
    if context["registration_open"] and (seats_left or event.waiting_list):
        context["registration_form"] = form or RegistrationForm(event=event)
    return context


def _conference_page(event):
    page = content.page_showing(event)
    if page is None:
        raise Http404
    return page


@hides_personal_data
@require_POST
def register(request, slug):
    event = get_object_or_404(Event, slug=slug)
    if request.POST.get(HONEYPOT_FIELD):
        return redirect("events:check_email", slug=slug)
    form = RegistrationForm(request.POST, event=event)
    status = 400
    if form.is_valid():
        data = form.registration_data()
        refused = refusal(
            ("register-ip", ip_hash(request), *REGISTER_LIMIT_PER_IP),
            ("register-email", normalize_email(data.email), *REGISTER_LIMIT_PER_EMAIL),
        )
        if refused:
            form.add_error(None, refused.message)
            status = refused.status
        else:
            try:
                services.register(event.pk, data)
            except services.RegistrationClosed:
                form.add_error(None, _("Registration for this event is closed."))
            except services.EventFull:
                form.add_error(None, _("The event is full, and it keeps no waiting list."))
            except services.TooManySeats:
                form.add_error("seats", _("Choose a number of seats from the list."))
            else:
                return redirect("events:check_email", slug=slug)
    page = _conference_page(event)
    context = page.get_context(request) | event_context(event, form)
    return TemplateResponse(request, page.get_template(request), context, status=status)


@require_GET
def check_email(request, slug):
    """The same answer for a new registration and a repeat: the page never tells whether an
    address was registered already. The e-mail tells the person their status."""
    event = get_object_or_404(Event, slug=slug)
    return render(request, "events/check_email.html", {"event": event})


@hides_personal_data
@require_http_methods(["GET", "POST"])
def registration(request, token):
    """A person's own page, reached from their e-mails: status, place in the queue, and the
    buttons to cancel, leave the list or accept an offer (each a POST)."""
    if "\x00" in token:
        # No token holds a NUL byte, and PostgreSQL cannot compare text with one.
        raise Http404
    registration = get_object_or_404(
        Registration.objects.select_related("event"), token=token, anonymised_at__isnull=True
    )
    if request.method == "POST":
        return redirect(_act(registration, request.POST.get("action")))
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "position": services.queue_position(registration),
        # Nothing changes once the event has started (events/services.py).
        "can_act": timezone.now() < event.starts_at,
        "done_message": DONE_MESSAGES.get(request.GET.get("done", "")),
        "conference_page": _conference_page_or_none(event),
    }
    return render(request, "events/registration.html", context)


def _act(registration, action):
    """Do what the person pressed; returns where to go next."""
    own_page = reverse("events:registration", args=[registration.token])
    was_waiting = registration.status == Registration.Status.WAITING
    try:
        if action == "cancel":
            services.cancel(registration)
            done = "left" if was_waiting else "cancelled"
        elif action == "accept":
            services.accept_offer(registration)
            done = "accepted"
        else:
            return own_page
    except services.NotAllowed:
        registration.refresh_from_db(fields=["status"])
        done = "expired" if registration.status == Registration.Status.EXPIRED else "not-allowed"
    return f"{own_page}?done={done}"


def _conference_page_or_none(event):
    try:
        return _conference_page(event)
    except Http404:
        return None
