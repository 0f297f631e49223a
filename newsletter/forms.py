from django import forms
from django.utils.translation import gettext_lazy as _

from spero_site.forms import AccessibleErrorsMixin, NormalizableEmailField


class SubscribeForm(AccessibleErrorsMixin, forms.Form):
    email = NormalizableEmailField(
        label=_("E-mail"), error_messages={"required": _("Enter your e-mail address.")}
    )
    first_name = forms.CharField(
        label=_("First name (optional)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    consent = forms.BooleanField(
        error_messages={"required": _("Tick the box to say yes to the newsletter.")}
    )

    def __init__(self, *args, consent_text="", **kwargs):
        # Its own ids: the form may stand on a page beside another form's e-mail field.
        kwargs.setdefault("auto_id", "newsletter-%s")
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = consent_text

    def clean_first_name(self):
        return " ".join(self.cleaned_data["first_name"].split())
