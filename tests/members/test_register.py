"""The member register for staff: the listing with its filters, the audited exports, «mark
paid», the yearly count of paying members per kind; January's renewal e-mails; the retention
rules; and who may see it."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry

from donations import services as donation_services
from members import services, tasks
from members.models import Membership, MembershipFee, MemberStatus
from spero_site import retention
from tests.admin_helpers import listed, log_in, user_in_group
from tests.members.helpers import MEMBER_LINK, kind, last_mail_to, link_in

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")


def member(chosen, name, email, postal_code="5003", *, confirmed=True, when=None):
    when = when or timezone.now()
    membership = Membership.objects.create(
        kind=chosen,
        name=name,
        email=email,
        email_normalized=email.lower(),
        postal_code=postal_code,
        status="confirmed" if confirmed else "unconfirmed",
        consent_version=1,
        consented_at=when,
        created_at=when,
        confirmed_at=when if confirmed else None,
        ip_hash="h",
    )
    return membership


def paid(membership, year, user):
    services.mark_fee_paid(membership.pk, user, year=year)


@pytest.fixture
def kinds(db):
    return {
        "ordinary": kind("Ordinært medlem", 300, sort_order=1),
        "support": kind("Støttemedlem", 200, has_vote=False, sort_order=2),
    }


@pytest.fixture
def register(kinds, superuser):
    """Three members: Kari (ordinary, paid last year and this), Ola (ordinary, paid last year
    only), Per (support, Trondheim, never paid)."""
    year = timezone.localdate().year
    kari = member(kinds["ordinary"], "Kari Nordmann", "kari@example.no")
    ola = member(kinds["ordinary"], "Ola Hansen", "ola@example.no")
    per = member(kinds["support"], "Per Berg", "per@example.no", "7010")
    paid(kari, year - 1, superuser)
    paid(kari, year, superuser)
    paid(ola, year - 1, superuser)
    return {"kari": kari, "ola": ola, "per": per, "year": year}


def test_the_register_filters_by_kind_status_year_and_postal_area(admin_client, register, kinds):
    index = reverse("memberships:index")
    kari, ola, per, year = (register[k] for k in ("kari", "ola", "per", "year"))
    assert listed(admin_client.get(index)) == {kari.pk, ola.pk, per.pk}
    assert listed(admin_client.get(index, {"kind": kinds["support"].pk})) == {per.pk}
    assert listed(admin_client.get(index, {"member_status": MemberStatus.ACTIVE})) == {kari.pk}
    assert listed(admin_client.get(index, {"paid_year": year - 1})) == {kari.pk, ola.pk}
    assert listed(admin_client.get(index, {"paid_year": year})) == {kari.pk}
    assert listed(admin_client.get(index, {"postal_code": "70"})) == {per.pk}
    assert listed(admin_client.get(index, {"q": "ola@"})) == {ola.pk}
    html = admin_client.get(index).content.decode()
    assert "Aktiv" in html and "Betalende medlemmer per år" in html


def test_the_export_holds_the_filtered_register_and_is_logged(admin_client, register, superuser):
    index = reverse("memberships:index")
    response = admin_client.get(index, {"export": "csv", "paid_year": register["year"] - 1})
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert sorted(row["Navn"] for row in rows) == ["Kari Nordmann", "Ola Hansen"]
    assert {row["Status"] for row in rows} <= {"Aktiv", "Venter på betaling", "Utgått"}
    xlsx = admin_client.get(index, {"export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    entries = ModelLogEntry.objects.filter(action="members.export").order_by("timestamp")
    assert [(e.data["format"], e.data["rows"]) for e in entries] == [("csv", 2), ("xlsx", 3)]
    assert entries[0].data["filters"] == {"paid_year": str(register["year"] - 1)}
    formatter = log_registry.get_formatter(entries[0])
    assert formatter.format_message(entries[0]) == "Eksporterte 2 medlemmer (CSV)"


def test_staff_mark_a_fee_paid_and_the_member_gets_a_receipt(
    admin_client, register, superuser, django_capture_on_commit_callbacks
):
    per = register["per"]
    url = reverse("memberships:mark_paid", args=[per.pk])
    assert admin_client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url).status_code == 302
    assert services.status_of(per) == MemberStatus.ACTIVE
    admin_client.post(url)  # a second click changes nothing
    assert MembershipFee.objects.filter(membership=per).count() == 1
    [receipt] = [m for m in mail.outbox if m.to == ["per@example.no"]]
    assert "200 kr" in receipt.body
    [entry] = ModelLogEntry.objects.filter(action="members.mark_paid")
    assert entry.object_id == str(per.pk) and entry.user_id == superuser.pk
    inspect = admin_client.get(reverse("memberships:inspect", args=[per.pk])).content.decode()
    assert "Støttemedlem" in inspect and "Betalt" in inspect


def test_the_yearly_count_per_kind(admin_client, register, kinds, superuser):
    year = register["year"]
    paid(register["per"], year, superuser)
    assert services.yearly_counts() == [
        (year, [("Ordinært medlem", 1), ("Støttemedlem", 1)], 2),
        (year - 1, [("Ordinært medlem", 2)], 2),
    ]
    # A member who resigns and is anonymised still counts for the years paid.
    services.erase_membership(register["kari"].pk, email_normalized="kari@example.no")
    assert services.yearly_counts()[1] == (year - 1, [("Ordinært medlem", 2)], 2)
    html = admin_client.get(reverse("members_admin:counts")).content.decode()
    assert f'data-year="{year - 1}" data-total>' in html and "Kari" not in html


def test_volunteers_and_donation_staff_see_no_member(client, register):
    editor = user_in_group("frivillig", "change_donationintent")
    log_in(client, editor)
    for url in (
        reverse("memberships:index"),
        reverse("memberships:inspect", args=[register["kari"].pk]),
        reverse("members_admin:counts"),
    ):
        assert client.get(url).status_code == 403
    assert (
        client.post(reverse("memberships:mark_paid", args=[register["per"].pk])).status_code == 403
    )
    assert not MembershipFee.objects.filter(membership=register["per"]).exists()


def test_renewal_e_mails_go_out_in_january_once_to_last_years_paying_members(
    register, django_capture_on_commit_callbacks
):
    year = register["year"]
    next_january = datetime.datetime(year + 1, 1, 2, 8, tzinfo=OSLO)
    with time_machine.travel(datetime.datetime(year, 12, 20, 8, tzinfo=OSLO), tick=False):
        assert services.make_renewals_due() == 0  # not January
    with time_machine.travel(next_january, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.make_renewals_due() == 1  # Kari paid this year; not Ola nor Per
        assert services.make_renewals_due() == 0  # once a year
    [message] = mail.outbox
    assert message.to == ["kari@example.no"]
    assert message.subject == "Tid for å fornye medlemskapet ditt i Spero foreningen"
    assert f"for {year + 1} (Ordinært medlem) er 300 kr" in message.body
    token = link_in(message, MEMBER_LINK).split("/")[2]
    assert services.membership_for(token) == register["kari"]
    with time_machine.travel(datetime.datetime(year + 2, 1, 3, 8, tzinfo=OSLO), tick=False):
        assert services.make_renewals_due() == 0  # Kari did not pay for the year asked about


def test_the_scheduler_command_makes_renewals_due(register):
    from django.core.management import call_command

    with time_machine.travel(datetime.datetime(register["year"] + 1, 1, 5, tzinfo=OSLO)):
        out = io.StringIO()
        call_command("send_membership_renewals", stdout=out)
    assert out.getvalue().startswith("1 renewal")
    assert tasks.send_due_emails.call() == 1
    assert last_mail_to("kari@example.no")


def test_retention_deletes_unconfirmed_and_anonymises_resigned_and_lapsed(kinds, superuser):
    now = timezone.now()
    year = timezone.localtime(now).year
    old = now - datetime.timedelta(days=800)
    stale = member(
        kinds["ordinary"],
        "Aldri Bekreftet",
        "a@example.no",
        confirmed=False,
        when=now - datetime.timedelta(days=8),
    )
    fresh = member(kinds["ordinary"], "Nylig", "b@example.no", confirmed=False)
    resigned_long_ago = member(kinds["ordinary"], "Gikk", "c@example.no")
    resigned_lately = member(kinds["ordinary"], "Gikk Nylig", "d@example.no")
    lapsed = member(kinds["ordinary"], "Betalte Aldri", "e@example.no", when=old)
    paying = member(kinds["ordinary"], "Betaler", "f@example.no", when=old)
    paid(paying, year - 1, superuser)
    services.resign(resigned_long_ago.pk, now=now - datetime.timedelta(days=366))
    services.resign(resigned_lately.pk, now=now - datetime.timedelta(days=10))
    paid_fee = MembershipFee.objects.get(membership=paying)

    report = {rule.name: count for rule, count, _line in retention.enforce(now=now, dry_run=True)}
    assert (
        report["unconfirmed_memberships"],
        report["resigned_members"],
        report["lapsed_members"],
    ) == (1, 1, 1)
    retention.enforce(now=now)
    assert not Membership.objects.filter(pk=stale.pk).exists()
    assert Membership.objects.filter(pk=fresh.pk).exists()
    for gone in (resigned_long_ago, lapsed):
        gone.refresh_from_db()
        assert (gone.name, gone.email, gone.email_normalized) == ("", "", "")
        assert gone.anonymised_at and gone.status == "resigned"
    for kept in (resigned_lately, paying):
        kept.refresh_from_db()
        assert kept.name and kept.anonymised_at is None
    assert MembershipFee.objects.filter(pk=paid_fee.pk).exists()
    again = {rule.name: count for rule, count, _line in retention.enforce(now=now)}
    assert (again["resigned_members"], again["lapsed_members"]) == (0, 0)


def test_a_fee_is_left_out_of_the_gift_totals(admin_client, register):
    from donations.admin_views import monthly_totals

    assert monthly_totals() == []
    fee = MembershipFee.objects.select_related("payment").first()
    assert fee.payment.purpose == "membership_fee" and fee.payment.status == "paid"
    assert listed(admin_client.get(reverse("donation_intents:index"), {"purpose": "gift"})) == set()
    gift = donation_services.create_intent(
        donation_services.DonationData(500_00, "one_off", "Giver", "g@example.no", ""),
        provider_name="manual",
    )
    assert listed(admin_client.get(reverse("donation_intents:index"), {"purpose": "gift"})) == {
        gift.pk
    }
