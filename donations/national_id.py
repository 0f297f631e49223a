"""Fødselsnummer for tax deduction (skattefradrag): the check of its two mod-11 control digits
and its encryption at rest.

The keys come from DONATION_ENCRYPTION_KEYS (Fernet keys, the first encrypts, every one of them
decrypts, so a key can be rotated); without them the tax-deduction field is not offered."""

import datetime
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.views.decorators.debug import sensitive_variables

# Every function here that sees a number hides its variables from error reports
# (sensitive_variables; spero_site/error_reports.py).
WEIGHTS_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
WEIGHTS_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


@sensitive_variables()
def _control_digit(digits, weights):
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11
    return 0 if remainder == 0 else 11 - remainder  # 10 means no valid number


@sensitive_variables()
def _has_a_birth_date(number):
    """The first six digits are a date (DDMMYY), allowing D-numbers (day + 40), H-numbers
    (month + 40) and Skatteetaten's synthetic test numbers (month + 80)."""
    day, month = int(number[0:2]), int(number[2:4])
    if day > 40:
        day -= 40
    if month > 80:
        month -= 80
    elif month > 40:
        month -= 40
    try:
        # 2000 is a leap year: 29 February is a date in some century the number may stand for.
        datetime.date(2000, month, day)
    except ValueError:
        return False
    return True


@sensitive_variables()
def is_valid(number):
    """Eleven digits, a birth date, and both mod-11 control digits right."""
    if len(number) != 11 or not number.isascii() or not number.isdigit():
        return False
    k1 = _control_digit(number[:9], WEIGHTS_K1)
    k2 = _control_digit(number[:10], WEIGHTS_K2)
    return k1 < 10 and k2 < 10 and number[9:] == f"{k1}{k2}" and _has_a_birth_date(number)


@sensitive_variables()
def normalize(text):
    """What people type (spaces, a dot or a dash between birth date and the rest) as 11 digits."""
    return "".join(ch for ch in text if ch not in " .-\u00a0")


def is_available():
    return bool(settings.DONATION_ENCRYPTION_KEYS)


@cache
def _fernet(keys):
    return MultiFernet([Fernet(key.encode()) for key in keys])


@sensitive_variables()
def encrypt(number):
    return _fernet(tuple(settings.DONATION_ENCRYPTION_KEYS)).encrypt(number.encode()).decode()


@sensitive_variables()
def decrypt(token):
    """The number, or "" when no key opens the token (a key was removed too early)."""
    try:
        return _fernet(tuple(settings.DONATION_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
