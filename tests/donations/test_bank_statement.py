"""Importing a bank statement: reading the CSV files Norwegian banks give (and refusing what is
no such file), applying each payment to a manual gift by its KID, and the admin view that does
it for staff. Assertions are on structure and counts, not on the Norwegian wording."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from donations import bank_statement, services, tasks
from donations.bank_statement import parse_amount, parse_statement
from donations.kid import new_kid
from donations.models import DonationCharge, DonationEvent, DonationIntent
from tests.admin_helpers import log_in, user_in_group

pytestmark = pytest.mark.django_db

Status = DonationIntent.Status
Result = services.BankPayment
TODAY = datetime.date(2026, 12, 2)
OSLO = ZoneInfo("Europe/Oslo")
IMPORT_URL = "donations_admin:import_bank_statement"


def gift(amount_kroner=500, frequency="one_off", email="kari@example.no"):
    data = services.DonationData(
        amount_ore=amount_kroner * 100,
        frequency=frequency,
        donor_name="Kari Nordmann",
        donor_email=email,
        message="",
    )
    return services.create_intent(data, provider_name="manual")


def unused_kid():
    while DonationIntent.objects.filter(kid=(kid := new_kid())).exists():
        pass
    return kid


def cp1252_statement(*rows):
    """A statement as DNB-like banks write it: a line about the account, then headings with
    æøå, semicolons, Windows-1252 and CRLF."""
    lines = [
        "Kontoutskrift for 1503.12.34561;01.11.2026 - 30.11.2026",
        "Bokføringsdato;Forklaring;Rentedato;Ut fra konto;Inn på konto;KID-nummer",
        *rows,
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def parse(data):
    return parse_statement(data, today=TODAY)


# ---------------------------------------------------------------------------------------------
# Reading the file


def test_a_windows_1252_statement_with_norwegian_headings():
    kid, other = new_kid(), new_kid()
    statement = parse(
        cp1252_statement(
            f"02.11.2026;Giro fra Kåre Ødegård;02.11.2026;;1 000,00;{kid}",
            "03.11.2026;Strøm november;03.11.2026;1 234,50;;",
            f"04.11.2026;Nettgiro KID {other};04.11.2026;;500,00;",
            "05.11.2026;Kontingent Åse;05.11.2026;;200,00;",
        )
    )
    assert not statement.error
    assert statement.line_count == 4 and statement.outgoing == 1
    first, second = statement.lines
    assert (first.line_number, first.date, first.amount_ore, first.kid) == (
        3,
        datetime.date(2026, 11, 2),
        100_000,
        kid,
    )
    # No KID in its column: the one in the text is found.
    assert (second.kid, second.amount_ore, second.line_number) == (other, 50_000, 5)
    assert first.reference.startswith("bank:") and first.reference != second.reference
    [unread] = statement.unread
    assert (unread.line_number, unread.reason, unread.amount_ore) == (
        6,
        bank_statement.NO_KID,
        20_000,
    )


def test_a_utf8_statement_with_a_byte_order_mark_commas_and_the_kid_in_the_message():
    kid = new_kid()
    data = (
        "\ufeffDato,Beløp,Melding,Arkivreferanse\n"
        f'02.11.2026,"1 000,00","Gave, KID: {kid}. Takk!",{new_kid()}\n'
        f'2026-11-03,"12 500,50",{kid},1\n'
    ).encode()
    statement = parse(data)
    assert not statement.error and not statement.unread
    assert [(line.date.day, line.amount_ore, line.kid) for line in statement.lines] == [
        (2, 100_000, kid),
        (3, 1_250_050, kid),
    ]


def test_signed_amounts_in_one_column_and_the_reference_is_the_same_in_any_encoding():
    kid = new_kid()
    text = (
        "Dato;Beskrivelse;Beløp;KID\n"
        f"02.11.26;Innbetaling fra Åsmund;1000,00;{kid}\n"
        "03.11.26;Varekjøp;-250,00;\n"
    )
    in_utf8, in_cp1252 = parse(text.encode()), parse(text.encode("cp1252"))
    assert in_utf8.outgoing == 1 and in_utf8.lines[0].date == datetime.date(2026, 11, 2)
    assert in_utf8.lines[0].reference == in_cp1252.lines[0].reference
    again = parse(("Dato;Beskrivelse;Beløp;KID\n" + text.splitlines()[1] + "\n").encode())
    assert again.lines[0].reference == in_utf8.lines[0].reference


@pytest.mark.parametrize(
    ("text", "ore"),
    [
        ("1 000,00", 100_000),
        ("1\u00a0000,00", 100_000),
        ("1000,00", 100_000),
        ("1.000,50", 100_050),
        ("300", 30_000),
        ("300 kr", 30_000),
        ("NOK 1 234,5", 123_450),
        ("1000.25", 100_025),
        ("-250,00", -25_000),
        ("250,00-", -25_000),
        ("\u2212250,00", -25_000),
        ("abc", None),
        ("1 0000", None),
        ("1,2,3", None),
        ("99999999999,00", None),
        ("", None),
    ],
)
def test_amounts_as_banks_write_them(text, ore):
    assert parse_amount(text) == ore


def test_lines_that_cannot_be_read_are_listed_with_their_reason():
    kid = new_kid()
    bad_kid = kid[:-1] + str((int(kid[-1]) + 1) % 10)
    statement = parse(
        cp1252_statement(
            f"ikke en dato;Giro;;;500,00;{kid}",
            f"02.11.2026;Giro;;;fem hundre;{kid}",
            f"02.11.2026;Giro;;;500,00;{bad_kid}",
            f"02.11.2026;Giro {kid} og {new_kid()};;;500,00;",
            f"{(TODAY + datetime.timedelta(days=1)):%d.%m.%Y};Giro;;;500,00;{kid}",
            "02.11.2026;Giro",
            "",
            f"02.11.2026;Giro;;;500,00;{kid}",
        )
    )
    reasons = {line.line_number: line.reason for line in statement.unread}
    assert reasons == {
        3: bank_statement.NO_DATE,
        4: bank_statement.NO_AMOUNT,
        5: bank_statement.INVALID_KID,
        6: bank_statement.SEVERAL_KIDS,
        7: bank_statement.FUTURE_DATE,
        8: bank_statement.TOO_FEW_COLUMNS,
    }
    assert [line.line_number for line in statement.lines] == [10]
    assert statement.line_count == 7  # the blank line is not counted


def test_an_unquoted_decimal_comma_in_a_comma_separated_file_is_not_misread():
    kid = new_kid()
    statement = parse(f"Dato,Beløp,KID\n02.11.2026,500,50,{kid}\n".encode())
    assert not statement.lines
    assert [line.reason for line in statement.unread] == [bank_statement.TOO_MANY_COLUMNS]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"  \r\n\r\n", id="blank"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), id="png"),
        pytest.param(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, id="xlsx"),
        pytest.param(b"Dato;Bel\xc3\xb8p;KID\n02.11.2026;500\x00;1\n", id="nul-bytes"),
        pytest.param(bytes(range(0x80, 0x100)) * 20, id="neither-utf8-nor-cp1252"),
        pytest.param(b"\x01\x02\x03binary\x04\x05", id="control-characters"),
        pytest.param("Dato;Beløp;KID\r\n".encode("cp1252"), id="headings-only"),
        pytest.param(b"Navn;Adresse\nKari;Bergen\n", id="no-date-or-amount"),
        pytest.param(b"just some text\n", id="not-a-csv"),
        pytest.param(b"Dato;Bel\xc3\xb8p;KID\n" + b"02.11.2026;1,00;\n" * 20_001, id="too-many"),
        pytest.param(b"Dato;Bel\xc3\xb8p;KID\n02.11.2026;1,00;" + b"x" * 200_000, id="long-field"),
        pytest.param(b"x" * (6 * 1024 * 1024), id="6-mb"),
    ],
)
def test_what_is_no_bank_statement_gives_an_error_and_no_lines(data):
    statement = parse(data)
    assert statement.error
    assert not statement.lines and not statement.unread


# ---------------------------------------------------------------------------------------------
# Applying a payment (services.apply_bank_payment)


NOV_2 = datetime.date(2026, 11, 2)


def test_a_pending_gift_is_paid_on_the_banks_day_and_the_donor_gets_the_receipt(superuser):
    intent = gift(750)
    result = services.apply_bank_payment(intent.kid, 75_000, NOV_2, "bank:line-1", superuser)
    assert result == Result.PAID
    intent.refresh_from_db()
    assert intent.status == Status.PAID and intent.email_due == "receipt"
    assert timezone.localdate(intent.paid_at) == NOV_2
    [charge] = intent.charges.all()
    assert (charge.status, charge.due_date, charge.provider_reference, charge.amount_ore) == (
        DonationCharge.Status.CHARGED,
        NOV_2,
        "bank:line-1",
        75_000,
    )
    assert timezone.localdate(charge.paid_at) == NOV_2
    event = intent.events.get(to_status=Status.PAID)
    assert event.source == DonationEvent.Source.STAFF
    assert event.detail == {"user_id": superuser.pk, "line_reference": "bank:line-1"}
    assert tasks.send_due_emails.call() == 1
    [receipt] = mail.outbox
    assert receipt.to == ["kari@example.no"] and intent.kid in receipt.body

    # The same line again, or the same gift in another line: nothing changes.
    assert (
        services.apply_bank_payment(intent.kid, 75_000, NOV_2, "bank:line-1", superuser)
        == Result.ALREADY
    )
    assert (
        services.apply_bank_payment(intent.kid, 75_000, NOV_2, "bank:line-2", superuser)
        == Result.NOT_PENDING
    )
    assert intent.charges.count() == 1 and intent.events.count() == 2
    assert tasks.send_due_emails.call() == 0


def test_a_standing_order_gets_a_charge_a_month_and_a_second_import_changes_nothing(superuser):
    intent = gift(200, "monthly")
    months = {
        "bank:oct": datetime.date(2026, 10, 2),
        "bank:nov": NOV_2,
        "bank:dec": datetime.date(2026, 12, 2),
    }
    done = [
        services.apply_bank_payment(intent.kid, 20_000, day, reference, superuser)
        for reference, day in months.items()
    ]
    assert done == [Result.PAID, Result.CHARGED, Result.CHARGED]
    again = [
        services.apply_bank_payment(intent.kid, 20_000, day, reference, superuser)
        for reference, day in months.items()
    ]
    assert again == [Result.ALREADY] * 3
    # Another line for a day that has its payment (another download's columns): still nothing.
    assert (
        services.apply_bank_payment(intent.kid, 20_000, NOV_2, "bank:nov-other", superuser)
        == Result.ALREADY
    )
    charges = intent.charges.order_by("due_date")
    assert [(charge.due_date, charge.status, charge.provider_reference) for charge in charges] == [
        (day, DonationCharge.Status.CHARGED, reference) for reference, day in months.items()
    ]
    assert [timezone.localdate(charge.paid_at) for charge in charges] == list(months.values())
    assert intent.events.count() == 2  # created → pending → paid; the months are charges


def test_a_standing_order_marked_paid_by_hand_is_not_counted_twice(superuser):
    intent = gift(300, "monthly")
    with time_machine.travel(datetime.datetime(2026, 10, 3, 10, tzinfo=OSLO)):
        services.mark_paid_by_staff(intent.pk, superuser)
    apply = services.apply_bank_payment
    # The payment staff saw when they marked the gift paid (booked the day before): not a month.
    oct_2 = datetime.date(2026, 10, 2)
    assert apply(intent.kid, 30_000, oct_2, "bank:oct", superuser) == Result.ALREADY
    assert apply(intent.kid, 30_000, NOV_2, "bank:nov", superuser) == Result.CHARGED
    assert intent.charges.count() == 2


@pytest.mark.parametrize("frequency", ["one_off", "monthly"])
def test_another_amount_an_unknown_kid_or_a_finished_gift_changes_nothing(superuser, frequency):
    intent = gift(500, frequency)
    apply = services.apply_bank_payment
    assert apply(intent.kid, 50_100, NOV_2, "bank:a", superuser) == Result.AMOUNT_DIFFERS
    assert apply(unused_kid(), 50_000, NOV_2, "bank:b", superuser) == Result.UNKNOWN_KID
    assert apply("", 50_000, NOV_2, "bank:c", superuser) == Result.UNKNOWN_KID
    intent.refresh_from_db()
    assert intent.status == Status.PENDING and not intent.charges.exists()
    services.transition(intent.pk, Status.EXPIRED, source=services.Source.SYSTEM)
    assert apply(intent.kid, 50_000, NOV_2, "bank:d", superuser) == Result.NOT_PENDING
    intent.refresh_from_db()
    assert intent.status == Status.EXPIRED and not intent.charges.exists()
    assert intent.email_due == ""


def test_a_paid_one_off_gift_gets_no_second_payment(superuser):
    intent = gift(500)
    services.mark_paid_by_staff(intent.pk, superuser)
    assert (
        services.apply_bank_payment(intent.kid, 50_000, NOV_2, "bank:x", superuser)
        == Result.NOT_PENDING
    )
    assert intent.charges.count() == 1


# ---------------------------------------------------------------------------------------------
# The admin view


def upload(client, data, name="kontoutskrift.csv"):
    return client.post(reverse(IMPORT_URL), {"statement": SimpleUploadedFile(name, data)})


def counts(html):
    return {key: int(value) for key, value in re.findall(r'data-count="(\w+)">(\d+)<', html)}


def results(html):
    return dict(re.findall(r'data-line="(\d+)" data-result="(\w+)"', html))


def test_staff_import_a_statement_and_see_what_each_line_did(admin_client, superuser):
    pending = gift(1000)
    monthly = gift(200, "monthly", "ola@example.no")
    services.apply_bank_payment(monthly.kid, 20_000, datetime.date(2026, 10, 2), "x", superuser)
    paid = gift(300, email="per@example.no")
    services.mark_paid_by_staff(paid.pk, superuser)
    wrong = gift(400, email="anne@example.no")
    data = cp1252_statement(
        f"02.11.2026;Giro;;;1 000,00;{pending.kid}",  # line 3: paid
        f"02.11.2026;Fast oppdrag;;;200,00;{monthly.kid}",  # 4: charged
        f"03.11.2026;Giro;;;300,00;{paid.kid}",  # 5: not pending
        f"03.11.2026;Giro;;;450,00;{wrong.kid}",  # 6: amount differs
        f"03.11.2026;Giro;;;100,00;{unused_kid()}",  # 7: unknown KID
        "04.11.2026;Husleie;;9 000,00;;",  # 8: outgoing
        "04.11.2026;Kontingent;;;200,00;",  # 9: no KID
    )
    page = admin_client.get(reverse(IMPORT_URL))
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()

    response = upload(admin_client, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert counts(html) == {
        "lines": 7,
        "paid": 1,
        "charged": 1,
        "already": 0,
        "outgoing": 1,
        "unmatched": 4,
    }
    assert results(html) == {
        "5": "not_pending",
        "6": "amount_differs",
        "7": "unknown_kid",
        "9": "unread",
    }
    assert "Kari" not in html and "ola@example.no" not in html  # no donor names or addresses
    pending.refresh_from_db()
    assert pending.status == Status.PAID and pending.email_due == "receipt"
    assert monthly.charges.count() == 2
    wrong.refresh_from_db()
    assert wrong.status == Status.PENDING

    [entry] = ModelLogEntry.objects.filter(action="donations.import_bank_statement")
    assert entry.user_id == superuser.pk
    assert entry.data == {
        "lines": 7,
        "outgoing": 1,
        "paid": 1,
        "charged": 1,
        "already": 0,
        "unknown_kid": 1,
        "amount_differs": 1,
        "not_pending": 1,
        "unread": 1,
    }
    assert "7" in str(entry.message)

    # The same file again: all recorded already, nothing changes, and it is logged too.
    html = upload(admin_client, data).content.decode()
    assert counts(html)["already"] == 2 and counts(html)["paid"] == counts(html)["charged"] == 0
    assert monthly.charges.count() == 2 and pending.charges.count() == 1
    assert ModelLogEntry.objects.filter(action="donations.import_bank_statement").count() == 2


def test_the_listing_has_the_import_button_for_those_who_may_import(admin_client, client):
    index = reverse("donation_intents:index")
    assert reverse(IMPORT_URL) in admin_client.get(index).content.decode()
    log_in(client, user_in_group("medarbeider", "view_donationintent"))
    assert reverse(IMPORT_URL) not in client.get(index).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"Dato;Bel\xc3\xb8p;KID\n",
        b"Dato;Bel\xc3\xb8p;KID\n" + b"x" * (6 * 1024 * 1024),
    ],
    ids=["empty", "binary", "headings-only", "6-mb"],
)
def test_a_bad_file_is_an_error_at_the_field_and_changes_nothing(admin_client, data):
    intent = gift()
    response = upload(admin_client, data)
    assert response.status_code == 200
    assert response.context["form"].errors["statement"]
    assert response.context["report"] is None
    intent.refresh_from_db()
    assert intent.status == Status.PENDING
    assert not ModelLogEntry.objects.filter(action="donations.import_bank_statement").exists()


def test_no_file_is_an_error_at_the_field(admin_client):
    response = admin_client.post(reverse(IMPORT_URL), {})
    assert response.status_code == 200 and response.context["form"].errors["statement"]


def test_only_staff_who_may_change_donations_can_import(client):
    intent = gift()
    data = cp1252_statement(f"02.11.2026;Giro;;;500,00;{intent.kid}")
    log_in(client, user_in_group("medarbeider", "view_donationintent"))
    # A refused personal-data page is a 403 (spero_site/admin_refusal.py), as is a script's.
    assert client.get(reverse(IMPORT_URL)).status_code == 403
    assert upload(client, data).status_code == 403
    xhr = {"headers": {"x-requested-with": "XMLHttpRequest"}}
    assert client.get(reverse(IMPORT_URL), **xhr).status_code == 403
    upload_file = {"statement": SimpleUploadedFile("k.csv", data)}
    assert client.post(reverse(IMPORT_URL), upload_file, **xhr).status_code == 403
    log_in(client, user_in_group("frivillig"))
    assert upload(client, data).status_code in (302, 403)
    intent.refresh_from_db()
    assert intent.status == Status.PENDING
    assert not ModelLogEntry.objects.filter(action="donations.import_bank_statement").exists()


def test_a_get_changes_nothing(admin_client):
    intent = gift()
    response = admin_client.get(reverse(IMPORT_URL), {"statement": intent.kid})
    assert response.status_code == 200 and response.context["report"] is None
    intent.refresh_from_db()
    assert intent.status == Status.PENDING
    assert not ModelLogEntry.objects.filter(action="donations.import_bank_statement").exists()


def test_a_user_with_the_change_permission_imports(client):
    intent = gift()
    log_in(client, user_in_group("kasserer", "change_donationintent"))
    response = upload(client, cp1252_statement(f"02.11.2026;Giro;;;500,00;{intent.kid}"))
    assert counts(response.content.decode())["paid"] == 1
    intent.refresh_from_db()
    assert intent.status == Status.PAID
