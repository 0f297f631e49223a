"""Who has asked for the newsletter, with their consent (docs/newsletter.md)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from spero_site.models import ConsentWording


@register_setting(icon="mail")
class NewsletterSettings(BaseSiteSetting, ConsentWording):
    """The consent wording a subscriber agrees to; every subscriber keeps the version."""

    consent_text = models.TextField(
        _("consent wording"),
        default=_(
            "I want Spero foreningen's newsletter by e-mail, and agree that my address and first "
            "name are kept for it until I unsubscribe."
        ),
        help_text=_(
            "What people agree to when they sign up. Each change makes a new version; every "
            "subscriber keeps the version they agreed to."
        ),
    )
    panels = [FieldPanel("consent_text")]

    class Meta:
        verbose_name = _("newsletter")


class Subscriber(models.Model):
    """One address on the list. It gets newsletters only once confirmed from the e-mail (double
    opt-in); unsubscribing deletes it (newsletter/services.py)."""

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Not confirmed yet")
        CONFIRMED = "confirmed", _("Confirmed")

    email = models.EmailField(_("e-mail"), max_length=254)
    email_normalized = models.CharField(max_length=254, unique=True, editable=False)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UNCONFIRMED
    )
    consent_version = models.PositiveIntegerField(_("consent version"))
    consented_at = models.DateTimeField(_("consented"))
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    ip_hash = models.CharField(max_length=64, editable=False)
    # The confirmation e-mail's outbox (spero_site/outbox.py).
    email_due = models.CharField(max_length=10, blank=True, editable=False)
    email_claimed_until = models.DateTimeField(null=True, editable=False)

    class Meta:
        verbose_name = _("newsletter subscriber")
        verbose_name_plural = _("newsletter subscribers")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.email


class Mailing(models.Model):
    """One newsletter sent to the list: its content as it was when sending started, and how far
    the sending has come. Written as a page (pages.NewsletterPage); sent by
    newsletter.services.start_mailing and the task that runs it."""

    class Status(models.TextChoices):
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    page = models.OneToOneField(
        "wagtailcore.Page",
        verbose_name=_("newsletter"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    subject = models.CharField(_("subject"), max_length=255)
    html = models.TextField(editable=False)
    text = models.TextField(editable=False)
    web_url = models.URLField(max_length=500, blank=True, editable=False)
    include_signers = models.BooleanField(_("includes opprop signers"), default=False)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.SENDING
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    # How many deliveries ended in each status, kept when they are deleted (services.py).
    final_counts = models.JSONField(default=dict, editable=False)
    # One run of the task sends at a time: it holds the lease and renews it with every message.
    # A run that dies lets it run out, and the next run (the scheduler's resume_mailings) takes
    # over (newsletter/services.py).
    lease_token = models.UUIDField(null=True, editable=False)
    lease_until = models.DateTimeField(null=True, editable=False)

    class Meta:
        verbose_name = _("newsletter sending")
        verbose_name_plural = _("newsletter sendings")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return self.subject


class Delivery(models.Model):
    """One recipient of one mailing. It holds no address: the address is read from the
    subscriber or signature when the message goes out, so someone who unsubscribes meanwhile is
    skipped. Deleted DELIVERY_RETENTION_DAYS after the mailing finished (services.py)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Refused by the mail server")
        # The sending stopped between handing the message over and recording it: it may have
        # gone out, so it is never sent again.
        UNCERTAIN = "uncertain", _("Perhaps sent (the sending stopped)")
        SKIPPED = "skipped", _("Skipped (unsubscribed meanwhile)")

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    signature = models.ForeignKey(
        "campaigns.Signature", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)

    class Meta:
        verbose_name = _("newsletter delivery")
        verbose_name_plural = _("newsletter deliveries")
        indexes = [
            models.Index(
                fields=["mailing", "id"],
                condition=models.Q(status="pending"),
                name="delivery_pending",
            )
        ]

    def __str__(self):
        return f"{self.mailing_id}:{self.pk}"
