"""Writing and sending a newsletter: the page as e-mail (preview, HTML and text), a test to
oneself, sending to confirmed subscribers and the signers who asked for it through a real SMTP
server on loopback, once per address, with the unsubscribe headers; the progress count; a run
that stopped is resumed without a second copy; who may do what."""

import re

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from wagtail.models import GroupPagePermission

from campaigns.models import Signature
from newsletter import services
from newsletter.models import Delivery, Mailing, Subscriber
from tests.admin_helpers import log_in, user_in_group
from tests.campaigns.test_retention import make_petition, make_signature
from tests.newsletter.helpers import confirmed_subscriber, newsletter_page

pytestmark = pytest.mark.django_db


def may_edit_pages(user, home_page):
    GroupPagePermission.objects.create(
        group=user.groups.get(), page=home_page, permission_type="change"
    )
    return user


def send_url(page):
    return reverse("newsletter_send", args=[page.pk])


@pytest.fixture
def people():
    """Two subscribers (one unconfirmed besides), a signer who asked for updates with an address
    of their own, one whose address is a subscriber's too, and one who did not ask."""
    kari = confirmed_subscriber("Kari@Example.no", "Kari")
    ola = confirmed_subscriber("ola@example.no")
    Subscriber.objects.create(
        email="ny@example.no",
        email_normalized="ny@example.no",
        consent_version=1,
        consented_at=kari.consented_at,
        ip_hash="0" * 64,
    )
    petition = make_petition("opprop", closes_at=None)
    signers = [make_signature(petition) for _ in range(3)]
    Signature.objects.filter(pk__in=[signers[0].pk, signers[1].pk]).update(wants_updates=True)
    Signature.objects.filter(pk=signers[1].pk).update(
        email="KARI@example.no", email_normalized="kari@example.no"
    )
    for signer in signers:
        signer.refresh_from_db()
    return {"kari": kari, "ola": ola, "signer": signers[0], "not_asked": signers[2]}


def parsed(maildir):
    return list(maildir)


def body_of(message, subtype):
    for part in message.walk():
        if part.get_content_type() == f"text/{subtype}":
            return part.get_payload(decode=True).decode(part.get_content_charset())
    raise AssertionError(subtype)


def test_staff_send_a_newsletter_to_everyone_on_the_list_once_through_smtp(
    client, home_page, people, smtp_server, django_capture_on_commit_callbacks
):
    page = newsletter_page(home_page)
    staff = may_edit_pages(user_in_group("stab", "add_mailing", "view_mailing"), home_page)
    log_in(client, staff)
    form = client.get(send_url(page)).content.decode()
    assert "Send til 2 abonnenter nå" in form and "3 mottakere i alt" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(send_url(page), {"action": "send", "include_signers": "on"})
    assert response.status_code == 302

    messages = {m["To"]: m for m in parsed(smtp_server)}
    assert set(messages) == {"Kari@Example.no", "ola@example.no", people["signer"].email}
    kari = messages["Kari@Example.no"]
    assert kari["Subject"] == "Nytt fra Spero i desember"
    assert kari["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(
        r"<http://[^/]+(/nyhetsbrev/avmeld/[^>]+/)>", "".join(kari["List-Unsubscribe"].split())
    )
    html, text = body_of(kari, "html"), body_of(kari, "plain")
    assert 'href="http://127.0.0.1:8000/konferanse/"' in html and "Håp er mulig." in html
    assert "programmet (http://127.0.0.1:8000/konferanse/)" in text
    assert "Gi en gave (https://example.org/gave)" in text and unsubscribe[1] in text
    assert page.full_url in text and "Takk for et godt år." in text

    mailing = Mailing.objects.get()
    assert (mailing.status, mailing.recipients, mailing.include_signers) == ("sent", 3, True)
    assert services.progress(mailing)["sent"] == 3
    progress = client.get(send_url(page)).content.decode()
    assert "3 av 3 mottakere behandlet" in progress

    # A second click sends nothing: a newsletter goes out once.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send_url(page), {"action": "send"})
    assert len(smtp_server) == 3 and Mailing.objects.count() == 1

    # The subscriber's link deletes the address; the signer's unticks «hold meg oppdatert».
    assert client.post(unsubscribe[1]).status_code == 200
    assert not Subscriber.objects.filter(pk=people["kari"].pk).exists()
    signer_link = re.search(
        r"/nyhetsbrev/avmeld/[^>]+/",
        "".join(messages[people["signer"].email]["List-Unsubscribe"].split()),
    )
    client.post(signer_link[0])
    people["signer"].refresh_from_db()
    assert people["signer"].wants_updates is False and people["signer"].status == "confirmed"


def test_without_the_box_only_subscribers_get_it(
    home_page, people, django_capture_on_commit_callbacks
):
    page = newsletter_page(home_page)
    with django_capture_on_commit_callbacks(execute=True):
        mailing = services.start_mailing(
            page, page.newsletter_content(), include_signers=False, started_by=None
        )
    assert mailing.recipients == 2
    assert sorted(mail.outbox[0].to + mail.outbox[1].to) == ["Kari@Example.no", "ola@example.no"]


def test_a_run_that_stopped_mid_send_is_resumed_and_nobody_gets_a_second_copy(
    home_page, people, settings, django_capture_on_commit_callbacks
):
    page = newsletter_page(home_page)
    with django_capture_on_commit_callbacks(execute=False):
        mailing = services.start_mailing(
            page, page.newsletter_content(), include_signers=True, started_by=None
        )
    first, second, third = mailing.deliveries.order_by("pk")
    # The run that died had sent the first, and was handing the second to the mail server.
    Delivery.objects.filter(pk=first.pk).update(status="sent")
    Delivery.objects.filter(pk=second.pk).update(status="sending")
    held = Mailing.objects.filter(pk=mailing.pk)
    held.update(lease_token="00000000-0000-0000-0000-000000000001", lease_until="2099-01-01T00:00Z")
    assert services.send_mailing(mailing.pk) == 0  # its lease has not run out: left alone
    held.update(lease_until="2000-01-01T00:00Z")

    assert services.resume_mailings() == 1  # the scheduler's job; immediate tasks here
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [third.signature.email]
    counts = services.progress(Mailing.objects.get(pk=mailing.pk))
    assert (counts["sent"], counts["uncertain"], counts["pending"]) == (2, 1, 0)
    assert services.resume_mailings() == 0 and len(mail.outbox) == 1


def test_someone_who_unsubscribes_during_the_sending_is_skipped(
    home_page, people, django_capture_on_commit_callbacks
):
    page = newsletter_page(home_page)
    with django_capture_on_commit_callbacks(execute=False):
        mailing = services.start_mailing(
            page, page.newsletter_content(), include_signers=False, started_by=None
        )
    services.unsubscribe(services.unsubscribe_token(people["ola"]))
    services.send_mailing(mailing.pk)
    assert [m.to for m in mail.outbox] == [["Kari@Example.no"]]
    assert services.progress(Mailing.objects.get(pk=mailing.pk))["skipped"] == 1


def test_an_editor_sends_a_test_to_themselves_but_not_to_the_list(client, home_page, people):
    page = newsletter_page(home_page, publish=False)
    page.title = "Utkast til januar"
    page.save_revision()
    editor = may_edit_pages(user_in_group("redaktor"), home_page)
    log_in(client, editor)
    form = client.get(send_url(page)).content.decode()
    assert "Spør noen i «Ansatt»" in form
    client.post(send_url(page), {"action": "test"})
    [test] = mail.outbox
    assert test.to == ["redaktor@example.org"] and test.subject == "[Test] Utkast til januar"
    assert "List-Unsubscribe" not in test.extra_headers
    assert "Dette er en test" in test.body
    assert client.post(send_url(page), {"action": "send"}).status_code == 403
    assert not Mailing.objects.exists() and len(mail.outbox) == 1


def test_someone_who_may_not_edit_the_newsletter_gets_403(client, home_page):
    page = newsletter_page(home_page)
    log_in(client, user_in_group("annen", "access_admin"))
    assert client.get(send_url(page)).status_code == 403


def test_an_unpublished_newsletter_is_not_sent(client, home_page, people):
    page = newsletter_page(home_page, publish=False)
    log_in(client, may_edit_pages(user_in_group("stab2", "add_mailing"), home_page))
    client.post(send_url(page), {"action": "send"})
    assert not Mailing.objects.exists() and not mail.outbox


def test_the_preview_shows_the_e_mail(home_page, superuser):
    page = newsletter_page(home_page)
    request = RequestFactory().get("/")
    request.user = superuser
    html = page.serve_preview(request, "email").content.decode()
    assert html.startswith("<!DOCTYPE html>") and "Konferansen i mars" in html
    assert "Meld meg av" in html and "<link" not in html


def test_the_archive_lists_published_newsletters(client, home_page):
    page = newsletter_page(home_page)
    archive = page.get_parent()
    listing = client.get(archive.url).content.decode()
    assert "Nytt fra Spero i desember" in listing
    assert "Konferansen i mars" in client.get(page.url).content.decode()
