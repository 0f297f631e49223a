"""Messages written to the organisation through the contact form on /kontakt/."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactMessage(models.Model):
    """One message: stored, e-mailed to the organisation's address (notice_due) with a receipt
    to the sender (receipt_due), both through the outbox; closed by staff, deleted after the
    retention period (contact/services.py)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    email_normalized = models.CharField(max_length=254, editable=False, db_index=True)
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"))
    # The organisation's address when the message came, from its site settings.
    recipient = models.EmailField(_("sent to"), max_length=254)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    ip_hash = models.CharField(max_length=64, editable=False)
    # Outboxes (spero_site/outbox.py): the notice to the organisation and the receipt.
    notice_due = models.CharField(max_length=10, blank=True, editable=False)
    notice_claimed_until = models.DateTimeField(null=True, editable=False)
    receipt_due = models.CharField(max_length=10, blank=True, editable=False)
    receipt_claimed_until = models.DateTimeField(null=True, editable=False)

    class Meta:
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.subject
