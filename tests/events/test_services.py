"""Every status transition of a registration and the waiting list's rules, through
events.services (docs/events.md)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from events import services, tasks
from events.models import Registration
from tests.events.conftest import person
from tests.factories import make_event

pytestmark = pytest.mark.django_db

Status = Registration.Status


def fill(event, count, start=1, **kwargs):
    return [services.register(event.pk, person(n, **kwargs)) for n in range(start, start + count)]


def statuses(event):
    return {r.name: r.status for r in event.registrations.all()}


def refreshed(registration):
    registration.refresh_from_db()
    return registration


def test_free_seats_confirm_at_once(event):
    registration = services.register(event.pk, person(1, seats=1))
    assert registration.status == Status.CONFIRMED
    assert registration.confirmed_at == registration.created_at
    assert registration.consent_version == event.consent_version
    assert registration.email_normalized == "deltaker.1@example.no"
    assert services.seats_taken(event) == 1


def test_a_full_event_puts_people_on_the_waiting_list_in_order(event):
    fill(event, 10)
    waiting = fill(event, 3, start=11)
    assert [r.status for r in waiting] == [Status.WAITING] * 3
    assert [services.queue_position(r) for r in waiting] == [1, 2, 3]
    assert services.seats_taken(event) == 10


def test_without_a_waiting_list_a_full_event_says_so(db):
    event = make_event(capacity=1, waiting_list=False)
    services.register(event.pk, person(1))
    with pytest.raises(services.EventFull):
        services.register(event.pk, person(2))
    assert event.registrations.count() == 1


def test_registration_is_closed_before_it_opens_after_the_deadline_and_after_the_event(db):
    now = timezone.now()
    not_yet = make_event(registration_opens_at=now + datetime.timedelta(days=1))
    past_deadline = make_event(registration_closes_at=now - datetime.timedelta(minutes=1))
    over = make_event(
        starts_at=now - datetime.timedelta(days=2),
        registration_opens_at=now - datetime.timedelta(days=9),
        registration_closes_at=now - datetime.timedelta(days=3),
    )
    for event in (not_yet, past_deadline, over):
        with pytest.raises(services.RegistrationClosed):
            services.register(event.pk, person(1))
        assert not event.registrations.exists()


def test_more_seats_than_allowed_are_refused(db):
    event = make_event(max_seats_per_registration=2)
    with pytest.raises(services.TooManySeats):
        services.register(event.pk, person(1, seats=3))
    assert services.register(event.pk, person(1, seats=2)).seats == 2


def test_the_same_address_again_makes_no_second_entry_and_reminds_at_most_once_per_interval(
    event,
):
    first = services.register(event.pk, person(1))
    first.email_due = ""
    first.save()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        again = services.register(event.pk, person(1, email=" DELTAKER.1+konf@Example.NO "))
    assert again.pk == first.pk
    assert refreshed(first).email_due == Registration.Email.REPEAT
    first.email_due = ""
    first.save()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=12)):
        services.register(event.pk, person(1))
    assert refreshed(first).email_due == ""  # one reminder per interval
    assert event.registrations.count() == 1


def test_after_cancelling_the_same_address_may_register_again(event):
    first = services.register(event.pk, person(1))
    services.cancel(first)
    second = services.register(event.pk, person(1))
    assert second.pk != first.pk and second.status == Status.CONFIRMED


def test_a_cancelled_seat_is_offered_to_the_next_in_line(event):
    seated = fill(event, 10)
    first, second = fill(event, 2, start=11)
    services.cancel(seated[0])
    assert refreshed(seated[0]).status == Status.CANCELLED
    first = refreshed(first)
    assert first.status == Status.OFFERED
    assert first.email_due == Registration.Email.OFFER
    assert first.offer_expires_at == first.offered_at + datetime.timedelta(hours=48)
    assert refreshed(second).status == Status.WAITING
    assert services.queue_position(refreshed(second)) == 1
    # The offer holds the seat: the event is still full to a newcomer.
    assert services.register(event.pk, person(99)).status == Status.WAITING


def test_accepting_an_offer_confirms(event):
    seated = fill(event, 10)
    [waiting] = fill(event, 1, start=11)
    services.cancel(seated[3])
    accepted = services.accept_offer(waiting)
    assert accepted.status == Status.CONFIRMED
    assert accepted.email_due == Registration.Email.CONFIRMED
    assert services.seats_taken(event) == 10
    with pytest.raises(services.NotAllowed):
        services.accept_offer(waiting)  # twice


def test_an_offer_expires_with_a_frozen_clock_and_the_next_is_offered(event):
    seated = fill(event, 10)
    first, second = fill(event, 2, start=11)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        services.cancel(seated[0])
    expires = refreshed(first).offer_expires_at
    with time_machine.travel(expires - datetime.timedelta(seconds=1), tick=False):
        assert services.process_waiting_lists() == (0, 0)
    with time_machine.travel(expires, tick=False):
        assert services.process_waiting_lists() == (1, 1)
        assert services.process_waiting_lists() == (0, 0)  # nothing more is due
    first, second = refreshed(first), refreshed(second)
    assert first.status == Status.EXPIRED
    assert first.email_due == Registration.Email.OFFER_EXPIRED
    assert second.status == Status.OFFERED


def test_accepting_too_late_expires_the_offer_and_moves_on(event):
    seated = fill(event, 10)
    first, second = fill(event, 2, start=11)
    services.cancel(seated[0])
    with (
        time_machine.travel(refreshed(first).offer_expires_at, tick=False),
        pytest.raises(services.NotAllowed),
    ):
        services.accept_offer(first)
    assert refreshed(first).status == Status.EXPIRED
    assert refreshed(second).status == Status.OFFERED


def test_an_offer_never_runs_past_the_start_of_the_event(db):
    now = timezone.now()
    event = make_event(
        capacity=1,
        starts_at=now + datetime.timedelta(hours=5),
        registration_closes_at=now + datetime.timedelta(hours=1),
    )
    [seated, waiting] = fill(event, 2)
    services.cancel(seated)
    assert refreshed(waiting).offer_expires_at == event.starts_at


def test_nothing_moves_once_the_event_has_started(db):
    now = timezone.now()
    event = make_event(
        capacity=1,
        starts_at=now + datetime.timedelta(hours=5),
        registration_closes_at=now + datetime.timedelta(hours=1),
    )
    [seated, waiting] = fill(event, 2)
    with time_machine.travel(event.starts_at, tick=False):
        with pytest.raises(services.NotAllowed):
            services.cancel(seated)
        assert services.process_waiting_lists() == (0, 0)
    assert refreshed(waiting).status == Status.WAITING


def test_leaving_the_waiting_list_moves_those_behind_up(event):
    fill(event, 10)
    first, second, third = fill(event, 3, start=11)
    services.cancel(first)
    assert refreshed(first).status == Status.CANCELLED
    assert services.queue_position(refreshed(second)) == 1
    assert services.queue_position(refreshed(third)) == 2
    with pytest.raises(services.NotAllowed):
        services.cancel(first)


def test_raising_capacity_offers_the_new_seats_in_order(event):
    fill(event, 10)
    waiting = fill(event, 4, start=11)
    assert services.set_capacity(event.pk, 12) == 2
    assert [refreshed(r).status for r in waiting] == [Status.OFFERED] * 2 + [Status.WAITING] * 2


def test_lowering_capacity_takes_no_seat_and_gives_none_on(event):
    seated = fill(event, 10)
    [waiting] = fill(event, 1, start=11)
    services.set_capacity(event.pk, 8)
    assert all(refreshed(r).status == Status.CONFIRMED for r in seated)
    services.cancel(seated[0])
    assert refreshed(waiting).status == Status.WAITING  # 9 seats taken of 8
    services.cancel(seated[1])
    services.cancel(seated[2])
    assert refreshed(waiting).status == Status.OFFERED  # 7 taken of 8: one free


class TestGroups:
    """A group first in line is kept the free seats for the hold period, then those behind it
    that fit take them, and the group keeps its place (docs/events.md)."""

    @pytest.fixture
    def event(self, db):
        return make_event(capacity=4, max_seats_per_registration=4, offer_hold_hours=48)

    def test_the_free_seats_are_kept_for_a_group_first_in_line(self, event):
        seated = fill(event, 4)
        group = services.register(event.pk, person(10, seats=3))
        single = services.register(event.pk, person(11))
        services.cancel(seated[0])
        assert refreshed(group).held_since is not None
        assert refreshed(single).status == Status.WAITING  # the seat is kept for the group
        services.cancel(seated[1])
        services.cancel(seated[2])
        group = refreshed(group)
        assert group.status == Status.OFFERED and group.held_since is None
        assert refreshed(single).status == Status.WAITING

    def test_after_the_hold_those_behind_that_fit_take_the_kept_seats(self, event):
        seated = fill(event, 4)
        group = services.register(event.pk, person(10, seats=3))
        single = services.register(event.pk, person(11))
        pair = services.register(event.pk, person(12, seats=2))
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            services.cancel(seated[0])
        with time_machine.travel(start + datetime.timedelta(hours=47), tick=False):
            assert services.process_waiting_lists() == (0, 0)
        with time_machine.travel(start + datetime.timedelta(hours=48), tick=False):
            assert services.process_waiting_lists() == (0, 1)
        assert refreshed(single).status == Status.OFFERED
        assert refreshed(pair).status == Status.WAITING  # needs two; one was free
        group = refreshed(group)
        assert group.status == Status.WAITING and services.queue_position(group) == 1
        # The next seats to free up are kept for the group again.
        with time_machine.travel(start + datetime.timedelta(hours=49), tick=False):
            services.cancel(seated[1])
        assert refreshed(group).held_since is not None
        assert refreshed(pair).status == Status.WAITING

    def test_a_newcomer_does_not_jump_a_queue_whose_head_is_kept_seats(self, event):
        seated = fill(event, 4)
        services.register(event.pk, person(10, seats=4))
        services.cancel(seated[0])
        newcomer = services.register(event.pk, person(11))
        assert newcomer.status == Status.WAITING


def test_staff_offer_out_of_turn_only_with_free_seats(db):
    event = make_event(capacity=2, max_seats_per_registration=2)
    seated = fill(event, 2)
    services.register(event.pk, person(10, seats=2))
    single = services.register(event.pk, person(11))
    with pytest.raises(services.NoSeatsFree):
        services.offer_now(single)
    services.cancel(seated[0])  # one seat free, kept for the group first in line
    assert refreshed(single).status == Status.WAITING
    offered = services.offer_now(single)
    assert offered.status == Status.OFFERED and offered.email_due == Registration.Email.OFFER
    with pytest.raises(services.NotAllowed):
        services.offer_now(single)


def test_staff_confirm_an_offer_or_a_waiting_registration_with_free_seats(event):
    seated = fill(event, 10)
    first, second = fill(event, 2, start=11)
    with pytest.raises(services.NoSeatsFree):
        services.confirm(first)
    services.cancel(seated[0])
    assert services.confirm(refreshed(first)).status == Status.CONFIRMED
    with pytest.raises(services.NotAllowed):
        services.confirm(first)
    assert services.seats_taken(event) == 10


def test_priority_moves_someone_up_the_queue(event):
    fill(event, 10)
    first, second, third = fill(event, 3, start=11)
    services.set_priority(third, 5)
    assert [services.queue_position(refreshed(r)) for r in (third, first, second)] == [1, 2, 3]


def test_anonymisation_after_the_retention_period_keeps_the_numbers(db):
    now = timezone.now()
    past = make_event(
        capacity=2,
        starts_at=now - datetime.timedelta(days=100),
        registration_opens_at=now - datetime.timedelta(days=130),
        registration_closes_at=now - datetime.timedelta(days=101),
    )
    recent = make_event(
        starts_at=now - datetime.timedelta(days=10),
        registration_opens_at=now - datetime.timedelta(days=30),
        registration_closes_at=now - datetime.timedelta(days=11),
    )
    for event, when in ((past, now - datetime.timedelta(days=120)), (recent, now)):
        with time_machine.travel(when - datetime.timedelta(days=15 if event is recent else 0)):
            fill(event, 3, phone="412 34 567", dietary_needs="Vegan")
    assert services.anonymise_past_registrations(90) == 3
    assert services.anonymise_past_registrations(90) == 0
    wiped = list(past.registrations.all())
    assert all(r.name == r.email == r.phone == r.dietary_needs == "" for r in wiped)
    assert all(r.anonymised_at for r in wiped)
    assert services.seats_taken(past) == 2 and services.queue(past).count() == 1
    assert all(r.email for r in recent.registrations.all())


def test_every_email_tells_the_status_as_it_is(event, settings):
    seated = fill(event, 10)
    [waiting] = fill(event, 1, start=11)
    tasks.send_due_emails.call()
    subjects = [m.subject for m in mail.outbox]
    assert subjects.count(f"Du har plass: {event.title}") == 10
    assert f"Du står på venteliste: {event.title}" in subjects
    mail.outbox.clear()
    services.cancel(seated[0])
    tasks.send_due_emails.call()
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address[seated[0].email].subject == f"Du er meldt av: {event.title}"
    assert by_address[waiting.email].subject == f"En plass er din hvis du vil ha den: {event.title}"
    assert "Vi holder av plassen til deg til" in by_address[waiting.email].body
    assert not Registration.objects.exclude(email_due="").exists()


def test_the_commands_run_the_rules(db, settings):
    import io

    from django.core.management import call_command

    now = timezone.now()
    past = make_event(
        capacity=1,
        starts_at=now - datetime.timedelta(days=40),
        registration_opens_at=now - datetime.timedelta(days=60),
        registration_closes_at=now - datetime.timedelta(days=41),
    )
    with time_machine.travel(now - datetime.timedelta(days=50)):
        fill(past, 1)
    event = make_event(capacity=1)
    [seated, waiting] = fill(event, 2)
    Registration.objects.filter(pk=seated.pk).update(status=Status.CANCELLED)

    out = io.StringIO()
    call_command("process_waiting_lists", stdout=out)
    assert out.getvalue().strip() == "Expired 0 offer(s); offered 1 seat(s)."
    assert refreshed(waiting).status == Status.OFFERED

    settings.EVENT_REGISTRATION_RETENTION_DAYS = 30
    out = io.StringIO()
    call_command("enforce_retention", "--dry-run", stdout=out)
    assert "Would anonymise 1 registration(s) of events that ended before" in out.getvalue()
    assert past.registrations.get().name
    out = io.StringIO()
    call_command("enforce_retention", stdout=out)
    assert "Anonymised 1 registration(s) of events that ended before" in out.getvalue()
    assert "(30 days)" in out.getvalue()
    assert past.registrations.get().name == ""
    assert all(r.name for r in event.registrations.all())
