"""Every rule that changes registrations or seats. Each public function is one transaction that
first locks the event's row, so that registering, cancelling, accepting, expiring and changing
the capacity of one event happen one after the other, and seats are counted under that lock:
nothing can overbook. A broken rule raises a named exception and changes nothing.

The waiting list (docs/events.md):
- A new registration takes seats at once only when they are free and nobody is waiting;
  otherwise it joins the queue (if the event keeps one). Queue order: -priority, created, pk.
- Free seats go to the queue in order, as offers held for `offer_hold_hours` (never past the
  start of the event). An offer that is not accepted in time expires, and its seats go on.
- A group first in line that needs more seats than are free has the free seats kept for it
  for up to `offer_hold_hours`. If enough free up by then, it is offered them; if not, the kept
  seats go to those behind it that fit, in order, and the group keeps its place at the head.
  Seats that free up after that are kept for it again.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from events import tasks
from events.models import Event, Registration
from spero_site.forms import normalize_email
from spero_site.retention import RetentionRule, local
from spero_site.tasks import enqueue_once

# Registering again with the same address sends the status again at most this often.
REPEAT_EMAIL_INTERVAL = datetime.timedelta(minutes=10)


class RegistrationClosed(Exception):
    """The event does not take registrations now (before it opens, after the deadline)."""


class EventFull(Exception):
    """No seats are free and the event keeps no waiting list."""


class TooManySeats(Exception):
    """A registration asks for more seats than the event lets one registration take."""


class NotAllowed(Exception):
    """The registration is not in a state where this can be done (accepting an offer that has
    expired, cancelling what is cancelled, anything after the event has started)."""


class NoSeatsFree(Exception):
    """Staff asked to seat someone, and not enough seats are free."""


@dataclass(frozen=True)
class RegistrationData:
    name: str
    email: str
    phone: str
    affiliation: str
    organisation: str
    seats: int
    dietary_needs: str
    accessibility_needs: str


def _locked_event(event_id):
    return Event.objects.select_for_update().get(pk=event_id)


def _locked_registration(registration):
    """Lock the event, then re-read the registration: whatever changed it before the lock is
    seen. Returns (event, registration)."""
    event = _locked_event(registration.event_id)
    return event, Registration.objects.select_for_update().get(pk=registration.pk)


def seats_taken(event):
    return (
        event.registrations.filter(status__in=Registration.SEATED).aggregate(taken=Sum("seats"))[
            "taken"
        ]
        or 0
    )


def queue(event):
    """The waiting list in order."""
    return event.registrations.filter(status=Registration.Status.WAITING).order_by(
        *Registration._meta.ordering
    )


def queue_position(registration):
    """1 for the first in line; None for someone not waiting."""
    if registration.status != Registration.Status.WAITING:
        return None
    ahead = Q(priority__gt=registration.priority) | Q(
        priority=registration.priority, created_at__lt=registration.created_at
    )
    ahead |= Q(
        priority=registration.priority, created_at=registration.created_at, pk__lt=registration.pk
    )
    return queue(registration.event).filter(ahead).count() + 1


def _email(registration, reason):
    registration.email_due = reason
    enqueue_once(tasks.send_due_emails, tasks.DUE_EMAILS)


def _offer(event, registration, now):
    registration.status = Registration.Status.OFFERED
    registration.offered_at = now
    registration.offer_expires_at = min(
        now + datetime.timedelta(hours=event.offer_hold_hours), event.starts_at
    )
    registration.held_since = None
    _email(registration, Registration.Email.OFFER)
    registration.save(
        update_fields=["status", "offered_at", "offer_expires_at", "held_since", "email_due"]
    )


def _expire_offers(event, now):
    expired = list(
        event.registrations.select_for_update().filter(
            status=Registration.Status.OFFERED, offer_expires_at__lte=now
        )
    )
    for registration in expired:
        registration.status = Registration.Status.EXPIRED
        _email(registration, Registration.Email.OFFER_EXPIRED)
        registration.save(update_fields=["status", "email_due"])
    return len(expired)


def _fill(event, now):
    """Offer free seats to the queue by the rules at the top. The event is locked. Returns how
    many offers were made."""
    if now >= event.starts_at:
        return 0
    free = event.capacity - seats_taken(event)
    if free <= 0:
        return 0
    hold = datetime.timedelta(hours=event.offer_hold_hours)
    offers, passed_over, head_group = 0, None, None
    # The event's lock keeps every other change to its registrations out, so the queue needs
    # no row locks of its own; it is read in chunks, as far as the free seats go.
    for registration in queue(event).iterator(chunk_size=50):
        if free <= 0:
            break
        if registration.seats <= free:
            _offer(event, registration, now)
            free -= registration.seats
            offers += 1
            if head_group is not None:
                passed_over = head_group
            continue
        if head_group is None:
            head_group = registration
            if registration.held_since is None:
                registration.held_since = now
                registration.save(update_fields=["held_since"])
            if now < registration.held_since + hold:
                break  # the free seats are kept for the group
    if passed_over is not None:
        # The kept seats went to those behind; the next seats to free up are kept again.
        passed_over.held_since = None
        passed_over.save(update_fields=["held_since"])
    return offers


def register(event_id, data, *, now=None):
    """Register `data` for the event: seated at once, or on the waiting list. The same address
    again (while its registration is active) makes no second entry; it gets its status by
    e-mail, at most once per interval. Returns the registration. Raises Event.DoesNotExist,
    RegistrationClosed, TooManySeats or EventFull."""
    with transaction.atomic():
        event = _locked_event(event_id)
        # Taken after the lock, so that the queue's order is the order the lock was won.
        now = now or timezone.now()
        if not event.registration_is_open(now):
            raise RegistrationClosed
        normalized = normalize_email(data.email)
        existing = (
            event.registrations.select_for_update()
            .filter(email_normalized=normalized, status__in=Registration.ACTIVE)
            .first()
        )
        if existing is not None:
            last = existing.last_reminded_at or existing.created_at
            if now - last >= REPEAT_EMAIL_INTERVAL:
                existing.last_reminded_at = now
                _email(existing, Registration.Email.REPEAT)
                existing.save(update_fields=["last_reminded_at", "email_due"])
            return existing
        if data.seats > event.max_seats_per_registration:
            raise TooManySeats
        nobody_waiting = not queue(event).exists()
        free = event.capacity - seats_taken(event)
        if nobody_waiting and data.seats <= free:
            status = Registration.Status.CONFIRMED
        elif event.waiting_list:
            status = Registration.Status.WAITING
        else:
            raise EventFull
        registration = Registration(
            event=event,
            status=status,
            name=data.name,
            email=data.email.strip(),
            email_normalized=normalized,
            phone=data.phone,
            affiliation=data.affiliation,
            organisation=data.organisation,
            seats=data.seats,
            dietary_needs=data.dietary_needs,
            accessibility_needs=data.accessibility_needs,
            consent_version=event.consent_version,
            consented_at=now,
            created_at=now,
            confirmed_at=now if status == Registration.Status.CONFIRMED else None,
        )
        _email(registration, Registration.Email.REGISTERED)
        registration.save()
        if status == Registration.Status.WAITING and free > 0:
            # Seats are free that the queue could not use (a group kept them, and its time
            # is up); the newcomer may fit.
            _fill(event, now)
            registration.refresh_from_db()
        return registration


def cancel(registration, *, now=None):
    """The person, or staff, cancels a seat or leaves the waiting list; freed seats go on to
    the queue. Raises NotAllowed when there is nothing to cancel or the event has started."""
    with transaction.atomic():
        event, registration = _locked_registration(registration)
        now = now or timezone.now()
        if registration.status not in Registration.ACTIVE or now >= event.starts_at:
            raise NotAllowed
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        registration.held_since = None
        _email(registration, Registration.Email.CANCELLED)
        registration.save(update_fields=["status", "cancelled_at", "held_since", "email_due"])
        _fill(event, now)
        return registration


def accept_offer(registration, *, now=None):
    """The person accepts an offered seat. An offer whose time is up expires now instead (its
    seats go on to the next in line) and NotAllowed is raised after that is saved."""
    with transaction.atomic():
        event, registration = _locked_registration(registration)
        now = now or timezone.now()
        if registration.status != Registration.Status.OFFERED:
            raise NotAllowed
        if registration.offer_expires_at <= now:
            _expire_offers(event, now)
            _fill(event, now)
            expired = True
        else:
            expired = False
            registration.status = Registration.Status.CONFIRMED
            registration.confirmed_at = now
            _email(registration, Registration.Email.CONFIRMED)
            registration.save(update_fields=["status", "confirmed_at", "email_due"])
    if expired:
        raise NotAllowed
    return registration


def process_waiting_list(event_id, *, now=None):
    """Expire offers whose time is up and offer free seats to the queue. Safe to run at any
    time and in parallel: it waits for the event's lock and does only what is due. Returns
    (expired, offered)."""
    with transaction.atomic():
        event = _locked_event(event_id)
        now = now or timezone.now()
        expired = _expire_offers(event, now)
        return expired, _fill(event, now)


def events_with_a_queue(now=None):
    """Events that have not started and have someone waiting or offered a seat."""
    now = now or timezone.now()
    return (
        Event.objects.filter(
            starts_at__gt=now,
            registrations__status__in=[Registration.Status.WAITING, Registration.Status.OFFERED],
        )
        .distinct()
        .values_list("pk", flat=True)
    )


def process_waiting_lists(now=None):
    """process_waiting_list for every event that needs it; one transaction per event. Returns
    (expired, offered) in all."""
    expired = offered = 0
    for event_id in events_with_a_queue(now):
        event_expired, event_offered = process_waiting_list(event_id, now=now)
        expired += event_expired
        offered += event_offered
    return expired, offered


def set_capacity(event_id, capacity, *, now=None):
    """Change an event's seats. More seats go to the queue at once; fewer take no seat from
    anyone who has one (they are simply not given on)."""
    with transaction.atomic():
        event = _locked_event(event_id)
        now = now or timezone.now()
        event.capacity = capacity
        event.save(update_fields=["capacity"])
        return _fill(event, now)


# ---------------------------------------------------------------------------------------------
# Staff actions


def offer_now(registration, *, now=None):
    """Staff offer a seat to someone waiting, out of turn. Raises NoSeatsFree or NotAllowed."""
    with transaction.atomic():
        event, registration = _locked_registration(registration)
        now = now or timezone.now()
        if registration.status != Registration.Status.WAITING or now >= event.starts_at:
            raise NotAllowed
        if registration.seats > event.capacity - seats_taken(event):
            raise NoSeatsFree
        _offer(event, registration, now)
        return registration


def confirm(registration, *, now=None):
    """Staff confirm someone waiting (seats must be free) or offered (the offer's seats are
    theirs). Raises NoSeatsFree or NotAllowed."""
    with transaction.atomic():
        event, registration = _locked_registration(registration)
        now = now or timezone.now()
        if registration.status not in (
            Registration.Status.WAITING,
            Registration.Status.OFFERED,
        ):
            raise NotAllowed
        if (
            registration.status == Registration.Status.WAITING
            and registration.seats > event.capacity - seats_taken(event)
        ):
            raise NoSeatsFree
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = now
        registration.held_since = None
        _email(registration, Registration.Email.CONFIRMED)
        registration.save(update_fields=["status", "confirmed_at", "held_since", "email_due"])
        return registration


def set_priority(registration, priority, *, now=None):
    """Staff move someone in the queue: higher goes first. Seats free now go by the new order."""
    with transaction.atomic():
        event, registration = _locked_registration(registration)
        now = now or timezone.now()
        registration.priority = priority
        registration.save(update_fields=["priority"])
        _fill(event, now)
        return registration


# ---------------------------------------------------------------------------------------------
# Retention


def anonymise_past_registrations(retention_days, *, now=None, dry_run=False):
    """Empty every field that says who registered, `retention_days` after an event ended. The
    rows stay (with status and seats) so that the event's numbers stay true. Returns how many
    registrations were anonymised (or would be, with dry_run)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=retention_days)
    due = Registration.objects.filter(event__ends_at__lte=cutoff, anonymised_at__isnull=True)
    if dry_run:
        return due.count()
    with transaction.atomic():
        return due.update(**Registration.WIPED, anonymised_at=now)


def retention_rules():
    """The registrations' rule for spero_site.retention."""
    days = settings.EVENT_REGISTRATION_RETENTION_DAYS
    return [
        RetentionRule(
            name="registrations_of_past_events",
            deletes=False,
            scope=lambda now: (
                f"registration(s) of events that ended before "
                f"{local(now - datetime.timedelta(days=days))} ({days} days)"
            ),
            apply=lambda now, dry_run: anonymise_past_registrations(days, now=now, dry_run=dry_run),
        )
    ]


# ---------------------------------------------------------------------------------------------
# The registrant's own deletion («Mine data», privacy/)


def erase_registration(registration_id, *, email_normalized, now=None):
    """Delete a registration's personal data at its registrant's request. An active one is first
    cancelled through cancel(), so that its seats go on to the waiting list, unless the event
    has started (then nothing can change, and it stays in the event's numbers); then every
    field that says who registered is emptied. Only a registration with this normalised address
    is touched, so deleting twice changes nothing. Returns the registration. Raises
    Registration.DoesNotExist for an id that is not this address's (or is anonymised)."""
    if not email_normalized:
        raise Registration.DoesNotExist
    mine = Registration.objects.filter(pk=registration_id, email_normalized=email_normalized)
    with transaction.atomic():
        event_id = mine.values_list("event_id", flat=True).first()
        if event_id is None:
            raise Registration.DoesNotExist
        event = _locked_event(event_id)
        registration = mine.select_for_update().first()
        if registration is None:
            raise Registration.DoesNotExist
        now = now or timezone.now()
        if registration.status in Registration.ACTIVE and now < event.starts_at:
            registration = cancel(registration, now=now)
        for field, value in Registration.WIPED.items():
            setattr(registration, field, value)
        registration.held_since = None
        registration.anonymised_at = now
        registration.save(update_fields=[*Registration.WIPED, "held_since", "anonymised_at"])
        return registration
