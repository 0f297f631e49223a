"""Signing up for the newsletter: the form (its page and the block editors place on pages),
double opt-in by a POST-confirmed link, the consent version recorded, one address once, the
unsubscribe link (also a mail program's one-click POST), the limits, «Mine data» and the
retention of addresses never confirmed."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from newsletter import services, tasks
from newsletter.models import NewsletterSettings, Subscriber
from pages.models import StandardPage
from privacy import links

pytestmark = pytest.mark.django_db
SIGNUP = "newsletter:signup"
LINK = re.compile(r"http://[^/\s]+(/nyhetsbrev/bekreft/[^\s/]+/)")


def sign_up(client, **overrides):
    data = {"email": "Kari.Nordmann@Example.no", "first_name": "Kari", "consent": "on"}
    return client.post(reverse(SIGNUP), {**data, **overrides})


@pytest.fixture
def wording(home_page):
    settings = NewsletterSettings.for_site(Site.objects.get(is_default_site=True))
    settings.consent_text = "Ja, send meg nyhetsbrevet."
    settings.save()
    settings.consent_text = "Ja takk, send meg nyhetsbrevet."
    settings.save()  # a changed wording: a new version
    return settings


def confirmation_link():
    [message] = mail.outbox
    return LINK.search(message.body).group(1)


def test_signing_up_confirming_and_unsubscribing(
    client, wording, django_capture_on_commit_callbacks
):
    page = client.get(reverse(SIGNUP))
    assert "Ja takk, send meg nyhetsbrevet." in page.content.decode() and not page.cookies
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client)
    assert response.status_code == 302 and response["Location"] == reverse("newsletter:check_email")
    subscriber = Subscriber.objects.get()
    assert (subscriber.status, subscriber.email_normalized, subscriber.consent_version) == (
        "unconfirmed",
        "kari.nordmann@example.no",
        wording.consent_version,
    )
    assert subscriber.consented_at <= timezone.now() and subscriber.ip_hash
    link = confirmation_link()
    assert mail.outbox[0].subject == "Bekreft at du vil ha nyhetsbrevet fra Spero foreningen"

    assert client.get(link).status_code == 200  # a mail scanner's visit changes nothing
    subscriber.refresh_from_db()
    assert subscriber.status == "unconfirmed"
    confirmed = client.post(link)
    assert "data-newsletter-confirmed" in confirmed.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == "confirmed" and subscriber.confirmed_at

    unsubscribe = reverse("newsletter:unsubscribe", args=[services.unsubscribe_token(subscriber)])
    assert client.get(unsubscribe).status_code == 200 and Subscriber.objects.exists()
    # A mail program's one-click unsubscribe (RFC 8058): a POST without any token of ours.
    done = client.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert "data-newsletter-unsubscribed" in done.content.decode()
    assert not Subscriber.objects.exists()
    assert client.post(unsubscribe).status_code == 200  # a second click is no error


def test_an_address_signs_up_once_and_a_confirmed_one_gets_no_new_e_mail(
    client, wording, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    with django_capture_on_commit_callbacks(execute=True):  # the first e-mail went astray
        sign_up(client, email="kari.nordmann+nyhet@example.no", first_name="")
    assert Subscriber.objects.count() == 1 and len(mail.outbox) == 2
    assert mail.outbox[1].to == ["kari.nordmann+nyhet@example.no"]
    services.confirm(services.confirm_token(Subscriber.objects.get()))
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    assert len(mail.outbox) == 2 and Subscriber.objects.get().status == "confirmed"


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"email": ""}, "email", "Skriv e-postadressen din."),
        ({"email": "kari@"}, "email", "navn@eksempel.no"),
        ({"consent": ""}, "consent", "Kryss av for å si ja til nyhetsbrevet."),
        ({"first_name": "x" * 101}, "first_name", "100"),
    ],
)
def test_bad_input_gets_a_norwegian_error_at_its_field(client, wording, data, field, error):
    response = sign_up(client, **data)
    assert response.status_code == 400
    found = re.search(rf'id="newsletter-{field}_error"[^>]*>(.*?)</ul>', response.content.decode())
    assert found and error in found.group(1)
    assert not Subscriber.objects.exists()


def test_the_honeypot_the_limits_and_other_sites_are_turned_away(client, wording):
    assert sign_up(client, website="x").status_code == 302
    assert not Subscriber.objects.exists()
    response = client.post(
        reverse(SIGNUP),
        {"email": "a@example.no", "consent": "on"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403 and not Subscriber.objects.exists()
    for number in range(3):
        assert sign_up(client, first_name=f"Nr {number}").status_code == 302
    # Another spelling of the same mailbox shares its limit.
    assert sign_up(client, email="kari.nordmann+igjen@example.no").status_code == 429


def test_old_bad_and_forged_links_are_refused(client, wording):
    subscriber = services.subscribe(
        services.SubscriberData("ola@example.no"), consent_version=1, ip_hash="0" * 64
    )
    token = services.confirm_token(subscriber)
    forged = reverse("newsletter:confirm", args=[token[:-2] + "xx"])
    assert client.post(forged).status_code == 400
    unsubscribe_token = reverse("newsletter:unsubscribe", args=[token])  # the wrong salt
    assert client.post(unsubscribe_token).status_code == 400
    with pytest.raises(services.InvalidLink):
        services.confirm(services.unsubscribe_token(subscriber))
    import time_machine

    with time_machine.travel(timezone.now() + services.CONFIRM_WITHIN * 1.1):
        assert client.post(reverse("newsletter:confirm", args=[token])).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == "unconfirmed"


def test_the_block_puts_the_form_on_any_page(client, home_page, wording):
    page = home_page.add_child(
        instance=StandardPage(
            title="Om oss",
            slug="om-oss",
            body=[
                ("newsletter_signup", {"heading": "Få nyhetsbrevet", "text": "Noen ganger i året."})
            ],
        )
    )
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "Få nyhetsbrevet" in html and f'action="{reverse(SIGNUP)}"' in html
    assert "Ja takk, send meg nyhetsbrevet." in html and "csrfmiddlewaretoken" not in html
    assert 'id="newsletter-email"' in html


def test_mine_data_shows_and_deletes_the_subscription(client, wording):
    mine = services.subscribe(
        services.SubscriberData("Kari@Example.no", "Kari"), consent_version=2, ip_hash="0" * 64
    )
    services.subscribe(services.SubscriberData("ola@example.no"), consent_version=2, ip_hash="0")
    token = links.make_token(links.Identity.of("kari@example.no"))
    page = client.get(reverse("privacy:data", args=[token])).content.decode()
    assert "Kari@Example.no" in page and "ola@example.no" not in page
    exported = client.get(reverse("privacy:download", args=[token])).json()
    assert [(s["email"], s["consent_version"]) for s in exported["newsletter"]] == [
        ("Kari@Example.no", 2)
    ]
    other = Subscriber.objects.get(email="ola@example.no")
    erase = "privacy:erase_subscription"
    assert client.post(reverse(erase, args=[token, other.pk])).status_code == 404
    assert client.post(reverse(erase, args=[token, mine.pk])).status_code == 302
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["ola@example.no"]


def test_the_confirmation_e_mail_is_sent_once(client, wording):
    sign_up(client)  # the on-commit task does not run in this test's transaction
    assert tasks.send_due_emails.call() == 1
    assert tasks.send_due_emails.call() == 0
    assert len(mail.outbox) == 1 and "Hei Kari," in mail.outbox[0].body
