"""Staff and conference registrations in the Wagtail admin: the listing with filters and search,
the waiting-list and participant exports, the printable participant list and the dashboard panel,
with the audit log of each. Acting on a registration, the permissions and an event's edit are in
test_admin_actions.py."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from events import services
from events.models import Event, Registration
from tests.admin_helpers import listed
from tests.events.conftest import fill, person, refreshed
from tests.events.registrations_admin import INDEX, csv_rows, export, export_entries, xlsx_rows
from tests.factories import make_event

pytestmark = pytest.mark.django_db

Status = Registration.Status
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
