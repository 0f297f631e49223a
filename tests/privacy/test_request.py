"""Asking for a «Mine data» link: the same answer for an address the site knows and one it does
not, an e-mail only for the known one, and rate limits that say nothing about either."""

import pytest
from django.core import mail
from django.urls import reverse

from privacy import links, tasks, views
from tests.privacy.conftest import link_in, sign, without_csrf

pytestmark = pytest.mark.django_db

URL = reverse("privacy:request")


def ask(client, capture, email, **extra):
    with capture(execute=True):
        return client.post(URL, {"email": email, "website": "", **extra})


def test_the_form_page(client):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<meta name="robots" content="noindex">' in html
    assert 'name="email"' in html and 'type="email"' in html
    assert 'name="website"' in html  # the honeypot
    assert 'action="/mine-data/"' in html and "csrfmiddlewaretoken" in html
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"


def test_known_and_unknown_addresses_get_the_same_answer_and_only_the_known_one_mail(
    client, petition, django_capture_on_commit_callbacks
):
    sign(petition, "Kari.Nordmann@Example.no")
    known = ask(client, django_capture_on_commit_callbacks, "kari.nordmann@example.no")
    unknown = ask(client, django_capture_on_commit_callbacks, "ola.nordmann@example.no")

    assert known.status_code == unknown.status_code == 200
    assert without_csrf(known) == without_csrf(unknown)
    assert "ola.nordmann" not in unknown.content.decode()  # the address is not echoed
    assert known["Cache-Control"] == unknown["Cache-Control"]
    assert "no-store" in known["Cache-Control"]
    assert known["Referrer-Policy"] == unknown["Referrer-Policy"] == "same-origin"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kari.nordmann@example.no"]
    identity = links.read_token(link_in(message).split("/")[2])
    assert identity.normalized == "kari.nordmann@example.no"
    assert "http://testserver/mine-data/" in message.body  # where to ask again


def test_the_link_opens_the_data_page(client, petition, django_capture_on_commit_callbacks):
    sign(petition, "kari@example.no")
    ask(client, django_capture_on_commit_callbacks, " KARI@example.no ")
    (message,) = mail.outbox
    assert message.to == ["KARI@example.no"]
    page = client.get(link_in(message))
    assert page.status_code == 200
    assert page.content.decode().count('data-record="signature"') == 1


def test_a_differently_written_address_finds_the_same_person(
    client, petition, django_capture_on_commit_callbacks
):
    sign(petition, "kari.nordmann@gmail.com")
    ask(client, django_capture_on_commit_callbacks, "KariNordmann+spero@googlemail.com")
    assert [m.to for m in mail.outbox] == [["KariNordmann+spero@googlemail.com"]]


def test_the_queued_task_holds_no_address(
    client, petition, monkeypatch, django_capture_on_commit_callbacks
):
    """The database task queue keeps a task's arguments: only a random key goes there."""
    sign(petition, "kari@example.no")
    send_link, queued = tasks.send_link, []

    class Queue:
        @staticmethod
        def enqueue(*args):
            queued.append(args)

    monkeypatch.setattr(tasks, "send_link", Queue)
    ask(client, django_capture_on_commit_callbacks, "kari@example.no")
    ask(client, django_capture_on_commit_callbacks, "ola@example.no")
    assert len(queued) == 2  # for the unknown address too: the request cannot tell them apart
    for (key,) in queued:
        assert "@" not in key and "kari" not in key and "ola" not in key
    assert not mail.outbox
    # The worker picks the address up once; a second run of the same task sends nothing.
    send_link.call(queued[0][0])
    send_link.call(queued[0][0])
    send_link.call(queued[1][0])
    assert [m.to for m in mail.outbox] == [["kari@example.no"]]


def test_the_honeypot_gets_the_same_answer_and_no_mail(
    client, petition, django_capture_on_commit_callbacks
):
    sign(petition, "kari@example.no")
    normal = ask(client, django_capture_on_commit_callbacks, "ola@example.no")
    bot = ask(client, django_capture_on_commit_callbacks, "kari@example.no", website="spam")
    assert bot.status_code == normal.status_code == 200
    assert without_csrf(bot) == without_csrf(normal)
    assert not mail.outbox


@pytest.mark.parametrize("email", ["", "kari", "kari@", "a" * 300 + "@example.no", "kari\x00@x.no"])
def test_an_invalid_address_is_shown_again_and_sends_nothing(
    client, petition, email, django_capture_on_commit_callbacks
):
    sign(petition, "kari@example.no")
    response = ask(client, django_capture_on_commit_callbacks, email)
    assert response.status_code == 400
    assert 'aria-describedby="id_email_error' in response.content.decode()
    assert not mail.outbox


def test_the_limit_per_address_is_the_same_for_known_and_unknown_addresses(
    client, petition, django_capture_on_commit_callbacks
):
    sign(petition, "kari@example.no")
    limit, _window = views.REQUEST_LIMIT_PER_EMAIL
    statuses = {"kari@example.no": [], "ola@example.no": []}
    for _ in range(limit + 1):
        for email in statuses:
            # Spread over addresses that normalise the same, from one IP address.
            statuses[email].append(ask(client, django_capture_on_commit_callbacks, email))
    known, unknown = statuses["kari@example.no"], statuses["ola@example.no"]
    assert [r.status_code for r in known] == [200] * limit + [429]
    assert [r.status_code for r in unknown] == [200] * limit + [429]
    assert without_csrf(known[-1]).replace("kari", "ola") == without_csrf(unknown[-1])
    assert 'role="alert"' in known[-1].content.decode()
    # Only the known address got mail, once per request under the limit.
    assert [m.to for m in mail.outbox] == [["kari@example.no"]] * limit
    # A differently written form of the same address counts against the same limit.
    again = ask(client, django_capture_on_commit_callbacks, "Kari+x@Example.no")
    assert again.status_code == 429
    assert len(mail.outbox) == limit


def test_the_limit_per_ip_address(client, petition, django_capture_on_commit_callbacks):
    limit, _window = views.REQUEST_LIMIT_PER_IP
    sign(petition, "kari@example.no")
    for number in range(limit):
        response = ask(client, django_capture_on_commit_callbacks, f"person{number}@example.no")
        assert response.status_code == 200
    blocked = ask(client, django_capture_on_commit_callbacks, "kari@example.no")
    assert blocked.status_code == 429
    assert not mail.outbox
    # Another IP address is not held back.
    with django_capture_on_commit_callbacks(execute=True):
        other = client.post(
            URL, {"email": "kari@example.no", "website": ""}, REMOTE_ADDR="192.0.2.7"
        )
    assert other.status_code == 200
    assert len(mail.outbox) == 1


def test_a_cache_that_does_not_answer_refuses(
    client, petition, monkeypatch, django_capture_on_commit_callbacks
):
    """Rate limits fail closed (spero_site/abuse.py): no mail goes out, and no 5xx."""
    from spero_site.abuse import cache

    sign(petition, "kari@example.no")

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", broken)
    monkeypatch.setattr(cache, "incr", broken)
    response = ask(client, django_capture_on_commit_callbacks, "kari@example.no")
    assert response.status_code == 503
    assert not mail.outbox
