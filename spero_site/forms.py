"""Form pieces that every public form uses: errors tied to their fields for screen readers, and
e-mail addresses that fit once normalised."""

import re

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}
EMAIL_MAX_LENGTH = 254


def normalize_email(email):
    """One form per mailbox, so that a person signs or registers once: case, "+tag" and, for
    Gmail, dots in the local part do not make a new address."""
    local, _at, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


class NormalizableEmailField(forms.EmailField):
    """An e-mail field whose address still fits once normalised: lower-casing can lengthen an
    address ("İ" becomes two characters)."""

    default_error_messages = {"invalid": _("Enter an e-mail address like name@example.no.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", EMAIL_MAX_LENGTH)
        kwargs.setdefault("widget", forms.EmailInput(attrs={"autocomplete": "email"}))
        super().__init__(**kwargs)

    def clean(self, value):
        email = super().clean(value)
        if email and len(normalize_email(email)) > EMAIL_MAX_LENGTH:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return email


class FullNameField(forms.CharField):
    """A person's full name, with runs of spaces made one."""

    default_error_messages = {"required": _("Enter your full name.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Full name"))
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "name"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        # Only spaces is no name: make it empty before "required" is checked.
        return " ".join(super().to_python(value).split())


class PostalCodeField(forms.CharField):
    """A Norwegian postal code of four digits. Each form says why it asks (help_text)."""

    default_validators = [
        RegexValidator(r"^[0-9]{4}\Z", _("Enter a postal code of four digits, for example 5003."))
    ]
    default_error_messages = {"required": _("Enter your postal code.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Postal code"))
        kwargs.setdefault("max_length", 4)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"autocomplete": "postal-code", "inputmode": "numeric", "size": 4}
            ),
        )
        super().__init__(**kwargs)


NORWEGIAN_PHONE = re.compile(r"^(?:\+47|0047)?([0-9]{8})\Z")


class NorwegianPhoneField(forms.CharField):
    """An optional Norwegian phone number of eight digits, written as 412 34 567."""

    default_error_messages = {
        "invalid": _("Enter a Norwegian phone number of eight digits, for example 412 34 567.")
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Phone (optional)"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"})
        )
        super().__init__(**kwargs)

    def clean(self, value):
        digits = re.sub(r"[\s.-]", "", super().clean(value))
        if not digits:
            return ""
        match = NORWEGIAN_PHONE.match(digits)
        if not match:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        number = match.group(1)
        return f"{number[:3]} {number[3:5]} {number[5:]}"


class AccessibleErrorsMixin:
    """Ties each field's errors (and help text) to its input with aria-describedby; the ids
    match templates/components/field.html."""

    def full_clean(self):
        super().full_clean()
        for name in self._errors or ():
            if name in self.fields:
                described = [f"{self[name].auto_id}_error"]
                if self.fields[name].help_text:
                    described.append(f"{self[name].auto_id}_helptext")
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(described)
