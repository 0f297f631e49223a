"""The fødselsnummer's check for tax deduction (donations.national_id): the control digits,
the dates a number may hold, D- and H-numbers, and what people type normalised."""

import pytest

from donations import national_id
from tests.donations.tax_deduction_data import (
    D_NUMBER,
    KARI,
    LEADING_ZERO,
    OLA,
    first_valid,
    wrong_digit,
)


@pytest.mark.parametrize(
    "number",
    [
        KARI,
        OLA,
        "15108695088",
        D_NUMBER,
        LEADING_ZERO,
        first_valid("290200"),  # 29 February
        first_valid("710185"),  # a D-number: day + 40
        first_valid("311299"),
        first_valid("015190"),  # an H-number: month + 40
        first_valid("018590"),  # Skatteetaten's synthetic test numbers: month + 80
    ],
)
def test_valid_numbers(number):
    assert number is not None and len(number) == 11
    assert national_id.is_valid(number)


@pytest.mark.parametrize(
    "number",
    [
        wrong_digit(KARI, 9),  # first control digit
        wrong_digit(KARI, 10),  # second control digit
        wrong_digit(OLA, 10),
        wrong_digit(D_NUMBER, 9),
        wrong_digit(KARI, 6),  # an individual digit: the control digits no longer fit
        "15108695077",
        KARI[:10],  # too short
        KARI + "0",  # too long
        "",
        "2307238805a",
        "230723 8805",
        "٢٣٠٧٢٣٨٨٠٥٤",  # Arabic-Indic digits are digits to str.isdigit, not to a tax office
        "00000000000",  # control digits fit, but 00.00 is no date
        first_valid("320190") or "32019000000",  # no 32nd day
        first_valid("011390") or "01139000000",  # no 13th month
        first_valid("300200") or "30020000000",  # no 30 February
    ],
)
def test_invalid_numbers(number):
    assert not national_id.is_valid(number)


def test_what_people_type_is_normalised():
    assert national_id.normalize("230723 880 54") == KARI
    assert national_id.normalize("230723-88054") == KARI
    assert national_id.normalize("230723.88054") == KARI
    assert national_id.normalize("230723\u00a088054") == KARI
