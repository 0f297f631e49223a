"""Norwegian number checks (MOD11) for the organisation's settings."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORGANISATION_NUMBER_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
ACCOUNT_NUMBER_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def mod11_valid(value, weights):
    """True when ``value`` (spaces and dots allowed) is len(weights)+1 digits with a MOD11
    control digit last."""
    digits = "".join(ch for ch in value if ch not in " .")
    if len(digits) != len(weights) + 1 or not digits.isascii() or not digits.isdigit():
        return False
    control = -sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11
    return control != 10 and control == int(digits[-1])


def validate_organisation_number(value):
    if not mod11_valid(value, ORGANISATION_NUMBER_WEIGHTS):
        raise ValidationError(_("Enter a valid organisation number (nine digits)."), code="invalid")


def validate_account_number(value):
    if not mod11_valid(value, ACCOUNT_NUMBER_WEIGHTS):
        raise ValidationError(_("Enter a valid account number (eleven digits)."), code="invalid")
