"""Donation intents: what a donor means to give, and how far the payment has come. Every status
change is kept as a DonationEvent with its source. Rules live in donations/services.py."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DonationIntent(models.Model):
    class Frequency(models.TextChoices):
        ONE_OFF = "one_off", _("Once")
        MONTHLY = "monthly", _("Monthly")
        # Only for a membership fee paid by a yearly Vipps agreement (members/).
        YEARLY = "yearly", _("Yearly")

    class Status(models.TextChoices):
        CREATED = "created", _("Created")
        PENDING = "pending", _("Awaiting payment")
        PAID = "paid", _("Paid")
        ABORTED = "aborted", _("Aborted")
        EXPIRED = "expired", _("Expired")
        FAILED = "failed", _("Failed")
        REFUNDED = "refunded", _("Refunded")

    class Purpose(models.TextChoices):
        GIFT = "gift", _("Gift")
        MEMBERSHIP_FEE = "membership_fee", _("Membership fee")

    class Email(models.TextChoices):
        NONE = "", _("None")
        RECEIPT = "receipt", _("Receipt")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    amount_ore = models.PositiveIntegerField(_("amount (øre)"))
    currency = models.CharField(_("currency"), max_length=3, default="NOK", editable=False)
    frequency = models.CharField(
        _("frequency"), max_length=8, choices=Frequency.choices, default=Frequency.ONE_OFF
    )
    donor_name = models.CharField(_("name"), max_length=200)
    donor_email = models.EmailField(_("e-mail"))
    message = models.TextField(_("message"), blank=True)
    provider = models.CharField(_("payment method"), max_length=16)
    # A membership fee (members/) is paid through the same providers as a gift, but is no gift:
    # it is left out of the gift totals and the tax deduction report.
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.GIFT
    )
    # What the payer reads in Vipps and on the receipt when it is not a gift ("Medlemskontingent
    # 2027 – Ordinært medlem").
    description = models.CharField(_("description"), max_length=100, blank=True)
    # Where Vipps sends the payer back, when not to the gift's own page (a member's page).
    return_path = models.CharField(max_length=300, blank=True, editable=False)
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    # The KID a bank transfer carries, so that staff can match it to the intent.
    kid = models.CharField(_("KID"), max_length=25, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CREATED
    )
    origin_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("given from page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=10, default="nb")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    # A monthly gift that the donor (or Vipps) stopped: no more charges are made.
    ended_at = models.DateTimeField(_("monthly gift ended"), null=True, blank=True)
    # Skattefradrag: the donor's fødselsnummer, encrypted at rest (donations/national_id.py).
    tax_deduction = models.BooleanField(_("wants tax deduction"), default=False)
    national_id_encrypted = models.TextField(blank=True, editable=False)
    # When the retention rule wiped who gave (donations.retention.anonymise_past_accounting_period).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    # The e-mail the donor is due, until donations.tasks.send_due_emails sends it (an outbox,
    # spero_site/outbox.py).
    email_due = models.CharField(
        max_length=8, choices=Email.choices, default=Email.NONE, blank=True, editable=False
    )
    # While a run of the outbox sends this row's e-mail (spero_site/outbox.py).
    email_claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-created_at"]
        permissions = [
            ("export_tax_report", _("Can export the tax deduction report for Skatteetaten")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kid"], condition=~models.Q(kid=""), name="donation_unique_kid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="donation_status_created"),
            models.Index(
                fields=["id"], condition=~models.Q(email_due=""), name="donation_email_due"
            ),
        ]

    # What the retention rule and the donor's own deletion leave of a paid gift: the amount,
    # dates, KID and references the accounting law asks for, and no person.
    WIPED = {"donor_name": "", "donor_email": "", "message": "", "national_id_encrypted": ""}

    def __str__(self):
        return f"{self.amount_kroner} kr ({self.get_status_display()})"

    @property
    def amount_kroner(self):
        return self.amount_ore // 100

    @property
    def recurring(self):
        """Paid by an agreement with a charge each month or year (Vipps Recurring)."""
        return self.frequency in RECURRING_MONTHS


# How many months apart a recurring intent's charges fall.
RECURRING_MONTHS = {DonationIntent.Frequency.MONTHLY: 1, DonationIntent.Frequency.YEARLY: 12}


class DonationCharge(models.Model):
    """Money that came in, or is due to, for a gift: the one payment of a one-off gift, or one
    month of a monthly gift. Totals, receipts and the tax report count charged rows."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Due")
        CHARGED = "charged", _("Charged")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    intent = models.ForeignKey(DonationIntent, on_delete=models.CASCADE, related_name="charges")
    amount_ore = models.PositiveIntegerField(_("amount (øre)"))
    due_date = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # Vipps's chargeId for a monthly Vipps charge; the bank statement line for a transfer.
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["due_date", "pk"]
        constraints = [
            # One charge a day per gift: the monthly task may run twice without charging twice.
            models.UniqueConstraint(fields=["intent", "due_date"], name="donation_charge_once"),
        ]
        indexes = [
            models.Index(fields=["status", "paid_at"], name="donation_charge_paid"),
        ]

    def __str__(self):
        return f"{self.amount_ore // 100} kr {self.due_date} ({self.get_status_display()})"

    @property
    def amount_kroner(self):
        return self.amount_ore // 100


class DonationEvent(models.Model):
    """One status change of an intent, and who or what made it."""

    class Source(models.TextChoices):
        DONOR = "donor", _("Donor")
        WEBHOOK = "webhook", _("Provider webhook")
        POLL = "poll", _("Provider poll")
        STAFF = "staff", _("Staff")
        SYSTEM = "system", _("System")

    intent = models.ForeignKey(DonationIntent, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=DonationIntent.Status.choices)
    to_status = models.CharField(max_length=10, choices=DonationIntent.Status.choices)
    source = models.CharField(max_length=8, choices=Source.choices)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.from_status} → {self.to_status} ({self.source})"
