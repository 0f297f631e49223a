"""The contact form on /kontakt/: a message is stored, e-mailed to the organisation's address
(Reply-To the sender) with a receipt to the sender, both through the outbox; bad input gets
Norwegian errors at its fields; the honeypot, the rate limit and other sites' forms are turned
away; staff close messages; the sender sees and deletes them in «Mine data»."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from contact import services, tasks
from contact.models import ContactMessage
from privacy import links
from tests.admin_helpers import log_in, user_in_group
from tests.contact.conftest import RECIPIENT, message

pytestmark = pytest.mark.django_db
SEND = "contact_message"


def send(client, data, **headers):
    return client.post(reverse(SEND), data, headers=headers)


def test_the_page_shows_the_form_the_health_warning_and_the_crisis_numbers(client, contact_page):
    response = client.get(contact_page.url)
    html = response.content.decode()
    assert response.status_code == 200 and not response.cookies
    assert f'action="{reverse(SEND)}"' in html and "csrfmiddlewaretoken" not in html
    assert "Ikke skriv om din egen eller andres helse her" in html
    assert "113" in html and "116 117" in html and "116 123" in html
    for label in ("Navn", "E-post", "Emne", "Melding"):
        assert f">{label}" in html, label


def test_a_message_is_stored_and_both_e_mails_go_out_once(
    client, contact_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, message())
    assert response.status_code == 302
    assert response["Location"] == f"{contact_page.url}?sendt=1#contact-form-heading"
    stored = ContactMessage.objects.get()
    assert (stored.name, stored.email_normalized, stored.recipient) == (
        "Kari Nordmann",
        "kari.nordmann@example.no",
        RECIPIENT,
    )
    assert stored.status == "open" and stored.ip_hash and "127.0.0.1" not in stored.ip_hash
    assert stored.notice_due == stored.receipt_due == ""
    notice, receipt = sorted(mail.outbox, key=lambda m: m.to != [RECIPIENT])
    assert notice.to == [RECIPIENT] and notice.reply_to == ["Kari.Nordmann@Example.no"]
    assert notice.subject == "Henvendelse fra nettsiden: Likepersongruppe"
    assert "Når møtes gruppen i Bergen?" in notice.body
    assert receipt.to == ["Kari.Nordmann@Example.no"]
    assert receipt.subject == "Vi har mottatt meldingen din: Likepersongruppe"
    assert "116 123" in receipt.body and "Når møtes" not in receipt.body
    assert tasks.send_due_emails.call() == 0  # nothing twice
    thanks = client.get(response["Location"]).content.decode()
    assert "Takk! Meldingen din er sendt" in thanks


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("name", "   ", "Skriv fullt navn."),
        ("email", "ikke-en-adresse", "Skriv en e-postadresse som navn@eksempel.no."),
        ("email", "", "Skriv e-postadressen din, så vi kan svare deg."),
        ("subject", "", "Skriv hva henvendelsen gjelder."),
        ("message", "", "Skriv meldingen din."),
        ("message", "x" * 5001, "5000"),
        ("subject", "nul\x00", "Null"),
    ],
)
def test_bad_input_gets_a_norwegian_error_at_its_field(client, contact_page, field, value, error):
    response = send(client, message(**{field: value}))
    assert response.status_code == 400
    html = response.content.decode()
    errors = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</', html, re.S)
    assert errors and (error in errors.group(1) or error.lower() in errors.group(1).lower())
    assert not ContactMessage.objects.exists()


def test_the_honeypot_saves_nothing(client, contact_page):
    assert send(client, message(website="spam")).status_code == 302
    assert not ContactMessage.objects.exists()


def test_a_form_another_site_made_the_browser_send_is_refused(client, contact_page):
    response = send(client, message(), **{"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403 and not ContactMessage.objects.exists()


def test_too_many_messages_from_one_place_get_429(client, contact_page):
    for number in range(5):
        assert send(client, message(subject=f"Nr {number}")).status_code == 302
    response = send(client, message(subject="Nr 6"))
    assert response.status_code == 429
    assert "For mange forsøk" in response.content.decode()
    assert ContactMessage.objects.count() == 5


def test_without_the_organisations_address_no_message_is_taken(client, contact_page):
    from pages.models import OrganisationSettings

    OrganisationSettings.objects.update(email="")
    html = client.get(contact_page.url).content.decode()
    assert "data-contact-closed" in html and f'action="{reverse(SEND)}"' not in html
    response = send(client, message())
    assert response.status_code == 503 and not ContactMessage.objects.exists()


def test_staff_close_a_message_once_and_it_is_in_the_audit_log(client, contact_page):
    from wagtail.models import ModelLogEntry

    stored = services.receive(
        services.MessageData("Kari", "kari@example.no", "Spørsmål", "Hei"),
        recipient=RECIPIENT,
        ip_hash="0" * 64,
    )
    staff = user_in_group("stab", "view_contactmessage", "change_contactmessage")
    log_in(client, staff)
    url = reverse("contact_messages:edit", args=[stored.pk])
    page = client.get(url).content.decode()
    assert "Hei" in page and "Lukk henvendelsen" in page
    for _ in range(2):
        assert client.post(url, {"action": "close"}).status_code == 302
    stored.refresh_from_db()
    assert stored.status == "closed" and stored.closed_at <= timezone.now()
    assert ModelLogEntry.objects.filter(action="contact.close").count() == 1
    listing = client.get(reverse("contact_messages:index"), {"status": "closed"})
    assert [m.pk for m in listing.context["object_list"]] == [stored.pk]


def test_someone_who_may_only_view_cannot_close(client, contact_page):
    stored = services.receive(
        services.MessageData("Kari", "kari@example.no", "Spørsmål", "Hei"),
        recipient=RECIPIENT,
        ip_hash="0" * 64,
    )
    log_in(client, user_in_group("leser", "view_contactmessage"))
    url = reverse("contact_messages:edit", args=[stored.pk])
    assert "Lukk henvendelsen" not in client.get(url).content.decode()
    assert client.post(url, {"action": "close"}).status_code == 403
    stored.refresh_from_db()
    assert stored.status == "open"


def test_the_sender_sees_downloads_and_deletes_their_messages_in_mine_data(client, contact_page):
    mine = services.receive(
        services.MessageData("Kari", "Kari@Example.no", "Mitt emne", "Min tekst"),
        recipient=RECIPIENT,
        ip_hash="0" * 64,
    )
    services.receive(
        services.MessageData("Ola", "ola@example.no", "Olas emne", "Olas tekst"),
        recipient=RECIPIENT,
        ip_hash="0" * 64,
    )
    token = links.make_token(links.Identity.of("kari@example.no"))
    page = client.get(reverse("privacy:data", args=[token])).content.decode()
    assert "Mitt emne" in page and "Min tekst" in page and "Olas" not in page
    exported = client.get(reverse("privacy:download", args=[token])).json()
    assert [m["subject"] for m in exported["contact_messages"]] == ["Mitt emne"]
    other = ContactMessage.objects.get(subject="Olas emne")
    erase = "privacy:erase_contact_message"
    assert client.post(reverse(erase, args=[token, other.pk])).status_code == 404
    response = client.post(reverse(erase, args=[token, mine.pk]))
    assert response.status_code == 302 and response["Location"].endswith("?done=contact-message")
    assert list(ContactMessage.objects.values_list("subject", flat=True)) == ["Olas emne"]


def test_the_e_mails_reach_a_real_smtp_server(client, contact_page, smtp_server):
    assert send(client, message()).status_code == 302  # its on-commit task does not run here
    assert tasks.send_due_emails.call() == 2
    delivered = {msg["Delivered-To"]: msg for msg in smtp_server}
    assert set(delivered) == {RECIPIENT, "Kari.Nordmann@Example.no"}
    assert delivered[RECIPIENT]["Reply-To"] == "Kari.Nordmann@Example.no"
    assert tasks.send_due_emails.call() == 0 and len(smtp_server) == 2
