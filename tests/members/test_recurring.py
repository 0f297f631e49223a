"""A member who pays with a yearly Vipps agreement (Recurring, where enabled): the first charge
pays this year, the agreement charges the next year's fee a year later, the status and the
yearly count follow the charges, no renewal e-mail is sent while it runs, and resigning stops
the charges."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from donations import services as donation_services
from donations.models import DonationIntent
from members import services
from members.models import MemberStatus
from tests.members.helpers import member_of
from tests.members.test_joining import joined_and_confirmed

pytestmark = pytest.mark.django_db


@pytest.fixture
def recurring(settings, fake_vipps):
    settings.VIPPS_RECURRING_ENABLED = True
    return fake_vipps


def test_the_yearly_way_is_offered_only_where_recurring_is_enabled(
    client, demo_site, fake_vipps, django_capture_on_commit_callbacks, settings
):
    ordinary = services.offered_kinds().get(name="Ordinært medlem")
    _membership, own = joined_and_confirmed(client, ordinary, django_capture_on_commit_callbacks)
    assert "vipps_yearly" not in client.get(own).content.decode()
    settings.VIPPS_RECURRING_ENABLED = True
    assert "Betal med Vipps, hvert år" in client.get(own).content.decode()


def test_a_yearly_agreement_pays_this_year_and_the_next(
    client, demo_site, recurring, django_capture_on_commit_callbacks
):
    ordinary = services.offered_kinds().get(name="Ordinært medlem")
    membership, own = joined_and_confirmed(client, ordinary, django_capture_on_commit_callbacks)
    token = services.member_token(membership)
    response = client.post(reverse("members:pay", args=[token]), {"provider": "vipps_yearly"})
    payment = DonationIntent.objects.get()
    agreement_id = payment.provider_reference
    assert response["Location"] == f"{recurring.url}/landing/agreement/{agreement_id}"
    [(_, _, _, body)] = recurring.calls_to("POST", "/recurring/v3/agreements")
    assert body["interval"] == {"unit": "YEAR", "count": 1}
    assert body["productName"] == "Medlemskontingent hvert år – Ordinært medlem"
    assert member_of(body["merchantRedirectUrl"]) == membership

    recurring.accept_agreement(agreement_id)
    html = client.get(reverse("members:returned", args=[token])).content.decode()
    assert f'data-member-status="{MemberStatus.ACTIVE}"' in html and "data-agreement" in html
    payment.refresh_from_db()
    assert (payment.status, payment.frequency, payment.purpose) == (
        "paid",
        "yearly",
        "membership_fee",
    )
    # While it runs, paying again starts nothing.
    client.post(reverse("members:pay", args=[token]), {"provider": "vipps"})
    assert DonationIntent.objects.count() == 1

    year = timezone.localdate().year
    next_due = donation_services.next_charge_date(payment)
    first_due = payment.charges.get().due_date
    assert next_due.year == year + 1 and (next_due.month, next_due.day) == (
        first_due.month,
        first_due.day,
    )
    # In January, before the charge: awaiting, not expired, and no renewal e-mail.
    with time_machine.travel(
        datetime.datetime(year + 1, 1, 10, 12, tzinfo=datetime.UTC), tick=False
    ):
        assert services.make_renewals_due() == 0
    with time_machine.travel(datetime.datetime.combine(next_due, datetime.time(12)), tick=False):
        assert services.status_of(membership) == MemberStatus.AWAITING_PAYMENT
    assert donation_services.create_due_charges(today=next_due - datetime.timedelta(days=7)) == 1
    second = payment.charges.get(due_date=next_due)
    recurring.settle_charge(second.provider_reference)
    with time_machine.travel(datetime.datetime.combine(next_due, datetime.time(12)), tick=False):
        assert donation_services.process_pending() == 1
        assert services.status_of(membership) == MemberStatus.ACTIVE
    assert services.yearly_counts() == [
        (year + 1, [("Ordinært medlem", 1)], 1),
        (year, [("Ordinært medlem", 1)], 1),
    ]

    # Leaving stops the charges.
    client.post(reverse("members:resign", args=[token]))
    payment.refresh_from_db()
    assert payment.ended_at
    third_due = donation_services.next_charge_date(payment)
    assert donation_services.create_due_charges(today=third_due) == 0


def test_leaving_through_mine_data_ends_a_yearly_agreement(
    client, demo_site, recurring, django_capture_on_commit_callbacks
):
    ordinary = services.offered_kinds().get(name="Ordinært medlem")
    membership, _own = joined_and_confirmed(client, ordinary, django_capture_on_commit_callbacks)
    token = services.member_token(membership)
    client.post(reverse("members:pay", args=[token]), {"provider": "vipps_yearly"})
    payment = DonationIntent.objects.get()
    recurring.accept_agreement(payment.provider_reference)
    client.get(reverse("members:returned", args=[token]))
    services.erase_membership(membership.pk, email_normalized=membership.email_normalized)
    payment.refresh_from_db()
    membership.refresh_from_db()
    assert payment.ended_at and membership.anonymised_at and membership.resigned_at
    assert (
        donation_services.create_due_charges(today=donation_services.next_charge_date(payment)) == 0
    )
