"""Retention of donations: gifts never paid go after DONATION_UNPAID_RETENTION_DAYS; paid gifts
lose who gave five years after the end of the year of their last payment, keeping what the
accounting law asks for."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from donations import retention, services
from donations.models import DonationCharge, DonationIntent

pytestmark = pytest.mark.django_db

Status = DonationIntent.Status
OSLO = datetime.timezone(datetime.timedelta(hours=1))


def retained(**kwargs):
    return {
        "deleted": retention.delete_unpaid(**kwargs),
        "anonymised": retention.anonymise_past_accounting_period(**kwargs),
    }


def gift(frequency="one_off", made=None):
    intent = services.create_intent(
        services.DonationData(
            amount_ore=50_000,
            frequency=frequency,
            donor_name="Kari Nordmann",
            donor_email="kari@example.no",
            message="Til minne om Per.",
        ),
        provider_name="manual",
    )
    if made:
        DonationIntent.objects.filter(pk=intent.pk).update(created_at=made)
    return intent


def paid(intent, at):
    staff = get_user_model().objects.get_or_create(username="stab")[0]
    services.mark_paid_by_staff(intent.pk, staff)
    DonationIntent.objects.filter(pk=intent.pk).update(paid_at=at)
    intent.charges.update(paid_at=at, due_date=at.date())
    return intent


def test_unpaid_gifts_are_deleted_after_ninety_days_and_paid_ones_kept():
    now = timezone.now()
    old_unpaid = gift(made=now - datetime.timedelta(days=91))
    recent_unpaid = gift(made=now - datetime.timedelta(days=89))
    old_paid = paid(
        gift(made=now - datetime.timedelta(days=400)), now - datetime.timedelta(days=399)
    )
    assert retained(now=now, dry_run=True) == {"deleted": 1, "anonymised": 0}
    assert DonationIntent.objects.count() == 3  # a dry run changes nothing
    assert retained(now=now) == {"deleted": 1, "anonymised": 0}
    assert set(DonationIntent.objects.values_list("pk", flat=True)) == {
        recent_unpaid.pk,
        old_paid.pk,
    }
    assert not DonationIntent.objects.filter(pk=old_unpaid.pk).exists()


def test_paid_gifts_lose_the_donor_five_years_after_the_end_of_the_year():
    now = datetime.datetime(2026, 12, 2, 12, tzinfo=OSLO)
    in_2020 = paid(gift(), datetime.datetime(2020, 12, 31, 20, tzinfo=OSLO))
    in_2021 = paid(gift(), datetime.datetime(2021, 1, 1, 10, tzinfo=OSLO))
    # A monthly gift that began in 2019 and was still paid in 2021 is kept for 2021's sake.
    monthly = paid(gift("monthly"), datetime.datetime(2019, 3, 1, 10, tzinfo=OSLO))
    DonationCharge.objects.create(
        intent=monthly,
        amount_ore=50_000,
        due_date=datetime.date(2021, 3, 1),
        status="charged",
        paid_at=datetime.datetime(2021, 3, 1, 10, tzinfo=OSLO),
    )
    assert retained(now=now) == {"deleted": 0, "anonymised": 1}
    in_2020.refresh_from_db()
    assert (in_2020.donor_name, in_2020.donor_email, in_2020.message) == ("", "", "")
    assert in_2020.anonymised_at == now
    assert in_2020.amount_ore == 50_000 and in_2020.kid and in_2020.status == Status.PAID
    assert in_2020.charges.get().amount_ore == 50_000
    for kept in (in_2021, monthly):
        kept.refresh_from_db()
        assert kept.donor_email == "kari@example.no" and kept.anonymised_at is None
    # A year later 2021 is out of reach too; nothing is wiped twice.
    later = retained(now=now.replace(year=2027))
    assert later == {"deleted": 0, "anonymised": 2}


def test_the_command_reports_and_dry_runs():
    gift(made=timezone.now() - datetime.timedelta(days=100))
    out = io.StringIO()
    call_command("enforce_retention", "--dry-run", stdout=out)
    assert "Would delete 1 unpaid gift(s) made before" in out.getvalue()
    assert "(90 days)" in out.getvalue()
    assert "Would anonymise 0 paid gift(s) last paid before" in out.getvalue()
    assert "Dry run: nothing was changed." in out.getvalue()
    assert DonationIntent.objects.count() == 1
    call_command("enforce_retention", stdout=io.StringIO())
    assert not DonationIntent.objects.exists()
