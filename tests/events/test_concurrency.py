"""The seat rules under real concurrency on PostgreSQL: threads with their own connections race
on one event (see tests/concurrency.py). Transactional tests, as in tests/campaigns."""

import random

from django.db.models import Sum

from events import services
from events.models import Registration
from tests.concurrency import errors_of, run_concurrently
from tests.events.conftest import person
from tests.factories import make_event

Status = Registration.Status
# Connections at once: the server allows 100, shared with other tests running in parallel.
THREADS = 40


def assert_never_overbooked(event):
    event.refresh_from_db()
    seated = event.registrations.filter(status__in=Registration.SEATED)
    taken = seated.aggregate(taken=Sum("seats"))["taken"] or 0
    assert taken <= event.capacity
    return taken


def assert_gapless_queue(event):
    waiting = list(services.queue(event))
    assert [services.queue_position(r) for r in waiting] == list(range(1, len(waiting) + 1))
    return waiting


def test_200_people_at_once_for_100_seats(transactional_db):
    event = make_event(capacity=100)
    people = [person(n) for n in range(200)]
    per_thread = len(people) // THREADS

    def register_batch(batch):
        return [services.register(event.pk, data).status for data in batch]

    outcomes = run_concurrently(
        [
            lambda batch=people[i * per_thread : (i + 1) * per_thread]: register_batch(batch)
            for i in range(THREADS)
        ]
    )
    assert errors_of(outcomes) == []
    assert event.registrations.count() == 200
    assert event.registrations.filter(status=Status.CONFIRMED).count() == 100
    assert assert_never_overbooked(event) == 100
    waiting = assert_gapless_queue(event)
    assert len(waiting) == 100
    # Nobody registered after the seats were gone was confirmed before someone who waits.
    last_confirmed = event.registrations.filter(status=Status.CONFIRMED).latest("created_at")
    assert all(r.created_at >= last_confirmed.created_at for r in waiting)


def test_register_cancel_accept_expire_and_capacity_changes_never_overbook(transactional_db):
    rng = random.Random(4)  # the interleaving varies with the threads; the mix is fixed
    event = make_event(capacity=20, max_seats_per_registration=3, offer_hold_hours=1)
    existing = [services.register(event.pk, person(n, seats=1 + n % 3)) for n in range(30)]

    def action(index, round_number):
        if index == THREADS - 1:
            # One capacity change per round, always up: lowering it leaves more seats taken
            # than there are, by design (test_services.py), which this test would call
            # overbooking.
            return lambda: services.set_capacity(event.pk, 20 + 3 * round_number)
        kind = index % 4
        if kind == 0:
            return lambda: services.register(event.pk, person(1000 + index, seats=1 + index % 3))
        if kind == 1:
            return lambda: services.cancel(rng.choice(existing))
        if kind == 2:
            return lambda: services.accept_offer(rng.choice(existing))
        return services.process_waiting_lists

    for round_number in range(1, 4):
        outcomes = run_concurrently([action(i, round_number) for i in range(THREADS)])
        # A rule may say no (cancelling what was cancelled, accepting what was not offered);
        # nothing else may go wrong.
        unexpected = [
            e
            for e in errors_of(outcomes)
            if not isinstance(e, services.NotAllowed | services.EventFull)
        ]
        assert unexpected == []
        assert_never_overbooked(event)
        assert_gapless_queue(event)
    # When the dust settles, free seats have gone to the queue as far as it can use them.
    services.process_waiting_lists()
    event.refresh_from_db()
    free = event.capacity - assert_never_overbooked(event)
    head = services.queue(event).first()
    if head is not None and head.held_since is None:
        assert all(r.seats > free for r in services.queue(event))


def test_process_waiting_lists_run_in_parallel_offers_each_seat_once(transactional_db):
    event = make_event(capacity=10)
    seated = [services.register(event.pk, person(n)) for n in range(10)]
    [services.register(event.pk, person(n)) for n in range(10, 30)]
    Registration.objects.filter(pk__in=[r.pk for r in seated[:5]]).update(
        status=Status.CANCELLED
    )  # freed behind the services' back: only process_waiting_lists gives them on
    outcomes = run_concurrently([services.process_waiting_lists for _ in range(THREADS)])
    assert errors_of(outcomes) == []
    assert sum(offered for kind, (_expired, offered) in outcomes) == 5
    assert event.registrations.filter(status=Status.OFFERED).count() == 5
    assert assert_never_overbooked(event) == 10
