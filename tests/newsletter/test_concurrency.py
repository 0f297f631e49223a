"""One address is on the newsletter list once, also when it signs up from several requests at
the same moment on PostgreSQL (tests/concurrency.py): the second insert of a new address meets
the unique index and takes the first one's row instead."""

from newsletter import services
from newsletter.models import Subscriber
from tests.concurrency import errors_of, run_concurrently


def test_the_same_address_signing_up_at_once_is_one_subscriber(transactional_db):
    spellings = ["kari@example.no", "Kari@Example.no", "kari+nyhet@example.no", "KARI@example.no"]
    calls = [
        lambda email=email: services.subscribe(
            services.SubscriberData(email), consent_version=1, ip_hash="0" * 64
        )
        for email in spellings * 2
    ]
    outcomes = run_concurrently(calls)
    assert errors_of(outcomes) == []
    assert list(Subscriber.objects.values_list("email_normalized", flat=True)) == [
        "kari@example.no"
    ]
    assert {result.pk for kind, result in outcomes} == {Subscriber.objects.get().pk}
