"""Conferences: an Event (editorial, a snippet) and its Registrations (personal data), which hold
the seats and the waiting list.

Rules that change registrations or seats live in events/services.py.
"""

import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index

from spero_site.models import ConsentWording

# A registration for a group takes at most this many seats, whatever an event allows.
MAX_GROUP_SEATS = 4


class Event(index.Indexed, ConsentWording):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    organiser = models.CharField(_("organiser"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue = models.CharField(_("venue"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(
        _("seats"),
        help_text=_(
            "Raising it offers the new seats to the waiting list at once. Lowering it takes no "
            "seat from anyone who has one."
        ),
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), default=timezone.now)
    registration_closes_at = models.DateTimeField(
        _("registration deadline"),
        help_text=_("After this, the form is closed. Seats can still go to the waiting list."),
    )
    waiting_list = models.BooleanField(
        _("waiting list"), default=True, help_text=_("When the seats are taken, take a queue.")
    )
    offer_hold_hours = models.PositiveIntegerField(
        _("hours an offered seat is held"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
        help_text=_(
            "Someone on the waiting list who is offered a seat has this long to accept it; "
            "then the next in line is asked."
        ),
    )
    max_seats_per_registration = models.PositiveSmallIntegerField(
        _("most seats per registration"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_GROUP_SEATS)],
        help_text=_("1 for one person each; up to 4 lets one person register a group."),
    )
    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("organiser"),
        MultiFieldPanel(
            [
                FieldPanel("starts_at"),
                FieldPanel("ends_at"),
                FieldPanel("venue"),
                FieldPanel("address"),
            ],
            heading=_("When and where"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("capacity"),
                FieldPanel("registration_opens_at"),
                FieldPanel("registration_closes_at"),
                FieldPanel("max_seats_per_registration"),
                FieldPanel("waiting_list"),
                FieldPanel("offer_hold_hours"),
            ],
            heading=_("Registration"),
        ),
        FieldPanel("consent_text"),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The event cannot end before it starts.")
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at < self.registration_opens_at
        ):
            errors["registration_closes_at"] = _(
                "The deadline cannot be before registration opens."
            )
        if (
            self.registration_closes_at
            and self.ends_at
            and self.registration_closes_at > self.ends_at
        ):
            errors["registration_closes_at"] = _("The deadline cannot be after the event.")
        if errors:
            raise ValidationError(errors)

    def registration_is_open(self, now=None):
        now = now or timezone.now()
        return (
            self.registration_opens_at <= now < self.registration_closes_at and now < self.ends_at
        )

    def is_over(self, now=None):
        return (now or timezone.now()) >= self.ends_at


def new_token():
    return secrets.token_urlsafe(32)


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        OFFERED = "offered", _("Offered a seat")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Offer expired")

    class Affiliation(models.TextChoices):
        INDIVIDUAL = "individual", _("Myself")
        MUNICIPALITY = "municipality", _("A municipality")
        VOLUNTARY = "voluntary", _("A voluntary organisation")
        COMMUNITY = "community", _("A local community")
        OTHER = "other", _("Other")

    class Email(models.TextChoices):
        """Why a registration waits for an e-mail; tasks.send_due_emails sends it. Whatever the
        reason, the e-mail tells the status as it is when it goes out, so a later reason that
        replaces one not yet sent loses nothing."""

        NONE = "", _("None")
        REGISTERED = "registered", _("Registered")
        REPEAT = "repeat", _("Registered again")
        OFFER = "offer", _("Offered a seat")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        OFFER_EXPIRED = "offer_expired", _("Offer expired")

    # Holding a seat, or in the queue for one.
    ACTIVE = (Status.CONFIRMED, Status.WAITING, Status.OFFERED)
    # Holding a seat now (an offer holds it until it is accepted or expires).
    SEATED = (Status.CONFIRMED, Status.OFFERED)

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="registrations"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    # Both e-mail fields and everything below that says who registered are emptied when the
    # registration is anonymised.
    email = models.EmailField(_("e-mail"), blank=True)
    email_normalized = models.CharField(max_length=254, blank=True, editable=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    affiliation = models.CharField(
        _("registering for"), max_length=16, choices=Affiliation.choices, blank=True
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    seats = models.PositiveSmallIntegerField(
        _("seats"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_GROUP_SEATS)]
    )
    dietary_needs = models.TextField(_("dietary needs"), blank=True)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    consent_version = models.PositiveIntegerField(_("consent version"))
    consented_at = models.DateTimeField(_("consented at"))
    priority = models.IntegerField(
        _("priority"), default=0, help_text=_("Higher comes first on the waiting list.")
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    # A group first in the queue that does not fit: from when the free seats are held for it.
    held_since = models.DateTimeField(_("seats held since"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # When a status e-mail was last asked for by registering again with the same address.
    last_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    email_due = models.CharField(
        max_length=16, choices=Email.choices, default=Email.NONE, blank=True, editable=False
    )
    # While a run of the outbox sends this row's e-mail (spero_site/outbox.py).
    email_claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-priority", "created_at", "pk"]
        constraints = [
            # One active registration per address and event; cancelled and expired ones do not
            # stop a new one, nor do anonymised ones (no address).
            models.UniqueConstraint(
                fields=["event", "email_normalized"],
                condition=models.Q(status__in=["confirmed", "waiting", "offered"])
                & ~models.Q(email_normalized=""),
                name="one_active_registration_per_email",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status"], name="registration_event_status"),
            models.Index(
                fields=["id"], condition=~models.Q(email_due=""), name="registration_email_due"
            ),
        ]

    def __str__(self):
        return f"{self.event_id}:{self.pk}"

    # What every field that says who registered becomes on anonymisation; the row stays so
    # that the event's numbers stay true.
    WIPED = {
        "name": "",
        "email": "",
        "email_normalized": "",
        "phone": "",
        "organisation": "",
        "dietary_needs": "",
        "accessibility_needs": "",
        "email_due": "",
    }
