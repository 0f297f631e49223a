"""KID numbers (kundeidentifikasjon) for bank transfers, with the MOD10 (Luhn) control digit
Norwegian banks check."""

import secrets

KID_BODY_DIGITS = 9


def mod10_control_digit(digits):
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str(-total % 10)


def kid_is_valid(kid):
    return (
        kid.isascii()
        and kid.isdigit()
        and len(kid) >= 2
        and mod10_control_digit(kid[:-1]) == kid[-1]
    )


def new_kid():
    """A random KID of ten digits (nine and the control digit); uniqueness is the database's."""
    body = str(secrets.randbelow(9 * 10 ** (KID_BODY_DIGITS - 1)) + 10 ** (KID_BODY_DIGITS - 1))
    return body + mod10_control_digit(body)
