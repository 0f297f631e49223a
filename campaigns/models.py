"""The opprop: a Petition (editorial, a snippet) and its Signatures (personal data).

Rules that change signatures and the count live in campaigns/services.py.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from spero_site.models import ConsentWording


class Petition(index.Indexed, ConsentWording):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    text = RichTextField(_("petition text"))
    goal = models.PositiveIntegerField(_("goal"), default=1000)
    opens_at = models.DateTimeField(_("opens"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    show_signers = models.BooleanField(
        _("show signers"),
        default=True,
        help_text=_(
            "Show the first name and place of signers who agree to it. Nobody is shown "
            "without their consent."
        ),
    )
    hashtag = models.CharField(_("hashtag"), max_length=60, blank=True)
    share_text = models.CharField(_("share text"), max_length=280, blank=True)
    # Kept by the services with one UPDATE per change, so that reading the count never counts
    # the signature table.
    signature_count = models.PositiveIntegerField(_("signatures"), default=0, editable=False)
    count_updated_at = models.DateTimeField(default=timezone.now, editable=False)

    COUNTER_FIELDS = frozenset({"signature_count", "count_updated_at"})

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("text"),
        FieldPanel("goal"),
        MultiFieldPanel([FieldPanel("opens_at"), FieldPanel("closes_at")], heading=_("Open")),
        FieldPanel("show_signers"),
        FieldPanel("consent_text"),
        MultiFieldPanel([FieldPanel("hashtag"), FieldPanel("share_text")], heading=_("Sharing")),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-opens_at"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.pk is not None and kwargs.get("update_fields") is None:
            # An editor's save must never write back a count read before signers confirmed in
            # the meantime.
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in self.COUNTER_FIELDS
            ]
        super().save(*args, **kwargs)

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.opens_at <= now and (self.closes_at is None or now < self.closes_at)

    @property
    def progress_percent(self):
        if not self.goal:
            return 100
        return min(100, round(100 * self.signature_count / self.goal))


class Signature(models.Model):
    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Unconfirmed")
        CONFIRMED = "confirmed", _("Confirmed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        INVALIDATED = "invalidated", _("Invalidated")

    class Email(models.TextChoices):
        """The e-mail a signature waits for; tasks.send_due_emails sends it."""

        NONE = "", _("None")
        CONFIRMATION = "confirmation", _("Confirmation")
        ALREADY_SIGNED = "already_signed", _("Already signed")

    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), on_delete=models.PROTECT, related_name="signatures"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UNCONFIRMED
    )
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    # Both e-mail fields are emptied on withdrawal and anonymisation.
    email = models.EmailField(_("e-mail"), blank=True)
    email_normalized = models.CharField(max_length=254, blank=True, editable=False)
    postal_code = models.CharField(_("postal code"), max_length=4, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    show_publicly = models.BooleanField(_("shown publicly"), default=False)
    # «Hold meg oppdatert»: the signer asked for the newsletter as well (newsletter/services.py
    # includes them in a sending only when staff choose to, and only while this is ticked).
    wants_updates = models.BooleanField(_("keep me updated"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    comment_approved = models.BooleanField(_("comment approved"), default=False)
    consent_version = models.PositiveIntegerField(_("consent version"))
    consented_at = models.DateTimeField(_("consented at"))
    ip_hash = models.CharField(_("IP hash"), max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(_("signed at"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # When an e-mail was last asked for (a repeat signer gets at most one per interval).
    last_email_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The signature table is the e-mails' outbox: one background run sends every e-mail that is
    # due over one connection, instead of a queued task per signature.
    email_due = models.CharField(
        max_length=16, choices=Email.choices, default=Email.NONE, blank=True, editable=False
    )
    # While a run of the outbox sends this row's e-mail (spero_site/outbox.py).
    email_claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Emptied addresses (withdrawn or anonymised) never collide.
            models.UniqueConstraint(
                fields=["petition", "email_normalized"],
                condition=~models.Q(email_normalized=""),
                name="one_signature_per_email",
            ),
        ]
        indexes = [
            models.Index(fields=["petition", "status", "-confirmed_at"], name="signature_latest"),
            models.Index(
                fields=["id"], condition=~models.Q(email_due=""), name="signature_email_due"
            ),
        ]

    def __str__(self):
        return f"{self.petition_id}:{self.pk}"

    @property
    def first_name(self):
        return self.full_name.split(" ", 1)[0] if self.full_name else ""

    # What every field that says who signed becomes on withdrawal or anonymisation; the row
    # stays so that counts stay true.
    WIPED = {
        "full_name": "",
        "email": "",
        "email_normalized": "",
        "postal_code": "",
        "place": "",
        "comment": "",
        "comment_approved": False,
        "show_publicly": False,
        "wants_updates": False,
        "ip_hash": "",
        "email_due": "",
    }

    def wipe_personal_data(self, now):
        for field, value in self.WIPED.items():
            setattr(self, field, value)
        self.anonymised_at = now
