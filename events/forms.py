from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Registration
from events.services import RegistrationData
from spero_site.forms import (
    AccessibleErrorsMixin,
    FullNameField,
    NormalizableEmailField,
    NorwegianPhoneField,
)

# A Norwegian number: eight digits, in any grouping, optionally after +47 or 0047.
# Who registers on behalf of someone names them.
NEEDS_ORGANISATION = {
    Registration.Affiliation.MUNICIPALITY,
    Registration.Affiliation.VOLUNTARY,
    Registration.Affiliation.COMMUNITY,
}


class RegistrationForm(AccessibleErrorsMixin, forms.Form):
    name = FullNameField()
    email = NormalizableEmailField(
        label=_("E-mail"),
        help_text=_("We send your confirmation here, and news about your seat."),
        error_messages={"required": _("Enter your e-mail address.")},
    )
    phone = NorwegianPhoneField(
        help_text=_(
            "A Norwegian number of eight digits. Only used if plans change at short notice."
        ),
    )
    affiliation = forms.ChoiceField(
        label=_("I register for"),
        choices=Registration.Affiliation.choices,
        initial=Registration.Affiliation.INDIVIDUAL,
        error_messages={
            "required": _("Choose who you register for."),
            "invalid_choice": _("Choose one of the options."),
        },
    )
    organisation = forms.CharField(
        label=_("Name of the municipality or organisation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    seats = forms.TypedChoiceField(
        label=_("Number of seats"),
        coerce=int,
        help_text=_("You may register a small group; everyone comes under your name."),
        error_messages={"invalid_choice": _("Choose a number of seats from the list.")},
    )
    dietary_needs = forms.CharField(
        label=_("Dietary needs (optional)"),
        max_length=500,
        required=False,
        help_text=_("So that the food served suits you. Deleted after the event."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs (optional)"),
        max_length=500,
        required=False,
        help_text=_(
            "For example a wheelchair space, an interpreter or a hearing loop, so that we can "
            "arrange it. Deleted after the event."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    consent = forms.BooleanField(
        error_messages={"required": _("You must agree before you can register.")},
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = event.consent_text
        most = event.max_seats_per_registration
        self.fields["seats"].choices = [(n, str(n)) for n in range(1, most + 1)]
        if most == 1:
            # One seat each: nothing to choose.
            del self.fields["seats"]

    def clean(self):
        cleaned = super().clean()
        organisation = " ".join(cleaned.get("organisation", "").split())
        cleaned["organisation"] = organisation
        if cleaned.get("affiliation") in NEEDS_ORGANISATION and not organisation:
            self.add_error("organisation", _("Enter the name of whom you register for."))
        return cleaned

    def registration_data(self):
        data = self.cleaned_data
        return RegistrationData(
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            affiliation=data["affiliation"],
            organisation=data["organisation"],
            seats=data.get("seats", 1),
            dietary_needs=data["dietary_needs"].strip(),
            accessibility_needs=data["accessibility_needs"].strip(),
        )
