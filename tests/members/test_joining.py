"""Joining Spero: the «Bli medlem» page and its form (only what the register needs, the birth
year only for a kind with an age limit), double opt-in by a POST-confirmed link, the member's own
page, paying the fee by bank transfer with a KID (matched by the bank-statement import) and by
Vipps (the fake on loopback), the status over the year, resigning, and «Mine data»."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from wagtail.models import Site

from donations import bank_statement
from donations.admin_bank import import_statement
from donations.models import DonationIntent
from donations.tax_report import tax_report
from members import services
from members.models import Membership, MembershipFee, MembershipSettings, MemberStatus
from pages.models import OrganisationSettings
from privacy import links
from tests.admin_helpers import user_in_group
from tests.members.helpers import MEMBER_LINK, join, last_mail_to, link_in, member_of

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
ADDRESS = "Kari.Nordmann@Example.no"


@pytest.fixture
def page(demo_site):
    return demo_site


@pytest.fixture
def ordinary(page):
    return services.offered_kinds().get(name="Ordinært medlem")


def joined_and_confirmed(client, kind, capture, **overrides):
    with capture(execute=True):
        assert join(client, kind, **overrides).status_code == 302
    confirmed = client.post(link_in(last_mail_to(overrides.get("email", ADDRESS))))
    assert confirmed.status_code == 302
    return Membership.objects.get(email=overrides.get("email", ADDRESS)), confirmed["Location"]


def test_the_page_shows_the_kinds_and_fees_and_asks_only_what_the_register_needs(client, page):
    response = client.get("/bli-medlem/")
    html = response.content.decode()
    assert response.status_code == 200 and not response.cookies
    assert "Ordinært medlem – 300\xa0kr i året" in html
    assert "Støttemedlem – 200\xa0kr i året" in html
    # The demo has a youth kind with an age limit, so the year is asked, and why.
    assert 'name="birth_year"' in html and "Vi spør bare om året." in html
    assert 'name="address"' not in html and "vi spør ikke om gateadressen din" in html
    assert MembershipSettings.for_site(page).consent_text in html


def test_without_a_kind_with_an_age_limit_the_birth_year_is_not_asked(client, page):
    services.offered_kinds().filter(max_age__isnull=False).update(offered=False)
    assert 'name="birth_year"' not in client.get("/bli-medlem/").content.decode()


def test_joining_confirming_and_paying_by_bank_transfer(
    client, ordinary, django_capture_on_commit_callbacks
):
    wording = MembershipSettings.for_site(Site.objects.get(is_default_site=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = join(client, ordinary, phone="41234567")
    assert response["Location"] == reverse("members:check_email")
    membership = Membership.objects.get()
    assert (membership.name, membership.email_normalized, membership.phone) == (
        "Kari Nordmann",
        "kari.nordmann@example.no",
        "412 34 567",
    )
    assert (membership.place, membership.status, membership.consent_version) == (
        "Bergen",
        "unconfirmed",
        wording.consent_version,
    )
    assert membership.ip_hash and services.status_of(membership) == MemberStatus.UNCONFIRMED
    [message] = mail.outbox
    assert message.subject == "Bekreft medlemskapet ditt i Spero foreningen"
    link = link_in(message)

    assert client.get(link).status_code == 200  # a mail scanner's visit changes nothing
    membership.refresh_from_db()
    assert membership.status == "unconfirmed"
    own = client.post(link)
    membership.refresh_from_db()
    assert membership.status == "confirmed" and membership.confirmed_at
    assert member_of(own["Location"]) == membership
    page = client.get(own["Location"])
    html = page.content.decode()
    assert page["X-Robots-Tag"] == "noindex, nofollow" and "no-cache" in page["Cache-Control"]
    assert f'data-member-status="{MemberStatus.AWAITING_PAYMENT}"' in html

    # Pay by bank transfer: the account and a KID.
    paying = client.post(
        reverse("members:pay", args=[services.member_token(membership)]), {"provider": "manual"}
    )
    assert member_of(paying["Location"]) == membership
    [fee] = MembershipFee.objects.all()
    payment = fee.payment
    assert (fee.year, fee.kind, payment.amount_ore, payment.purpose, payment.status) == (
        services.fee_year(),
        ordinary,
        30_000,
        DonationIntent.Purpose.MEMBERSHIP_FEE,
        "pending",
    )
    html = client.get(own["Location"]).content.decode()
    assert f"data-kid>{payment.kid}<" in html and "1234.56.78903" in html
    assert "data-example-account" in html
    # Asking again gives the same KID, not a second payment.
    client.post(
        reverse("members:pay", args=[services.member_token(membership)]), {"provider": "manual"}
    )
    assert MembershipFee.objects.count() == 1

    # Staff import the bank statement: the KID is matched, the year is paid, a receipt goes out.
    staff = user_in_group("kasserer", "change_donationintent")
    today = datetime.date.today()
    statement = bank_statement.parse_statement(
        (
            f"Dato;Beskrivelse;Beløp;KID\n{today:%d.%m.%Y};Kontingent Kari;300,00;{payment.kid}\n"
        ).encode(),
        today=today,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = import_statement(statement, staff)
    assert report.counts[services.donation_services.BankPayment.PAID] == 1
    assert services.status_of(membership) == MemberStatus.ACTIVE
    [receipt] = mail.outbox
    assert receipt.subject == "Kvittering for medlemskontingenten din til Spero foreningen"
    assert payment.kid in receipt.body and f"Medlemskontingent {fee.year}" in receipt.body
    assert "/medlem/" in receipt.body  # the receipt links to the member's page, not a gift's
    html = client.get(own["Location"]).content.decode()
    assert 'data-status="paid"' in html and "data-kid" not in html
    # A fee is no gift: it is not in the tax deduction report.
    assert tax_report(fee.year).rows == []


def test_paying_with_vipps(client, ordinary, fake_vipps, django_capture_on_commit_callbacks):
    membership, own = joined_and_confirmed(client, ordinary, django_capture_on_commit_callbacks)
    token = services.member_token(membership)
    response = client.post(reverse("members:pay", args=[token]), {"provider": "vipps"})
    assert response["Location"].startswith(f"{fake_vipps.url}/landing/")
    payment = DonationIntent.objects.get()
    sent = fake_vipps.payments[str(payment.pk)]
    assert sent["returnUrl"].endswith("/retur/") and member_of(sent["returnUrl"]) == membership
    assert sent["amount"] == {"currency": "NOK", "value": 30_000}
    assert payment.description == f"Medlemskontingent {services.fee_year()} – Ordinært medlem"
    fake_vipps.approve(str(payment.pk))
    back = client.get(reverse("members:returned", args=[token]))
    assert f'data-member-status="{MemberStatus.ACTIVE}"' in back.content.decode()
    assert sent["captured"] == 30_000
    # The year is paid: asking to pay again starts nothing.
    client.post(reverse("members:pay", args=[token]), {"provider": "vipps"})
    assert DonationIntent.objects.count() == 1


def test_a_way_to_pay_the_settings_do_not_offer_is_refused_at_the_page(
    client, ordinary, django_capture_on_commit_callbacks
):
    membership, own = joined_and_confirmed(client, ordinary, django_capture_on_commit_callbacks)
    token = services.member_token(membership)
    for provider in ("vipps", "cash", ""):  # Vipps is not configured here
        response = client.post(reverse("members:pay", args=[token]), {"provider": provider})
        assert response.status_code == 400
        assert "Velg en av betalingsmåtene" in response.content.decode()
    assert not DonationIntent.objects.exists()
    organisation = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
    organisation.bank_account = organisation.vipps_number = ""
    organisation.save()
    html = client.get(own).content.decode()
    assert "Kontingenten kan ikke betales på nettsiden ennå" in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"kind": ""}, "kind", "Velg en type medlemskap."),
        ({"kind": "999999"}, "kind", "Velg en av typene medlemskap som vises."),
        ({"name": "   "}, "name", "Skriv fullt navn."),
        ({"email": "kari"}, "email", "Skriv en e-postadresse som navn@eksempel.no."),
        ({"postal_code": "50"}, "postal_code", "Skriv et postnummer med fire sifre"),
        ({"phone": "123"}, "phone", "Skriv et norsk telefonnummer med åtte sifre"),
        ({"birth_year": "1700"}, "birth_year", "Skriv inn året du ble født"),
        ({"consent": ""}, "consent", "Du må samtykke før du kan bli medlem."),
    ],
)
def test_bad_input_is_told_at_its_field_and_nothing_is_saved(
    client, ordinary, overrides, field, message
):
    response = join(client, ordinary, **overrides)
    html = response.content.decode()
    assert response.status_code == 400 and message in html
    assert f'id="member-id_{field}_error"' in html or f'id="member-{field}_error"' in html
    assert not Membership.objects.exists()


def test_a_kind_with_an_age_limit_needs_a_birth_year_that_fits(client, page):
    youth = services.offered_kinds().get(name="Ungdomsmedlem")
    this_year = datetime.date.today().year
    missing = join(client, youth)
    assert "skriv inn fødselsåret ditt" in missing.content.decode()
    too_old = join(client, youth, birth_year=str(this_year - 30))
    assert too_old.status_code == 400 and "Alderen din passer ikke" in too_old.content.decode()
    assert not Membership.objects.exists()
    assert join(client, youth, birth_year=str(this_year - 20)).status_code == 302
    assert Membership.objects.get().birth_year == this_year - 20


def test_a_kind_no_longer_offered_cannot_be_chosen(client, ordinary):
    ordinary.offered = False
    ordinary.save()
    assert join(client, ordinary).status_code == 400
    assert not Membership.objects.exists()


def test_a_member_who_joins_again_is_sent_their_link_and_nothing_changes(
    client, ordinary, django_capture_on_commit_callbacks
):
    membership, own = joined_and_confirmed(client, ordinary, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    reduced = services.offered_kinds().get(name="Redusert kontingent")
    with django_capture_on_commit_callbacks(execute=True):
        response = join(client, reduced, name="Noen Andre", email="kari.nordmann+x@example.no")
    assert response["Location"] == reverse("members:check_email")  # the same as for anyone
    assert Membership.objects.count() == 1
    membership.refresh_from_db()
    assert (membership.name, membership.kind) == ("Kari Nordmann", ordinary)
    [message] = mail.outbox
    assert message.subject == "Du er allerede medlem i Spero foreningen"
    token = link_in(message, MEMBER_LINK).split("/")[2]
    assert services.membership_for(token) == membership


def test_one_not_confirmed_yet_is_updated_by_joining_again(
    client, ordinary, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        join(client, ordinary)
    with django_capture_on_commit_callbacks(execute=True):
        join(client, ordinary, name="Kari Olsen", postal_code="7010")
    membership = Membership.objects.get()
    assert (membership.name, membership.place) == ("Kari Olsen", "Trondheim")
    assert len(mail.outbox) == 2


def test_the_status_follows_the_fees_and_the_grace_period(
    client, ordinary, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime.datetime(2026, 5, 2, 12, tzinfo=OSLO), tick=False):
        membership, _own = joined_and_confirmed(
            client, ordinary, django_capture_on_commit_callbacks
        )
        assert services.status_of(membership) == MemberStatus.AWAITING_PAYMENT
    with time_machine.travel(datetime.datetime(2026, 9, 1, 12, tzinfo=OSLO), tick=False):
        # 90 days after joining without paying.
        assert services.status_of(membership) == MemberStatus.EXPIRED
        staff = user_in_group("kasserer", "change_donationintent")
        services.mark_fee_paid(membership.pk, staff)
        assert services.status_of(membership) == MemberStatus.ACTIVE
        with pytest.raises(services.AlreadyPaid):
            services.mark_fee_paid(membership.pk, staff)
    with time_machine.travel(datetime.datetime(2027, 3, 1, 12, tzinfo=OSLO), tick=False):
        assert services.status_of(membership) == MemberStatus.AWAITING_PAYMENT
    with time_machine.travel(datetime.datetime(2027, 4, 2, 12, tzinfo=OSLO), tick=False):
        assert services.status_of(membership) == MemberStatus.EXPIRED


def test_resigning_from_the_own_page(client, ordinary, django_capture_on_commit_callbacks):
    membership, own = joined_and_confirmed(client, ordinary, django_capture_on_commit_callbacks)
    resign = own + "meld-ut/"  # the page links with its own key
    assert resign in client.get(own).content.decode()
    assert client.get(resign).status_code == 200
    membership.refresh_from_db()
    assert membership.status == "confirmed"
    done = client.post(resign)
    assert "data-resigned" in done.content.decode()
    membership.refresh_from_db()
    assert membership.status == "resigned" and membership.resigned_at
    assert f'data-member-status="{MemberStatus.RESIGNED}"' in client.get(own).content.decode()
    # Resigned, one may join again with the same address.
    assert join(client, ordinary).status_code == 302
    assert Membership.objects.count() == 2


def test_forged_links_show_a_page_and_change_nothing(client, ordinary):
    for name in ("members:confirm", "members:own", "members:resign", "members:returned"):
        assert client.get(reverse(name, args=["forged"])).status_code in (200, 404)
        assert client.post(reverse(name, args=["forged"])).status_code in (400, 403, 404, 405)
    assert (
        client.post(reverse("members:pay", args=["forged"]), {"provider": "manual"}).status_code
        == 404
    )
    assert not Membership.objects.exists()


def test_mine_data_lists_the_membership_and_leaving_anonymises_it(
    client, ordinary, django_capture_on_commit_callbacks
):
    membership, _own = joined_and_confirmed(client, ordinary, django_capture_on_commit_callbacks)
    client.post(
        reverse("members:pay", args=[services.member_token(membership)]), {"provider": "manual"}
    )
    token = links.make_token(links.Identity.of("kari.nordmann@example.no"))
    html = client.get(reverse("privacy:data", args=[token])).content.decode()
    assert 'data-record="membership"' in html and "Medlemskontingent på 300 kr" in html
    data = client.get(reverse("privacy:download", args=[token])).json()
    [exported] = data["memberships"]
    assert (exported["kind"], exported["status"], exported["postal_code"]) == (
        "Ordinært medlem",
        MemberStatus.AWAITING_PAYMENT,
        "5003",
    )
    assert data["donations"][0]["purpose"] == "membership_fee"
    client.post(reverse("privacy:erase_membership", args=[token, membership.pk]))
    membership.refresh_from_db()
    assert (membership.name, membership.email, membership.status) == ("", "", "resigned")
    assert membership.anonymised_at and membership.postal_code == "5003"
    assert (
        client.post(reverse("privacy:erase_membership", args=[token, membership.pk])).status_code
        == 404
    )
