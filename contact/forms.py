from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from spero_site.forms import AccessibleErrorsMixin, FullNameField, NormalizableEmailField

MESSAGE_MAX_LENGTH = 5000


class ContactForm(AccessibleErrorsMixin, forms.Form):
    name = FullNameField(label=_("Name"))
    email = NormalizableEmailField(
        label=_("E-mail"),
        error_messages={"required": _("Enter your e-mail address, so that we can answer.")},
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        error_messages={"required": _("Write what the message is about.")},
    )
    message = forms.CharField(
        label=pgettext_lazy("contact form", "Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write your message.")},
    )

    def clean_subject(self):
        return " ".join(self.cleaned_data["subject"].split())
