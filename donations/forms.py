import re

from django import forms
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from donations import national_id
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
        # A yearly agreement is for membership fees only (members/).
        choices=[
            (value, label)
            for value, label in DonationIntent.Frequency.choices
            if value != DonationIntent.Frequency.YEARLY
        ],
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

    def __init__(self, *args, presets=(), providers=(), offer_tax_deduction=False, **kwargs):
        super().__init__(*args, **kwargs)
        # The provider is the name of the button pressed (templates/pages/donation_page.html).
        self.providers = {provider.name: provider for provider in providers}
        if offer_tax_deduction:
            self.fields["tax_deduction"] = forms.BooleanField(
                label=_("I want tax deduction for my gifts"),
                required=False,
                help_text=_(
                    "Gifts of %(min)s or more in a year give a deduction in your tax, up to "
                    "%(max)s. We report them to Skatteetaten with your national identity number."
                )
                % {
                    "min": kroner_text(settings.TAX_DEDUCTION_MIN_KRONER),
                    "max": kroner_text(settings.TAX_DEDUCTION_MAX_KRONER),
                },
            )
            self.fields["national_id"] = forms.CharField(
                label=_("National identity number (11 digits)"),
                required=False,
                max_length=20,
                help_text=_(
                    "Only for the tax deduction. We keep it encrypted, show it to no one and "
                    "use it only for the report to Skatteetaten."
                ),
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            )
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
        self._clean_amount(cleaned)
        provider = self.providers.get(self.data.get("provider") or "manual")
        if provider is None:
            self.add_error(None, _("Choose a way to pay."))
        else:
            cleaned["provider"] = provider.name
        frequency = cleaned.get("frequency")
        if provider and frequency and not provider.supports(frequency):
            self.add_error(
                "frequency",
                _("Monthly gifts cannot be given with Vipps yet: choose bank transfer."),
            )
        if "national_id" in self.fields:
            self._clean_tax_deduction(cleaned)
        return cleaned

    def _clean_amount(self, cleaned):
        choice = cleaned.get("amount")
        if choice is None:
            return
        if choice == OTHER:
            ore = parse_kroner(cleaned.get("other_amount", ""))
            if ore is None:
                self.add_error(
                    "other_amount", _("Write an amount in kroner, for example 300 or 1 000.")
                )
                return
            field = "other_amount"
        else:
            ore, field = int(choice) * 100, "amount"
        low, high = settings.DONATION_MIN_KRONER * 100, settings.DONATION_MAX_KRONER * 100
        if not low <= ore <= high:
            self.add_error(field, self.fields["other_amount"].help_text)
        cleaned["amount_ore"] = ore

    @sensitive_variables()
    def _clean_tax_deduction(self, cleaned):
        number = national_id.normalize(cleaned.get("national_id", ""))
        wanted = cleaned.get("tax_deduction")
        if wanted and not number:
            self.add_error("national_id", _("Enter your national identity number (11 digits)."))
        elif number and not wanted:
            self.add_error(
                "tax_deduction",
                _("Tick the box if you want tax deduction, or remove the number."),
            )
        elif number and not national_id.is_valid(number):
            self.add_error(
                "national_id",
                _("This is not a valid national identity number. Check the 11 digits."),
            )
        cleaned["national_id"] = number if wanted else ""

    @sensitive_variables()
    def donation_data(self):
        data = self.cleaned_data
        return DonationData(
            amount_ore=data["amount_ore"],
            frequency=data["frequency"],
            donor_name=data["donor_name"],
            donor_email=data["donor_email"].strip(),
            message=data["message"].strip(),
            national_id=data.get("national_id", ""),
        )
