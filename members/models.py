"""The member register: the kinds of membership staff offer, each member, and the yearly fees
they pay through donations' providers (docs/members.md). Rules live in members/services.py."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from spero_site.models import ConsentWording


@register_setting(icon="group")
class MembershipSettings(BaseSiteSetting, ConsentWording):
    """The consent wording a member agrees to when joining; every member keeps its version."""

    consent_text = models.TextField(
        _("consent wording"),
        default=_(
            "I want to be a member of Spero foreningen, and agree that what I give here is kept "
            "in the member register while I am a member and until it is anonymised after I leave."
        ),
        help_text=_(
            "What people agree to when they join. Each change makes a new version; every member "
            "keeps the version they agreed to."
        ),
    )
    panels = [FieldPanel("consent_text")]

    class Meta:
        verbose_name = _("membership")


class MembershipKind(models.Model):
    """A kind of membership with its yearly fee, set by staff: ordinary, reduced, household, or
    a support member without a vote at the annual meeting."""

    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    fee_kroner = models.PositiveIntegerField(_("yearly fee (kr)"))
    has_vote = models.BooleanField(
        _("votes at the annual meeting"),
        default=True,
        help_text=_("A support member has no vote."),
    )
    min_age = models.PositiveSmallIntegerField(
        _("lowest age"), null=True, blank=True, help_text=_("Leave empty for no lower limit.")
    )
    max_age = models.PositiveSmallIntegerField(
        _("highest age"), null=True, blank=True, help_text=_("Leave empty for no upper limit.")
    )
    offered = models.BooleanField(
        _("offered on the join form"),
        default=True,
        help_text=_("A kind no longer offered keeps its members."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("membership kind")
        verbose_name_plural = _("membership kinds")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name

    @property
    def has_age_rule(self):
        return self.min_age is not None or self.max_age is not None


class MemberStatus(models.TextChoices):
    """A membership's status in a year, as staff and the member read it (services.with_status
    works it out)."""

    ACTIVE = "active", _("Active")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    EXPIRED = "expired", _("Expired")
    UNCONFIRMED = "unconfirmed", _("Not confirmed yet")
    RESIGNED = "resigned", _("Resigned")


class Membership(models.Model):
    """One member. «Aktiv», «venter på betaling» and «utgått» follow from the fees paid
    (services.status_of); `status` holds only what a person did: joined, confirmed, resigned."""

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Not confirmed yet")
        CONFIRMED = "confirmed", _("Member")
        RESIGNED = "resigned", _("Resigned")

    class Email(models.TextChoices):
        NONE = "", _("None")
        CONFIRM = "confirm", _("Confirmation")
        ALREADY = "already", _("Already a member")
        RENEWAL = "renewal", _("Renewal")

    kind = models.ForeignKey(
        MembershipKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="members"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    email_normalized = models.CharField(max_length=254, editable=False)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=4)
    place = models.CharField(_("place"), max_length=100, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UNCONFIRMED
    )
    consent_version = models.PositiveIntegerField(_("consent version"))
    consented_at = models.DateTimeField(_("consented"))
    ip_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("joined"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    resigned_at = models.DateTimeField(_("resigned"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    # The year whose renewal e-mail the member has been sent (services.make_renewals_due).
    renewal_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # The e-mail the member is due (spero_site/outbox.py).
    email_due = models.CharField(
        max_length=8, choices=Email.choices, default=Email.NONE, blank=True, editable=False
    )
    email_claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["name", "pk"]
        constraints = [
            # One membership per mailbox while it lasts; after resigning one may join again.
            models.UniqueConstraint(
                fields=["email_normalized"],
                condition=~models.Q(status="resigned"),
                name="one_membership_per_email",
            ),
        ]
        indexes = [
            models.Index(
                fields=["id"], condition=~models.Q(email_due=""), name="membership_email_due"
            ),
        ]

    # What anonymising leaves: the kind, postal code and fees, so that past years' counts of
    # paying members per kind and area stay true; nothing that names the person.
    WIPED = {"name": "", "email": "", "email_normalized": "", "phone": "", "birth_year": None}

    def __str__(self):
        return self.name or str(_("Anonymised member"))

    def get_member_status_display(self):
        """The label of `member_status`, on a membership from services.with_status."""
        return MemberStatus(self.member_status).label


class MembershipFee(models.Model):
    """A year's fee as asked for: its payment is a donations.DonationIntent with the purpose
    «membership fee», paid by Vipps or by bank transfer with its KID. The year counts as paid
    when that payment is."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="fees")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.ForeignKey(MembershipKind, verbose_name=_("kind"), on_delete=models.PROTECT)
    payment = models.OneToOneField(
        "donations.DonationIntent",
        verbose_name=_("payment"),
        # An unpaid payment deleted by donations' retention rule takes its request with it.
        on_delete=models.CASCADE,
        related_name="membership_fee",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("membership fee")
        verbose_name_plural = _("membership fees")
        ordering = ["-year", "-created_at"]
        indexes = [models.Index(fields=["year", "membership"], name="fee_year_membership")]

    def __str__(self):
        return f"{self.year}: {self.payment}"
