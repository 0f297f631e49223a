"""Registering as a person does it on the conference page, through Django's test client: the
form, the e-mail with its calendar file, the own page and its buttons."""

import datetime
import re

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events import services, tasks
from events.models import Registration
from tests.events.conftest import person

pytestmark = pytest.mark.django_db

Status = Registration.Status


def own_page_path(message):
    return re.search(r"https?://[^/\s]+(/pamelding/min/[^/\s]+/)", message.body).group(1)


def register(client, event, data):
    """Post the form, then send what the outbox holds, as the queued task would once the
    request's transaction commits (which it never does inside a test's transaction)."""
    response = client.post(reverse("events:register", args=[event.slug]), data)
    tasks.send_due_emails.call()
    return response


def fill(event, count):
    return [services.register(event.pk, person(n)) for n in range(1, count + 1)]


def test_the_page_shows_the_seats_left_and_the_form(client, conference_page, event):
    fill(event, 3)
    html = client.get(conference_page.url).content.decode()
    assert "7 plasser igjen" in html
    assert 'action="/pamelding/konferanse-' in html
    assert event.consent_text in html
    assert "Påmeldingsfrist" in html
    # One seat each: there is no seat field to choose from.
    assert 'name="seats"' not in html


def test_one_seat_left_in_the_singular(client, conference_page, event):
    fill(event, 9)
    assert "1 plass igjen" in client.get(conference_page.url).content.decode()


def test_registering_with_free_seats_confirms_with_details_and_a_calendar_file(
    client, conference_page, event, form_data, django_capture_on_commit_callbacks
):
    # The request queues the e-mail's task once its transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:register", args=[event.slug]), form_data)
    assert response.status_code == 302
    assert response["Location"] == reverse("events:check_email", args=[event.slug])
    assert "Sjekk e-posten" in client.get(response["Location"]).content.decode()
    registration = Registration.objects.get()
    assert registration.status == Status.CONFIRMED
    assert registration.phone == "412 34 567"
    assert registration.organisation == "Bergen kommune"
    [message] = mail.outbox
    assert message.to == ["Kari.Nordmann@Example.no"]
    assert message.subject == f"Du har plass: {event.title}"
    assert "Strandkaien 2" in message.body
    assert own_page_path(message) == f"/pamelding/min/{registration.token}/"
    [(filename, content, mimetype)] = message.attachments
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(content)
    [entry] = calendar.walk("VEVENT")
    # iCalendar times are to the second.
    assert entry.decoded("dtstart") == event.starts_at.replace(microsecond=0)
    assert entry.decoded("dtend") == event.ends_at.replace(microsecond=0)
    assert str(entry["summary"]) == event.title
    assert "Bergen" in str(entry["location"])
    raw = content.decode() if isinstance(content, bytes) else content
    assert raw.startswith("BEGIN:VCALENDAR\r\n") and "VERSION:2.0" in raw and "UID:" in raw
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))


def test_a_full_event_takes_the_same_form_onto_the_waiting_list(
    client, conference_page, event, form_data
):
    fill(event, 10)
    html = client.get(conference_page.url).content.decode()
    assert "Fulltegnet – sett deg på venteliste" in html
    assert register(client, event, form_data).status_code == 302
    registration = Registration.objects.get(name="Kari Nordmann")
    assert registration.status == Status.WAITING
    message = mail.outbox[-1]
    assert message.subject == f"Du står på venteliste: {event.title}"
    assert "Du er nummer 1 på ventelisten" in message.body
    assert not message.attachments
    page = client.get(own_page_path(message)).content.decode()
    assert "Du er nummer 1 på ventelisten" in page
    assert "Meld meg av ventelisten" in page


def test_a_repeat_registration_gets_the_same_answer_and_its_status_by_email(
    client, conference_page, event, form_data
):
    first = register(client, event, form_data)
    mail.outbox.clear()
    again = register(client, event, {**form_data, "email": "kari.nordmann+igjen@example.no"})
    assert (first.status_code, first["Location"]) == (again.status_code, again["Location"])
    assert Registration.objects.count() == 1
    # The e-mail waits for the reminder interval: a resend is not instant.
    Registration.objects.update(last_reminded_at=timezone.now() - datetime.timedelta(hours=1))
    register(client, event, form_data)
    [message] = mail.outbox
    assert "Noen meldte på denne adressen" in message.body
    assert message.subject == f"Du har plass: {event.title}"


def test_own_page_cancels_by_post_only(client, conference_page, event, form_data):
    register(client, event, form_data)
    path = own_page_path(mail.outbox[0])
    page = client.get(path).content.decode()
    assert "Meld meg av" in page
    assert Registration.objects.get().status == Status.CONFIRMED  # GET changes nothing
    response = client.post(path, {"action": "cancel"})
    assert response.status_code == 302 and response["Location"] == f"{path}?done=cancelled"
    assert Registration.objects.get().status == Status.CANCELLED
    page = client.get(response["Location"]).content.decode()
    assert 'role="status"' in page
    # Pressing again changes nothing and says so.
    response = client.post(path, {"action": "cancel"})
    assert response["Location"] == f"{path}?done=not-allowed"


def test_a_cancellation_offers_the_seat_and_the_offer_is_accepted_on_the_own_page(
    client, conference_page, event, form_data
):
    seated = fill(event, 10)
    register(client, event, form_data)
    services.cancel(seated[0])
    mail.outbox.clear()
    tasks.send_due_emails.call()
    offer = next(m for m in mail.outbox if m.to == [form_data["email"]])
    path = own_page_path(offer)
    page = client.get(path).content.decode()
    assert "Takk ja til plassen" in page
    response = client.post(path, {"action": "accept"})
    assert response["Location"] == f"{path}?done=accepted"
    registration = Registration.objects.get(name="Kari Nordmann")
    assert registration.status == Status.CONFIRMED
    tasks.send_due_emails.call()
    assert mail.outbox[-1].attachments  # the confirmation brings the calendar file


def test_an_unknown_or_anonymised_token_is_not_found(client, event):
    registration = services.register(event.pk, person(1))
    assert client.get("/pamelding/min/finnes-ikke/").status_code == 404
    Registration.objects.update(anonymised_at=timezone.now())
    assert client.get(f"/pamelding/min/{registration.token}/").status_code == 404


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": "  "}, "name", "Skriv fullt navn."),
        ({"email": "ikke-en-adresse"}, "email", "navn@eksempel.no"),
        ({"phone": "123"}, "phone", "åtte sifre"),
        ({"phone": "+46 412 34 567"}, "phone", "åtte sifre"),
        ({"organisation": ""}, "organisation", ""),
        ({"affiliation": "alien"}, "affiliation", ""),
        ({"consent": ""}, "consent", ""),
    ],
)
def test_each_error_is_shown_at_its_field_in_norwegian(
    client, conference_page, event, form_data, change, field, message
):
    response = register(client, event, {**form_data, **change})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert f'aria-describedby="id_{field}_error' in html
    assert message in html
    assert not Registration.objects.exists()


def test_phone_numbers_in_any_usual_form_are_accepted(client, conference_page, event, form_data):
    for number, email in [("+47 41234567", "a@example.no"), ("0047 412.34.567", "b@example.no")]:
        assert (
            register(client, event, {**form_data, "phone": number, "email": email}).status_code
            == 302
        )
    assert set(Registration.objects.values_list("phone", flat=True)) == {"412 34 567"}


def test_a_group_chooses_its_seats_within_the_events_limit(
    client, conference_page, event, form_data
):
    event.max_seats_per_registration = 3
    event.save()
    assert 'name="seats"' in client.get(conference_page.url).content.decode()
    assert register(client, event, {**form_data, "seats": "4"}).status_code == 400
    assert register(client, event, {**form_data, "seats": "3"}).status_code == 302
    assert Registration.objects.get().seats == 3


def test_the_honeypot_gets_the_same_answer_and_saves_nothing(
    client, conference_page, event, form_data
):
    response = register(client, event, {**form_data, "website": "https://spam.example"})
    assert response.status_code == 302
    assert response["Location"] == reverse("events:check_email", args=[event.slug])
    assert not Registration.objects.exists()


def test_registering_is_rate_limited_per_address(client, conference_page, event, form_data):
    for _ in range(5):
        assert register(client, event, form_data).status_code == 302
    response = register(client, event, form_data)
    assert response.status_code == 429
    assert "For mange forsøk" in response.content.decode()


def test_after_the_deadline_and_after_the_event_the_form_is_gone(
    client, conference_page, event, form_data
):
    event.registration_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    event.save()
    html = client.get(conference_page.url).content.decode()
    assert "Påmeldingen er stengt." in html and 'name="email"' not in html
    response = register(client, event, form_data)
    assert response.status_code == 400 and not Registration.objects.exists()
    assert "stengt" in response.content.decode()
    event.starts_at = timezone.now() - datetime.timedelta(days=2)
    event.ends_at = timezone.now() - datetime.timedelta(days=1)
    event.registration_opens_at = timezone.now() - datetime.timedelta(days=9)
    event.registration_closes_at = timezone.now() - datetime.timedelta(days=3)
    event.save()
    html = client.get(conference_page.url).content.decode()
    assert "Arrangementet er over." in html and 'name="email"' not in html


def test_only_post_registers(client, conference_page, event):
    assert client.get(reverse("events:register", args=[event.slug])).status_code == 405
    assert client.post(reverse("events:register", args=["finnes-ikke"]), {}).status_code == 404


def test_the_conference_page_costs_a_fixed_number_of_queries(
    client, conference_page, event, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # the page as made, not as stored
    client.get(conference_page.url)  # warm caches (site root, menus)
    fill(event, 10)
    [services.register(event.pk, person(n)) for n in range(20, 60)]
    with django_assert_max_num_queries(14):
        assert client.get(conference_page.url).status_code == 200
