from django import forms
from django.utils.translation import gettext_lazy as _

from spero_site.forms import AccessibleErrorsMixin, NormalizableEmailField


class LinkRequestForm(AccessibleErrorsMixin, forms.Form):
    email = NormalizableEmailField(
        label=_("E-mail"),
        help_text=_(
            "The address you used when you signed, registered or gave. We send the link there, "
            "and use the address for nothing else."
        ),
        error_messages={"required": _("Enter your e-mail address.")},
    )
