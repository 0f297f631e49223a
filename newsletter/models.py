"""Who has asked for the newsletter, with their consent (docs/newsletter.md)."""

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
