"""The opprop's rules under real concurrency: many threads, each with its own PostgreSQL
connection, racing on the same rows. The per-test database transaction of ordinary tests would
hide every race (one connection, nothing committed), so these tests are transactional.

The server must allow about 50 more connections than it has in use (one per thread); a thread
waits a while for one when the server is full.

A transactional test ends by emptying every table, which takes away what Wagtail's migrations
left (locale, root page, default Site, root Collection); tests/conftest.py puts it back after each.
"""

from django.core import mail

from campaigns import services
from campaigns.models import Petition, Signature
from tests.concurrency import errors_of, run_concurrently
from tests.migrations_data import assert_migrations_data


def make_unconfirmed(petition, count, prefix="signer"):
    """`count` unconfirmed signatures taken by services.sign, as the sign view takes them."""
    for index in range(count):
        services.sign(
            petition.slug,
            services.SignatureData(
                full_name=f"Signer Nummer {index}",
                email=f"{prefix}.{index}@example.no",
                postal_code="5003",
                show_publicly=index % 2 == 0,
                comment="",
            ),
            ip_hash=f"hash-{index}",
        )
    signatures = list(
        Signature.objects.filter(petition=petition, email__startswith=f"{prefix}.").order_by("pk")
    )
    assert len(signatures) == count
    assert {s.status for s in signatures} == {Signature.Status.UNCONFIRMED}
    return signatures


def count_of(petition):
    return Petition.objects.values_list("signature_count", flat=True).get(pk=petition.pk)


def test_distinct_confirmations_at_once_each_count_once(
    transactional_db,
    petition,
):
    signatures = make_unconfirmed(petition, 50)
    tokens = [services.confirm_token(signature) for signature in signatures]

    outcomes = run_concurrently([lambda token=token: services.confirm(token) for token in tokens])

    assert errors_of(outcomes) == []
    assert count_of(petition) == 50
    assert services.recount(petition) == 50
    assert set(Signature.objects.filter(petition=petition).values_list("status", flat=True)) == {
        Signature.Status.CONFIRMED
    }


def test_one_link_used_by_many_at_once_counts_once(
    transactional_db,
    petition,
):
    (signature,) = make_unconfirmed(petition, 1)
    token = services.confirm_token(signature)

    outcomes = run_concurrently([lambda: services.confirm(token) for _ in range(20)])

    # Every click gets the same answer: the signature, confirmed.
    assert errors_of(outcomes) == []
    assert {result.pk for _, result in outcomes} == {signature.pk}
    assert {result.status for _, result in outcomes} == {Signature.Status.CONFIRMED}
    assert count_of(petition) == 1
    assert services.recount(petition) == 1


def test_withdraw_racing_confirm_never_miscounts(
    transactional_db,
    petition,
):
    # Raced: two confirm and two withdraw clicks at once on each signature, half of them
    # confirmed beforehand. Kept: only confirmed, in the same burst, and must stay counted.
    raced = make_unconfirmed(petition, 10, prefix="raced")
    kept = make_unconfirmed(petition, 5, prefix="kept")
    for signature in raced[:5]:
        services.confirm(services.confirm_token(signature))
    assert count_of(petition) == 5

    calls = []
    for signature in raced:
        confirm, withdraw = services.confirm_token(signature), services.withdraw_token(signature)
        calls += [lambda token=confirm: services.confirm(token)] * 2
        calls += [lambda token=withdraw: services.withdraw(token)] * 2
    for signature in kept:
        confirm = services.confirm_token(signature)
        calls.append(lambda token=confirm: services.confirm(token))

    outcomes = run_concurrently(calls)

    # A confirm that comes after the withdrawal is refused as a dead link; nothing else fails
    # (a count driven below zero would fail the CHECK on the column and show up here).
    unexpected = [e for e in errors_of(outcomes) if not isinstance(e, services.InvalidLink)]
    assert unexpected == []
    statuses = dict(
        Signature.objects.filter(petition=petition).values_list("pk", "status").order_by("pk")
    )
    assert {statuses[s.pk] for s in raced} == {Signature.Status.WITHDRAWN}
    assert {statuses[s.pk] for s in kept} == {Signature.Status.CONFIRMED}
    assert count_of(petition) == 5
    assert services.recount(petition) == 5


def test_same_email_signing_at_once_makes_one_signature(
    transactional_db,
    petition,
):
    # One mailbox, written in ways that normalise to the same address.
    spellings = [
        "Kari.Nordmann@Example.no",
        "kari.nordmann@example.no",
        "kari.nordmann+opprop@example.no",
    ]

    def sign(index):
        services.sign(
            petition.slug,
            services.SignatureData(
                full_name="Kari Nordmann",
                email=spellings[index % len(spellings)],
                postal_code="5003",
                show_publicly=False,
                comment="",
            ),
            ip_hash="same-household",
        )

    outcomes = run_concurrently([lambda index=index: sign(index) for index in range(30)])

    assert errors_of(outcomes) == []
    signatures = list(Signature.objects.filter(petition=petition))
    assert len(signatures) == 1
    assert signatures[0].email_normalized == "kari.nordmann@example.no"
    assert signatures[0].status == Signature.Status.UNCONFIRMED
    # The repeats inside the resend interval send nothing more.
    assert len(mail.outbox) == 1
    assert count_of(petition) == 0


def test_database_is_back_to_migrations_data(transactional_db):
    # Runs after the transactional tests above (they keep their file order) and sees what they
    # left behind: nothing is loaded before this one.
    assert_migrations_data()
