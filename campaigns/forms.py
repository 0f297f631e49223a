from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.services import SignatureData
from spero_site.forms import (
    AccessibleErrorsMixin,
    FullNameField,
    NormalizableEmailField,
    PostalCodeField,
)


class SignatureForm(AccessibleErrorsMixin, forms.Form):
    full_name = FullNameField()
    email = NormalizableEmailField(
        label=_("E-mail"),
        help_text=_(
            "We send you a link to confirm your signature, and nothing else unless you ask to "
            "be kept updated."
        ),
        error_messages={"required": _("Enter your e-mail address.")},
    )
    postal_code = PostalCodeField(
        help_text=_(
            "Four digits. It tells us where support comes from, and gives your place on the "
            "list if you choose to be shown."
        ),
    )
    show_publicly = forms.BooleanField(
        label=_("Show my first name and place on the list of signers"), required=False
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=500,
        required=False,
        help_text=_("Why do you sign? Shown publicly only after we have read it."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    wants_updates = forms.BooleanField(
        label=_(
            "Keep me updated: send me the newsletter from Spero foreningen by e-mail. I can "
            "unsubscribe in every newsletter."
        ),
        required=False,
    )
    consent = forms.BooleanField(
        error_messages={"required": _("You must agree before you can sign.")},
    )

    def show_consent_of(self, petition):
        """The consent checkbox is labelled with the petition's own consent wording."""
        self.fields["consent"].label = petition.consent_text

    def signature_data(self):
        data = self.cleaned_data
        return SignatureData(
            full_name=data["full_name"],
            email=data["email"],
            postal_code=data["postal_code"],
            show_publicly=data["show_publicly"],
            comment=data["comment"].strip(),
            wants_updates=data["wants_updates"],
        )
