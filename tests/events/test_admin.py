"""Staff and conference registrations in the Wagtail admin: the listing with filters and search,
the waiting-list and participant exports, acting on one registration, the printable participant
list, the dashboard panel, the audit log, the permissions, and more seats from an event's edit
going to the waiting list."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from events import services
from events.models import Event, Registration
from tests.admin_helpers import listed, log_in, user_in_group
from tests.events.conftest import person
from tests.factories import make_event

pytestmark = pytest.mark.django_db

Status = Registration.Status
INDEX = "registrations:index"
# The export's columns, as the Norwegian catalogue (locale/nb/LC_MESSAGES/django.po) has them.
HEADINGS = [
    "Arrangement",
    "Navn",
    "E-post",
    "Telefon",
    "Representerer",
    "Organisasjon",
    "Plasser",
    "Kostbehov",
    "Behov for tilrettelegging",
    "Status",
    "Nummer i køen",
    "Påmeldt",
]


def fill(event, count, start=1, **kwargs):
    return [services.register(event.pk, person(n, **kwargs)) for n in range(start, start + count)]


def refreshed(registration):
    registration.refresh_from_db()
    return registration


def export(client, list_name, fmt, **params):
    response = client.get(reverse(INDEX), {**params, "list": list_name, "export": fmt})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def csv_rows(content):
    """The rows as dicts by heading (the heading row itself is checked on its own)."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def xlsx_rows(content):
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def export_entries():
    return ModelLogEntry.objects.filter(action="events.export")


def registration_entries(registration):
    return ModelLogEntry.objects.filter(
        action__startswith="events.", object_id=str(registration.pk)
    ).exclude(action__in=["events.export", "events.print"])


@pytest.fixture
def other_event(db):
    return make_event(title="Fagdag i Tromsø")


@pytest.fixture
def queue(event, other_event):
    """`event` full with ten seated, three waiting and one cancelled; a staff priority puts
    Deltaker 13 first in line. `other_event` has one seated and one waiting of its own."""
    seated = fill(event, 10)
    waiting = fill(event, 3, start=11)
    services.cancel(services.register(event.pk, person(14)))
    services.set_priority(waiting[2], 5)
    other = {
        "seated": services.register(other_event.pk, person(20, name="Anne Annet")),
    }
    services.set_capacity(other_event.pk, 1)
    other["waiting"] = services.register(other_event.pk, person(21, name="Per Ventende"))
    return {"seated": seated, "waiting": [refreshed(r) for r in waiting], "other": other}


# --- the listing ----------------------------------------------------------------------------


def test_superuser_sees_every_registration_in_the_list(admin_client, queue):
    response = admin_client.get(reverse(INDEX))
    assert listed(response) == set(Registration.objects.values_list("pk", flat=True))
    html = response.content.decode()
    assert "Deltaker 11" in html and "Per Ventende" in html
    assert reverse("registrations:edit", args=[queue["waiting"][0].pk]) in html


def test_filter_by_event_and_status_shows_that_events_waiting_list(
    admin_client, event, other_event, queue
):
    response = admin_client.get(reverse(INDEX), {"event": event.pk, "status": "waiting"})
    assert listed(response) == {r.pk for r in queue["waiting"]}
    response = admin_client.get(reverse(INDEX), {"event": other_event.pk, "status": "waiting"})
    assert listed(response) == {queue["other"]["waiting"].pk}
    response = admin_client.get(reverse(INDEX), {"event": event.pk, "status": "cancelled"})
    assert [r.name for r in response.context["object_list"]] == ["Deltaker 14"]


def test_search_finds_a_registration_by_name(admin_client, queue):
    response = admin_client.get(reverse(INDEX), {"q": "ventende"})
    assert listed(response) == {queue["other"]["waiting"].pk}


# --- exports --------------------------------------------------------------------------------


def test_waiting_list_csv_holds_the_events_queue_in_order_with_each_place(
    admin_client, event, queue, superuser
):
    content = export(admin_client, "waiting", "csv", event=event.pk)
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark, for Excel
    headings, rows = csv_rows(content)
    assert headings == HEADINGS
    assert [row["Navn"] for row in rows] == ["Deltaker 13", "Deltaker 11", "Deltaker 12"]
    assert [row["Nummer i køen"] for row in rows] == ["1", "2", "3"]
    assert {row["Status"] for row in rows} == {"På venteliste"}
    assert {row["Arrangement"] for row in rows} == {event.title}

    entry = export_entries().get()
    assert entry.content_type.model_class() is Event
    assert entry.object_id == str(event.pk)
    assert entry.user == superuser
    assert (entry.data["rows"], entry.data["list"], entry.data["format"]) == (3, "waiting", "csv")


def test_waiting_list_narrowed_by_a_search_keeps_the_place_in_the_whole_queue(
    admin_client, event, queue
):
    _, rows = csv_rows(export(admin_client, "waiting", "csv", event=event.pk, q="Deltaker 12"))
    assert [(row["Navn"], row["Nummer i køen"]) for row in rows] == [("Deltaker 12", "3")]
    entry = export_entries().get()
    assert entry.data["rows"] == 1 and entry.data["searched"] is True
    assert "Deltaker 12" not in str(entry.data)  # the search text is not kept in the log


def test_participants_xlsx_holds_only_the_confirmed_with_their_details(admin_client, db):
    event = make_event(capacity=3, max_seats_per_registration=2)
    kari = services.register(
        event.pk,
        person(
            1,
            name="Kari Nordmann",
            phone="412 34 567",
            affiliation="municipality",
            organisation="Bergen kommune",
            seats=2,
            dietary_needs="Vegetar",
            accessibility_needs="Rullestol",
        ),
    )
    leaving = services.register(event.pk, person(2))
    offered, waiting = fill(event, 2, start=3)
    services.cancel(leaving)  # Deltaker 3 is offered the seat; Deltaker 4 waits
    assert refreshed(offered).status == Status.OFFERED

    headings, rows = xlsx_rows(export(admin_client, "participants", "xlsx"))
    assert headings == HEADINGS
    assert len(rows) == 1
    row = rows[0]
    assert row["Arrangement"] == event.title
    assert (row["Navn"], row["E-post"], row["Telefon"]) == (
        "Kari Nordmann",
        "deltaker.1@example.no",
        "412 34 567",
    )
    assert (row["Representerer"], row["Organisasjon"]) == ("En kommune", "Bergen kommune")
    assert row["Plasser"] == 2
    assert (row["Kostbehov"], row["Behov for tilrettelegging"]) == ("Vegetar", "Rullestol")
    assert (row["Status"], row["Nummer i køen"]) == ("Bekreftet", None)
    # Norwegian local time, to the second
    expected = timezone.make_naive(kari.created_at).replace(microsecond=0)
    assert row["Påmeldt"].replace(microsecond=0) == expected

    entry = export_entries().get()
    assert (entry.data["rows"], entry.data["list"], entry.data["format"]) == (
        1,
        "participants",
        "xlsx",
    )


def test_each_export_holds_its_list_whatever_the_status_filter_says(admin_client, event, queue):
    """The download buttons carry the listing's filters; a status filter chosen to look at one
    list neither empties the other list's file nor lets other statuses in."""

    def names(list_name, status):
        _, rows = csv_rows(export(admin_client, list_name, "csv", event=event.pk, status=status))
        return [row["Navn"] for row in rows]

    assert names("participants", "waiting") == [f"Deltaker {n}" for n in range(1, 11)]
    assert names("waiting", "confirmed") == ["Deltaker 13", "Deltaker 11", "Deltaker 12"]
    assert names("waiting", "cancelled") == ["Deltaker 13", "Deltaker 11", "Deltaker 12"]
    entry = export_entries().latest("pk")
    assert entry.data["filters"] == {"event": str(event.pk), "list": "waiting"}


def test_exports_defuse_spreadsheet_formulas(admin_client, event):
    services.register(event.pk, person(1, name='=HYPERLINK("http://evil")'))
    _, rows = csv_rows(export(admin_client, "participants", "csv"))
    assert rows[0]["Navn"] == '\'=HYPERLINK("http://evil")'
    # In the workbook the name is a text cell, never a formula.
    content = export(admin_client, "participants", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    cell = list(sheet.iter_rows(min_row=2))[0][1]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://evil")', "s")


def test_an_export_logs_one_entry_per_event_in_the_file(
    admin_client, event, other_event, queue, superuser
):
    _, rows = csv_rows(export(admin_client, "waiting", "csv"))
    assert [row["Navn"] for row in rows][:3] == ["Deltaker 13", "Deltaker 11", "Deltaker 12"]
    assert len(rows) == 4
    entries = export_entries()
    assert {(e.object_id, e.data["rows"]) for e in entries} == {
        (str(event.pk), 3),
        (str(other_event.pk), 1),
    }
    assert {(e.user_id, e.data["list"], e.data["format"]) for e in entries} == {
        (superuser.pk, "waiting", "csv")
    }
    assert len({e.uuid for e in entries}) == 1

    export(admin_client, "participants", "xlsx")
    entries = export_entries().filter(data__list="participants")
    assert {(e.object_id, e.data["rows"], e.data["format"]) for e in entries} == {
        (str(event.pk), 10, "xlsx"),
        (str(other_event.pk), 1, "xlsx"),
    }


# --- acting on one registration -------------------------------------------------------------


def manage_url(registration):
    return reverse("registrations:edit", args=[registration.pk])


def act(client, registration, action, **data):
    response = client.post(manage_url(registration), {"action": action, **data}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(manage_url(registration), 302)]
    return response.content.decode()


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


# --- the printable list ---------------------------------------------------------------------


def test_the_printable_list_holds_the_participants_and_is_logged(
    admin_client, event, queue, superuser
):
    response = admin_client.get(reverse("registrations:print", args=[event.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Deltakere: {event.title}" in html
    for number in range(1, 11):
        assert f"<td>Deltaker {number}</td>" in html
    for number in (11, 12, 13, 14):  # waiting, and cancelled
        assert f"Deltaker {number}<" not in html
    assert "Anne Annet" not in html  # another event's
    entry = ModelLogEntry.objects.get(action="events.print")
    assert (entry.object_id, entry.user, entry.data) == (str(event.pk), superuser, {"rows": 10})


# --- dashboard ------------------------------------------------------------------------------


def test_dashboard_shows_seats_taken_capacity_and_waiting_for_upcoming_events(admin_client, db):
    event = make_event(capacity=3, max_seats_per_registration=2)
    services.register(event.pk, person(1, seats=2))
    leaving = services.register(event.pk, person(2))
    offered, _ = fill(event, 2, start=3)
    services.cancel(leaving)  # Deltaker 3 is offered the seat, Deltaker 4 waits
    assert refreshed(offered).status == Status.OFFERED
    now = timezone.now()
    ended = make_event(starts_at=now - datetime.timedelta(days=2))

    html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'id="upcoming-events' in html
    row = html.split(f'<tr data-event="{event.pk}">')[1].split("</tr>")[0]
    # Two seats confirmed and one offered are taken; the offered seat is held.
    assert "<td data-taken>3</td>" in row
    assert "<td data-capacity>3</td>" in row
    assert "<td data-waiting>1</td>" in row
    assert reverse("registrations:print", args=[event.pk]) in row
    assert f'data-event="{ended.pk}"' not in html


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
