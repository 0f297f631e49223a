import re

from django import forms
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from donations.models import DonationIntent
from donations.services import DonationData
from spero_site.forms import AccessibleErrorsMixin, FullNameField, NormalizableEmailField

OTHER = "other"
# Kroner as people write them: "1000", "1 000", "1.000", "1 000,50", "300 kr", "kr 300".
AMOUNT = re.compile(
    r"^(?:kr\.?\s*)?(\d{1,3}(?:[ .\u00a0]\d{3})*|\d+)(?:,(\d{1,2}))?(?:\s*kr\.?)?\Z"
)


def parse_kroner(text):
    """Øre from an amount written in kroner, or None when it is not one."""
    match = AMOUNT.match(text.strip().lower())
    if not match:
        return None
    kroner = int(re.sub(r"[ .\u00a0]", "", match.group(1)))
    ore = int((match.group(2) or "0").ljust(2, "0"))
    return kroner * 100 + ore


def kroner_text(kroner):
    return f"{number_format(kroner, force_grouping=True)} kr"


class DonationForm(AccessibleErrorsMixin, forms.Form):
    amount = forms.ChoiceField(
        label=_("Amount"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose an amount."),
            "invalid_choice": _("Choose one of the amounts."),
        },
    )
    other_amount = forms.CharField(
        label=_("Other amount (kr)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=DonationIntent.Frequency.choices,
        initial=DonationIntent.Frequency.ONE_OFF,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose once or monthly.")},
    )
    donor_name = FullNameField(help_text=_("For the receipt."))
    donor_email = NormalizableEmailField(
        label=_("E-mail"),
        help_text=_("We send the receipt here."),
        error_messages={"required": _("Enter your e-mail address.")},
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, presets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].choices = [
            *((str(kroner), kroner_text(kroner)) for kroner in presets),
            (OTHER, _("Other amount")),
        ]
        if presets:
            self.fields["amount"].initial = str(presets[len(presets) // 2])
        self.fields["other_amount"].help_text = _("From %(min)s to %(max)s.") % {
            "min": kroner_text(settings.DONATION_MIN_KRONER),
            "max": kroner_text(settings.DONATION_MAX_KRONER),
        }

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("amount")
        if choice is None:
            return cleaned
        if choice == OTHER:
            ore = parse_kroner(cleaned.get("other_amount", ""))
            if ore is None:
                self.add_error(
                    "other_amount", _("Write an amount in kroner, for example 300 or 1 000.")
                )
                return cleaned
            field = "other_amount"
        else:
            ore, field = int(choice) * 100, "amount"
        low, high = settings.DONATION_MIN_KRONER * 100, settings.DONATION_MAX_KRONER * 100
        if not low <= ore <= high:
            self.add_error(field, self.fields["other_amount"].help_text)
        cleaned["amount_ore"] = ore
        return cleaned

    def donation_data(self):
        data = self.cleaned_data
        return DonationData(
            amount_ore=data["amount_ore"],
            frequency=data["frequency"],
            donor_name=data["donor_name"],
            donor_email=data["donor_email"].strip(),
            message=data["message"].strip(),
        )
