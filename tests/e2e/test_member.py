"""A person joins Spero in a real browser: chooses a kind of membership, confirms from the
e-mail with the button, and pays the fee by bank transfer (the KID on their own page, matched
when staff import the bank statement) or with Vipps through the fake Vipps on loopback; then
leaves from the same page."""

import datetime
import re

from django.contrib.auth import get_user_model
from django.core import mail

from donations import bank_statement
from donations.admin_bank import import_statement
from donations.kid import kid_is_valid
from donations.models import DonationIntent
from members.models import Membership
from tests.e2e.conftest import same_origin

CONFIRM_LINK = re.compile(r"http://[^/\s]+(/medlem/bekreft/[^\s/]+/)")


def join_and_confirm(page, email):
    page.goto("/bli-medlem/")
    page.get_by_label(re.compile("^Ordinært medlem")).check()
    page.get_by_label("Fullt navn", exact=True).fill("Kari Nordmann")
    page.get_by_role("textbox", name="E-post").fill(email)
    page.get_by_label("Postnummer", exact=True).fill("5003")
    page.get_by_role("button", name="Bli medlem").click()
    page.wait_for_load_state()
    assert page.locator("#member-consent_error").is_visible()  # the box not ticked
    page.get_by_label(re.compile("^Jeg vil bli medlem")).check()
    page.get_by_role("button", name="Bli medlem").click()
    page.wait_for_url("**/medlem/sjekk-e-posten/")
    [message] = [m for m in mail.outbox if m.to == [email]]
    page.goto(CONFIRM_LINK.search(message.body).group(1))
    page.get_by_role("button", name="Ja, jeg vil bli medlem").click()
    page.wait_for_load_state()
    assert page.locator('[data-member-status="awaiting_payment"]').is_visible()
    return Membership.objects.get(email=email)


def test_a_person_joins_and_pays_by_bank_transfer_then_leaves(page, site):
    membership = join_and_confirm(page, "kari.medlem@example.no")
    own = page.url
    page.get_by_role("button", name="Betal med bankoverføring").click()
    page.wait_for_load_state()
    kid = page.locator("[data-kid]").inner_text()
    payment = DonationIntent.objects.get()
    assert kid == payment.kid and kid_is_valid(kid) and payment.amount_ore == 30_000
    assert page.locator("[data-example-account]").is_visible()  # the demo's made-up account
    assert same_origin(page, site.url) == []

    staff = get_user_model().objects.create_user("kasserer", "k@example.org", "pw-12345")
    today = datetime.date.today()
    statement = bank_statement.parse_statement(
        f"Dato;Beskrivelse;Beløp;KID\n{today:%d.%m.%Y};Kontingent;300,00;{kid}\n".encode(),
        today=today,
    )
    import_statement(statement, staff)
    page.goto(own)
    assert page.locator('[data-member-status="active"]').is_visible()
    assert page.locator('[data-status="paid"]').is_visible()
    [receipt] = [m for m in mail.outbox if "Kvittering" in m.subject]
    assert kid in receipt.body

    page.get_by_role("link", name="Meld meg ut").click()
    page.get_by_role("button", name="Ja, meld meg ut").click()
    page.wait_for_load_state()
    assert page.locator("[data-resigned]").is_visible()
    membership.refresh_from_db()
    assert membership.status == "resigned"


def test_a_person_joins_and_pays_with_vipps(page, site, fake_vipps):
    join_and_confirm(page, "ola.medlem@example.no")
    page.get_by_role("button", name="Betal med Vipps").click()
    page.wait_for_url(f"{fake_vipps.url}/landing/**")
    page.get_by_role("button", name="Godkjenn").click()
    page.wait_for_url(re.compile(r"/medlem/[^/]+/retur/$"))
    assert page.locator('[data-member-status="active"]').is_visible()
    payment = DonationIntent.objects.get()
    assert payment.status == "paid" and payment.purpose == "membership_fee"
    assert fake_vipps.payments[str(payment.pk)]["captured"] == 30_000
