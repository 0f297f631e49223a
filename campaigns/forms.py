from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from campaigns.models import Signature
from campaigns.services import SignatureData, normalize_email

postal_code_validator = RegexValidator(
    r"^[0-9]{4}\Z", _("Enter a postal code of four digits, for example 5003.")
)


class SignatureForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        error_messages={"required": _("Enter your full name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("We send you a link to confirm your signature. Nothing else."),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address like name@example.no."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=4,
        validators=[postal_code_validator],
        help_text=_(
            "Four digits. It tells us where support comes from, and gives your place on the "
            "list if you choose to be shown."
        ),
        error_messages={"required": _("Enter your postal code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "inputmode": "numeric", "size": 4}
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
    consent = forms.BooleanField(
        error_messages={"required": _("You must agree before you can sign.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.errors if self.is_bound else ():
            if name in self.fields:
                # Tie each error to its field for screen readers, beside any help text.
                described = [f"{self[name].auto_id}_error"]
                if self.fields[name].help_text:
                    described.append(f"{self[name].auto_id}_helptext")
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(described)

    def show_consent_of(self, petition):
        """The consent checkbox is labelled with the petition's own consent wording."""
        self.fields["consent"].label = petition.consent_text

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Enter your full name."))
        return name

    def clean_email(self):
        email = self.cleaned_data["email"]
        # Lower-casing can lengthen an address ("İ" becomes two characters); it must still fit.
        if len(normalize_email(email)) > Signature._meta.get_field("email").max_length:
            raise forms.ValidationError(self.fields["email"].error_messages["invalid"])
        return email

    def signature_data(self):
        data = self.cleaned_data
        return SignatureData(
            full_name=data["full_name"],
            email=data["email"],
            postal_code=data["postal_code"],
            show_publicly=data["show_publicly"],
            comment=data["comment"].strip(),
        )
