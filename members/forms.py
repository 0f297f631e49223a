from django import forms
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from campaigns.postal_codes import place_for_postal_code
from members.services import JoinData
from spero_site.forms import (
    AccessibleErrorsMixin,
    FullNameField,
    NormalizableEmailField,
    NorwegianPhoneField,
    PostalCodeField,
)

OLDEST_AGE = 120


class KindChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, kind):
        label = _("%(name)s – %(fee)s kr a year") % {
            "name": kind.name,
            "fee": number_format(kind.fee_kroner, use_l10n=True, force_grouping=True),
        }
        return f"{label}. {kind.description}" if kind.description else label


class JoinForm(AccessibleErrorsMixin, forms.Form):
    """Only what the register needs, each with why (docs/members.md): the birth year is asked
    only when a kind on offer has an age limit."""

    kind = KindChoiceField(
        label=_("Kind of membership"),
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a kind of membership."),
            "invalid_choice": _("Choose one of the kinds of membership shown."),
        },
    )
    name = FullNameField(help_text=_("For the member register and the annual meeting."))
    email = NormalizableEmailField(
        label=_("E-mail"),
        help_text=_("We send you a link to confirm, your receipts and the yearly renewal."),
        error_messages={"required": _("Enter your e-mail address.")},
    )
    phone = NorwegianPhoneField(
        help_text=_("Only if you want us to be able to call you, for example about the fee.")
    )
    postal_code = PostalCodeField(
        help_text=_(
            "Four digits. Public grants are counted in members per county, so we need it; we "
            "do not ask for your street address."
        )
    )
    birth_year = forms.IntegerField(
        label=_("Birth year"),
        required=False,
        help_text=_("Some kinds of membership depend on age. We ask for the year only."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "size": 4, "autocomplete": "bday-year"}
        ),
        error_messages={"invalid": _("Enter the year you were born, for example 1985.")},
    )
    consent = forms.BooleanField(
        error_messages={"required": _("You must agree before you can join.")},
    )

    def __init__(self, *args, kinds, consent_text="", **kwargs):
        kwargs.setdefault("auto_id", "member-%s")
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kinds
        self.fields["consent"].label = consent_text
        self.asks_birth_year = any(kind.has_age_rule for kind in kinds)
        if not self.asks_birth_year:
            del self.fields["birth_year"]

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        this_year = timezone.localdate().year
        if year is not None and not this_year - OLDEST_AGE <= year <= this_year:
            raise forms.ValidationError(_("Enter the year you were born, for example 1985."))
        return year

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind is None or not kind.has_age_rule or "birth_year" in self.errors:
            return cleaned
        year = cleaned.get("birth_year")
        if year is None:
            self.add_error(
                "birth_year", _("This kind of membership depends on age: enter your birth year.")
            )
            return cleaned
        # The age reached this year, as the membership year is the calendar year.
        age = timezone.localdate().year - year
        if (kind.min_age is not None and age < kind.min_age) or (
            kind.max_age is not None and age > kind.max_age
        ):
            self.add_error(
                "kind", _("Your age does not fit this kind of membership. Choose another.")
            )
        return cleaned

    def join_data(self):
        data = self.cleaned_data
        return JoinData(
            kind_id=data["kind"].pk,
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            postal_code=data["postal_code"],
            place=place_for_postal_code(data["postal_code"]),
            birth_year=data.get("birth_year"),
        )


class PayForm(forms.Form):
    """The way to pay a fee: one of the providers the organisation's settings make possible."""

    provider = forms.ChoiceField(choices=())

    def __init__(self, *args, ways, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = ways
