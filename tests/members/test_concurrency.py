"""The register's rules under real concurrency on PostgreSQL (tests/concurrency.py): one address
joining from several requests at once is one membership; «pay by bank transfer» pressed twice at
once is one payment with one KID; two staff marking the same fee paid at once pay it once."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from donations.models import DonationIntent
from members import services
from members.models import Membership, MembershipFee, MembershipKind
from tests.concurrency import errors_of, run_concurrently


def confirmed_member():
    kind = MembershipKind.objects.create(name="Ordinært medlem", fee_kroner=300)
    return Membership.objects.create(
        kind=kind,
        name="Kari Nordmann",
        email="kari@example.no",
        email_normalized="kari@example.no",
        postal_code="5003",
        status="confirmed",
        consent_version=1,
        consented_at=timezone.now(),
        confirmed_at=timezone.now(),
        ip_hash="0" * 64,
    )


def test_the_same_address_joining_at_once_is_one_membership(transactional_db):
    kind = MembershipKind.objects.create(name="Ordinært medlem", fee_kroner=300)
    spellings = ["kari@example.no", "Kari@Example.no", "kari+medlem@example.no", "KARI@example.no"]
    calls = [
        lambda email=email: services.join(
            services.JoinData(kind.pk, "Kari Nordmann", email, "5003"),
            consent_version=1,
            ip_hash="0" * 64,
        )
        for email in spellings * 2
    ]
    outcomes = run_concurrently(calls)
    assert errors_of(outcomes) == []
    assert list(Membership.objects.values_list("email_normalized", flat=True)) == [
        "kari@example.no"
    ]


def test_paying_by_transfer_twice_at_once_is_one_payment(transactional_db):
    membership = confirmed_member()
    outcomes = run_concurrently(
        [lambda: services.ask_for_fee(membership.pk, provider_name="manual")] * 6
    )
    assert errors_of(outcomes) == []
    assert MembershipFee.objects.count() == DonationIntent.objects.count() == 1
    assert {payment.kid for _kind, payment in outcomes} == {DonationIntent.objects.get().kid}


def test_two_staff_marking_the_fee_paid_at_once_pay_it_once(transactional_db):
    membership = confirmed_member()
    staff = get_user_model().objects.create_user("stab", "stab@example.org", "pw-12345")
    outcomes = run_concurrently([lambda: services.mark_fee_paid(membership.pk, staff)] * 4)
    errors = errors_of(outcomes)
    assert len(errors) == 3 and all(isinstance(e, services.AlreadyPaid) for e in errors)
    assert DonationIntent.objects.filter(status="paid").count() == 1
    assert services.status_of(membership) == "active"
