"""Staff acting on one conference registration in the Wagtail admin (offer, confirm, cancel,
priority), who may see and do what with registrations, and an event's edit: more seats going to
the waiting list, and the links from an event to its registrations."""

import re

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from events import services
from events.models import Registration
from tests.admin_helpers import log_in, user_in_group
from tests.events.conftest import fill, person, refreshed
from tests.events.registrations_admin import (
    INDEX,
    act,
    csv_rows,
    export,
    manage_url,
    registration_entries,
)
from tests.factories import make_event

pytestmark = pytest.mark.django_db

Status = Registration.Status


# --- acting on one registration -------------------------------------------------------------


@pytest.fixture
def single_behind_a_group(db):
    """Two seats; a group of two first in line holds the one free seat, and a single waits
    behind it (the queue cannot give the seat to the single yet)."""
    event = make_event(capacity=2, max_seats_per_registration=2)
    seated = fill(event, 2)
    services.register(event.pk, person(10, seats=2))
    single = services.register(event.pk, person(11, name="Ola Enslig"))
    services.cancel(seated[0])
    assert refreshed(single).status == Status.WAITING
    return single


def test_the_manage_page_shows_the_registration(admin_client, queue):
    registration = queue["waiting"][0]  # Deltaker 11, behind Deltaker 13
    response = admin_client.get(manage_url(registration))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Deltaker 11" in html and "deltaker.11@example.no" in html
    assert "På venteliste (nummer 2 i køen)" in html
    assert "<dd>0 / 10</dd>" in html  # seats free at the event
    assert 'value="offer"' in html and 'value="cancel"' in html


def test_staff_offer_a_seat_out_of_turn(admin_client, single_behind_a_group, superuser):
    html = act(admin_client, single_behind_a_group, "offer")
    assert "Ferdig. Personen får beskjed på e-post." in html
    single = refreshed(single_behind_a_group)
    assert single.status == Status.OFFERED
    assert single.email_due == Registration.Email.OFFER
    entry = registration_entries(single).get()
    assert entry.action == "events.offer"
    assert entry.content_type.model_class() is Registration
    assert entry.user == superuser


def test_staff_cannot_offer_when_no_seat_is_free(admin_client, queue):
    waiting = queue["waiting"][0]
    html = act(admin_client, waiting, "offer")
    assert "Det er ikke nok ledige plasser til denne påmeldingen." in html
    assert refreshed(waiting).status == Status.WAITING
    assert not registration_entries(waiting).exists()


def test_staff_confirm_a_waiting_registration(admin_client, single_behind_a_group, superuser):
    act(admin_client, single_behind_a_group, "confirm")
    single = refreshed(single_behind_a_group)
    assert single.status == Status.CONFIRMED and single.confirmed_at is not None
    entry = registration_entries(single).get()
    assert (entry.action, entry.user) == ("events.confirm", superuser)


def test_staff_cancel_once_and_the_seat_goes_to_the_queue(admin_client, queue, superuser):
    seated = queue["seated"][0]
    act(admin_client, seated, "cancel")
    assert refreshed(seated).status == Status.CANCELLED
    # Deltaker 13 is first in line and is offered the freed seat.
    assert refreshed(queue["waiting"][2]).status == Status.OFFERED
    entry = registration_entries(seated).get()
    assert (entry.action, entry.user) == ("events.cancel", superuser)

    html = act(admin_client, seated, "cancel")
    assert "Det kan ikke gjøres med denne påmeldingen nå." in html
    assert "Ferdig." not in html
    assert registration_entries(seated).count() == 1


def test_staff_change_the_priority(admin_client, queue, superuser):
    last = queue["waiting"][1]  # Deltaker 12, third in line
    html = act(admin_client, last, "priority", priority="5")
    assert "Prioriteten er endret." in html
    last = refreshed(last)
    # Level with Deltaker 13, and registered before: first in line.
    assert last.priority == 5 and services.queue_position(last) == 1
    entry = registration_entries(last).get()
    assert (entry.action, entry.user, entry.data) == ("events.priority", superuser, {"priority": 5})


@pytest.mark.parametrize("priority", ["abc", "1001"])
def test_an_invalid_priority_is_a_form_error_and_changes_nothing(admin_client, queue, priority):
    waiting = queue["waiting"][0]
    response = admin_client.post(manage_url(waiting), {"action": "priority", "priority": priority})
    assert response.status_code == 200
    assert response.context["priority_form"].errors["priority"]
    assert refreshed(waiting).priority == 0
    assert not registration_entries(waiting).exists()


# --- permissions ----------------------------------------------------------------------------


def staff_urls(event, registration):
    index = reverse(INDEX)
    manage = manage_url(registration)
    return [
        ("get", index, {}),
        ("get", reverse("registrations:index_results"), {}),
        ("get", index, {"list": "waiting", "export": "csv"}),
        ("get", index, {"list": "participants", "export": "xlsx"}),
        ("get", manage, {}),
        ("post", manage, {"action": "cancel"}),
        ("post", manage, {"action": "priority", "priority": "7"}),
        ("get", reverse("registrations:print", args=[event.pk]), {}),
    ]


def assert_refused(client, method, url, data=None):
    """A refused personal-data page is a 403 (spero_site/admin_refusal.py), for a page and a
    script request alike; neither holds anyone's details."""
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 403, (method, url)
    assert b"Deltaker" not in response.content and b"@example.no" not in response.content
    ajax = {"x-requested-with": "XMLHttpRequest"}
    response = getattr(client, method)(url, data or {}, headers=ajax)
    assert response.status_code == 403, (method, url)
    assert b"Deltaker" not in response.content and b"@example.no" not in response.content


def test_a_user_without_registration_permissions_reaches_and_sees_nothing(client, event, queue):
    log_in(client, user_in_group("frivillig"))
    waiting = queue["waiting"][0]
    for method, url, data in staff_urls(event, waiting):
        assert_refused(client, method, url, data)
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    html = home.content.decode()
    assert "upcoming-events" not in html
    assert reverse(INDEX) not in html
    assert not ModelLogEntry.objects.filter(action__startswith="events.").exists()
    waiting = refreshed(waiting)
    assert (waiting.status, waiting.priority) == (Status.WAITING, 0)


def test_view_permission_lists_exports_and_prints_but_does_not_act(client, event, queue):
    log_in(client, user_in_group("medarbeider", "view_registration"))
    assert "Deltaker 11" in client.get(reverse(INDEX)).content.decode()
    _, rows = csv_rows(export(client, "waiting", "csv", event=event.pk))
    assert len(rows) == 3
    print_page = client.get(reverse("registrations:print", args=[event.pk]))
    assert print_page.status_code == 200
    assert "Deltaker 1<" in print_page.content.decode()
    assert 'id="upcoming-events' in client.get(reverse("wagtailadmin_home")).content.decode()

    waiting = queue["waiting"][0]
    assert_refused(client, "post", manage_url(waiting), {"action": "cancel"})
    assert_refused(client, "post", manage_url(waiting), {"action": "priority", "priority": "7"})
    waiting = refreshed(waiting)
    assert (waiting.status, waiting.priority) == (Status.WAITING, 0)
    assert not registration_entries(waiting).exists()


def test_change_permission_acts(client, queue):
    user = user_in_group("koordinator", "change_registration")
    log_in(client, user)
    waiting = queue["waiting"][0]
    assert client.get(manage_url(waiting)).status_code == 200
    act(client, waiting, "cancel")
    assert refreshed(waiting).status == Status.CANCELLED
    assert registration_entries(waiting).get().user == user
    assert client.get(reverse(INDEX)).status_code == 200


# --- editing an event -----------------------------------------------------------------------


def test_raising_the_capacity_in_the_admin_offers_the_new_seats_at_once(admin_client, event):
    fill(event, 10)
    first, second, third = fill(event, 3, start=11)
    edit_url = reverse("wagtailsnippets_events_event:edit", args=[event.pk])
    form = admin_client.get(edit_url).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        widget_data = (
            field.widget.format_value(value) if hasattr(field.widget, "format_value") else value
        )
        data[name] = "" if widget_data is None else widget_data
    data["capacity"] = "12"
    response = admin_client.post(edit_url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    event.refresh_from_db()
    assert event.capacity == 12
    assert [refreshed(r).status for r in (first, second, third)] == [
        Status.OFFERED,
        Status.OFFERED,
        Status.WAITING,
    ]
    assert refreshed(first).offer_expires_at is not None


def event_admin_links(client, event):
    """The registration links of an event's row in «Arrangementer» and of its edit page."""
    listing = client.get(reverse("wagtailsnippets_events_event:list"))
    edit = client.get(reverse("wagtailsnippets_events_event:edit", args=[event.pk]))
    assert listing.status_code == edit.status_code == 200
    index = reverse(INDEX)
    pattern = rf'href="((?:{index}|{reverse("registrations:print", args=[event.pk])})[^"]*)"'
    return [
        sorted({href.replace("&amp;", "&") for href in re.findall(pattern, page.content.decode())})
        for page in (listing, edit)
    ]


def test_an_events_row_and_edit_page_lead_staff_to_its_registrations(client, event):
    fill(event, 2)
    staff = user_in_group(
        "stab", "change_event", "view_event", "view_registration", "change_registration"
    )
    on_row, on_edit = event_admin_links(log_in(client, staff), event)
    index, printed = reverse(INDEX), reverse("registrations:print", args=[event.pk])
    expected = sorted(
        [
            f"{index}?event={event.pk}&status=confirmed",
            f"{index}?event={event.pk}&status=waiting",
            f"{index}?event={event.pk}&list=participants&export=xlsx",
            f"{index}?event={event.pk}&list=waiting&export=xlsx",
            printed,
        ]
    )
    assert on_row == on_edit == expected
    for url in expected:
        assert client.get(url).status_code == 200, url
    participants = client.get(f"{index}?event={event.pk}&status=confirmed")
    assert {r.event_id for r in participants.context["object_list"]} == {event.pk}


def test_who_may_not_see_registrations_gets_no_links_to_them(client, event):
    editor = user_in_group("arrangor", "change_event", "view_event")
    assert event_admin_links(log_in(client, editor), event) == [[], []]
