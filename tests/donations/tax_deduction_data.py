"""Synthetic fødselsnumre, made with the mod-11 control digits written out here rather than
taken from donations.national_id, and gifts paid at a given moment: for the tax-deduction tests
and for any other that needs a gift to report to Skatteetaten."""

import datetime

import time_machine

from donations import services
from donations.tax_report import NORWAY


def control_digits(digits, weights):
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11
    return 0 if remainder == 0 else 11 - remainder


def with_control_digits(first_nine):
    """The 11-digit number with the two mod-11 control digits, or None when there is none
    (a control digit of 10): written out here, not taken from donations.national_id."""
    k1 = control_digits(first_nine, (3, 7, 6, 1, 8, 9, 4, 5, 2))
    k2 = control_digits(first_nine + str(k1 % 10), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
    if k1 == 10 or k2 == 10:
        return None
    return f"{first_nine}{k1}{k2}"


def first_valid(birth_date):
    """The first valid number with this DDMMYY (or D-number's) birth date."""
    for individual in range(100, 1000):
        number = with_control_digits(f"{birth_date}{individual}")
        if number:
            return number
    raise AssertionError(birth_date)


# Published synthetic examples (from open-source validators' documentation).
KARI = "23072388054"
OLA = "29100207042"
D_NUMBER = "43022014103"
# Born on the 1st: the leading zero must survive every file format.
LEADING_ZERO = first_valid("010190")


def wrong_digit(number, position):
    return number[:position] + str((int(number[position]) + 1) % 10) + number[position + 1 :]


def at(year, month, day, hour=12, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=NORWAY)


def paid_gift(
    staff,
    kroner,
    number,
    *,
    when,
    name="Kari Nordmann",
    email="kari@example.no",
    frequency="one_off",
):
    """A gift paid at `when`, with tax deduction when `number` is given."""
    with time_machine.travel(when, tick=False):
        intent = services.create_intent(
            services.DonationData(
                amount_ore=kroner * 100,
                frequency=frequency,
                donor_name=name,
                donor_email=email,
                message="",
                national_id=number,
            ),
            provider_name="manual",
        )
        services.mark_paid_by_staff(intent.pk, staff)
    return intent


def last_year():
    return datetime.datetime.now(NORWAY).year - 1
