"""Model pieces that more than one app uses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentWording(models.Model):
    """The wording people agree to when they give their data (an opprop, a registration), with
    a version that goes up on every change; each record keeps the version it agreed to."""

    consent_text = models.TextField(
        _("consent wording"),
        help_text=_(
            "What people agree to when they give their details here. Each change makes a new "
            "version; every record keeps the version it agreed to."
        ),
    )
    consent_version = models.PositiveIntegerField(_("consent version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            previous = type(self).objects.filter(pk=self.pk).values("consent_text").first()
            if previous and previous["consent_text"] != self.consent_text:
                self.consent_version += 1
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "consent_version"}
        super().save(*args, **kwargs)
