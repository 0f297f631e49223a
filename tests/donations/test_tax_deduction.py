"""Tax deduction (skattefradrag): the donation form's fields for it and the yearly report for
Skatteetaten. The fødselsnummer's own check is in test_national_id.py, the report's download in
the admin in test_tax_report_download.py."""

import re

import pytest
import time_machine
from django.db import connection
from wagtail.models import Site

from donations import national_id, services
from donations.models import DonationCharge, DonationIntent
from donations.tax_report import tax_report_rows
from pages.models import OrganisationSettings
from tests.donations.tax_deduction_data import D_NUMBER, KARI, OLA, at, paid_gift, wrong_digit
from tests.donations.test_giving import give

pytestmark = pytest.mark.django_db

Status = DonationIntent.Status
ChargeStatus = DonationCharge.Status


# ---------------------------------------------------------------------------------------------
# The donation form


def set_tax_deduction_approved(value):
    organisation = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
    organisation.tax_deduction_approved = value
    organisation.save()


@pytest.fixture
def approved(donation_page):
    set_tax_deduction_approved(True)
    return donation_page


def database_text():
    """Every row of every table, as PostgreSQL writes it out as text."""
    texts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT t::text FROM {connection.ops.quote_name(table)} t")  # noqa: S608
            texts.extend(row[0] for row in cursor.fetchall())
    return "\n".join(texts)


def test_without_the_approval_the_fields_are_absent_and_a_number_is_ignored(
    client, donation_page, gift
):
    html = client.get(donation_page.url).content.decode()
    assert 'name="national_id"' not in html and 'name="tax_deduction"' not in html
    response = give(client, {**gift, "tax_deduction": "on", "national_id": KARI})
    assert response.status_code == 302
    intent = DonationIntent.objects.get()
    assert not intent.tax_deduction and intent.national_id_encrypted == ""
    assert KARI not in database_text()


def test_without_encryption_keys_the_fields_are_absent(client, approved, gift, settings):
    settings.DONATION_ENCRYPTION_KEYS = []
    assert 'name="national_id"' not in client.get(approved.url).content.decode()
    assert give(client, {**gift, "tax_deduction": "on", "national_id": KARI}).status_code == 302
    assert DonationIntent.objects.get().national_id_encrypted == ""


def test_with_the_approval_the_page_shows_the_fields(client, approved):
    html = client.get(approved.url).content.decode()
    assert 'id="id_tax_deduction"' in html and 'type="checkbox"' in html
    assert 'id="id_national_id"' in html and 'inputmode="numeric"' in html


def test_a_valid_number_is_stored_only_encrypted(client, approved, gift):
    response = give(client, {**gift, "tax_deduction": "on", "national_id": "230723 880 54"})
    assert response.status_code == 302
    intent = DonationIntent.objects.get()
    assert intent.tax_deduction
    assert intent.national_id_encrypted and KARI not in intent.national_id_encrypted
    assert national_id.decrypt(intent.national_id_encrypted) == KARI
    stored = database_text()
    assert KARI not in stored and "230723 880 54" not in stored
    # The donor's page for the gift does not show it either.
    assert KARI not in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        (
            {"tax_deduction": "on", "national_id": wrong_digit(KARI, 10)},
            "national_id",
            "Dette er ikke et gyldig fødselsnummer. Sjekk de 11 sifrene.",
        ),
        (
            {"tax_deduction": "on", "national_id": "1234"},
            "national_id",
            "Dette er ikke et gyldig fødselsnummer.",
        ),
        (
            {"national_id": KARI},
            "tax_deduction",
            "Kryss av hvis du vil ha skattefradrag, eller fjern nummeret.",
        ),
        (
            {"tax_deduction": "on", "national_id": ""},
            "national_id",
            "Skriv fødselsnummeret ditt (11 siffer).",
        ),
        (
            {"tax_deduction": "on", "national_id": "  "},
            "national_id",
            "Skriv fødselsnummeret ditt (11 siffer).",
        ),
    ],
)
def test_a_wrong_combination_gets_an_error_at_the_field(
    client, approved, gift, posted, field, message
):
    response = give(client, {**gift, **posted})
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(rf'<ul class="field__errors" id="id_{field}_error">(.*?)</ul>', html, re.S)
    assert error and message in error.group(1)
    [other] = {"national_id", "tax_deduction"} - {field}
    assert f'id="id_{other}_error"' not in html
    assert "Rett opp feltene som er merket nedenfor." in html
    assert not DonationIntent.objects.exists()


# ---------------------------------------------------------------------------------------------
# The report


def charge(intent, when, status=ChargeStatus.CHARGED):
    """One more month of a monthly gift."""
    return DonationCharge.objects.create(
        intent=intent,
        amount_ore=intent.amount_ore,
        due_date=when.date(),
        status=status,
        paid_at=when if status in (ChargeStatus.CHARGED, ChargeStatus.REFUNDED) else None,
    )


def as_tuples(rows):
    return [
        (row.national_id, row.name, row.total_kroner, row.reported_kroner, row.payments, row.year)
        for row in rows
    ]


def test_the_minimum_and_the_cap(superuser, settings):
    assert (settings.TAX_DEDUCTION_MIN_KRONER, settings.TAX_DEDUCTION_MAX_KRONER) == (500, 25_000)
    paid_gift(superuser, 499, KARI, when=at(2024, 3, 1), name="Kari Nordmann")
    paid_gift(superuser, 500, OLA, when=at(2024, 3, 2), name="Ola Nordmann")
    paid_gift(superuser, 30_000, D_NUMBER, when=at(2024, 3, 3), name="Per Hansen")
    assert as_tuples(tax_report_rows(2024)) == [
        (OLA, "Ola Nordmann", 500, 500, 1, 2024),
        (D_NUMBER, "Per Hansen", 30_000, 25_000, 1, 2024),
    ]


def test_gifts_with_kroner_and_ore_count_in_whole_kroner(superuser):
    intent = paid_gift(superuser, 250, KARI, when=at(2024, 3, 1))
    DonationCharge.objects.filter(intent=intent).update(amount_ore=25_050)
    paid_gift(superuser, 250, KARI, when=at(2024, 4, 1))
    [row] = tax_report_rows(2024)
    assert (row.total_kroner, row.reported_kroner) == (500, 500)


def test_two_gifts_by_one_person_count_together_under_the_latest_name(superuser):
    paid_gift(superuser, 300, KARI, when=at(2024, 2, 1), email="kari@example.no")
    paid_gift(
        superuser,
        400,
        KARI,
        when=at(2024, 9, 1),
        name="Kari N. Nordmann",
        email="kari.nordmann@jobb.example",
    )
    paid_gift(superuser, 450, OLA, when=at(2024, 5, 1), name="Ola Nordmann")  # below on his own
    assert as_tuples(tax_report_rows(2024)) == [(KARI, "Kari N. Nordmann", 700, 700, 2, 2024)]


def test_a_monthly_gift_counts_each_month_paid_in_the_year(superuser):
    monthly = paid_gift(superuser, 100, KARI, when=at(2023, 12, 15), frequency="monthly")
    for month in range(1, 12):
        charge(monthly, at(2024, month, 15))
    charge(monthly, at(2024, 12, 31, 23, 30))  # 22:30 UTC: still 2024 in Norway
    charge(monthly, at(2025, 1, 1, 0, 30))  # 23:30 UTC on 31 December: 2025 in Norway
    charge(monthly, at(2025, 1, 15))
    charge(monthly, at(2024, 12, 20), status=ChargeStatus.FAILED)
    charge(monthly, at(2024, 12, 21), status=ChargeStatus.PENDING)
    assert as_tuples(tax_report_rows(2024)) == [(KARI, "Kari Nordmann", 1200, 1200, 12, 2024)]
    # 2023 had one month and 2025 two: neither reaches the minimum.
    assert tax_report_rows(2023) == [] and tax_report_rows(2025) == []


def test_refunded_gifts_and_charges_count_for_nothing(superuser):
    refunded = paid_gift(superuser, 5_000, KARI, when=at(2024, 3, 1))
    services.transition(refunded.pk, Status.REFUNDED, source=services.Source.STAFF)
    assert DonationCharge.objects.get(intent=refunded).status == ChargeStatus.REFUNDED
    monthly = paid_gift(
        superuser, 300, OLA, when=at(2024, 1, 10), name="Ola Nordmann", frequency="monthly"
    )
    charge(monthly, at(2024, 2, 10), status=ChargeStatus.REFUNDED)
    charge(monthly, at(2024, 3, 10))
    assert as_tuples(tax_report_rows(2024)) == [(OLA, "Ola Nordmann", 600, 600, 2, 2024)]


def test_a_refunded_gift_with_a_charge_left_charged_counts_for_nothing(superuser):
    intent = paid_gift(superuser, 5_000, KARI, when=at(2024, 3, 1))
    DonationIntent.objects.filter(pk=intent.pk).update(status=Status.REFUNDED)
    assert tax_report_rows(2024) == []


def test_gifts_without_tax_deduction_and_unpaid_gifts_are_left_out(superuser):
    paid_gift(superuser, 5_000, "", when=at(2024, 3, 1), name="Uten Fradrag")
    # The same person's gift without the deduction does not add to the one with it.
    paid_gift(superuser, 400, KARI, when=at(2024, 4, 1))
    paid_gift(superuser, 400, "", when=at(2024, 5, 1))
    with time_machine.travel(at(2024, 6, 1), tick=False):
        services.create_intent(  # awaiting payment
            services.DonationData(
                amount_ore=10_000_00,
                frequency="one_off",
                donor_name="Ola Nordmann",
                donor_email="ola@example.no",
                message="",
                national_id=OLA,
            ),
            provider_name="manual",
        )
    assert tax_report_rows(2024) == []


def test_a_number_no_key_opens_is_counted_as_unreadable(superuser):
    from donations.tax_report import tax_report

    intent = paid_gift(superuser, 1_000, KARI, when=at(2024, 3, 1))
    paid_gift(superuser, 1_000, OLA, when=at(2024, 3, 1), name="Ola Nordmann")
    DonationIntent.objects.filter(pk=intent.pk).update(national_id_encrypted="not-a-token")
    report = tax_report(2024)
    assert report.unreadable_gifts == 1
    assert [row.national_id for row in report.rows] == [OLA]
