"""A reader signs up for the newsletter in a real browser, confirms from the e-mail with the
button and unsubscribes with the link every newsletter carries."""

import re

from django.core import mail

from newsletter import services
from newsletter.models import Subscriber
from tests.e2e.conftest import same_origin

LINK = re.compile(r"http://[^/\s]+(/nyhetsbrev/bekreft/[^\s/]+/)")


def test_a_reader_signs_up_confirms_and_unsubscribes(page, site):
    page.goto("/nyhetsbrev/")
    page.get_by_role("textbox", name="E-post").fill("kari.leser@example.no")
    page.get_by_role("textbox", name="Fornavn (valgfritt)").fill("Kari")
    page.get_by_role("button", name="Meld meg på").click()
    page.wait_for_load_state()
    assert page.locator("#newsletter-consent_error").is_visible()  # the box not ticked
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Meld meg på").click()
    page.wait_for_url("**/nyhetsbrev/sjekk-e-posten/")
    assert same_origin(page, site.url) == []

    [message] = [m for m in mail.outbox if m.to == ["kari.leser@example.no"]]
    page.goto(LINK.search(message.body).group(1))
    page.get_by_role("button", name="Ja, send meg nyhetsbrevet").click()
    page.wait_for_load_state()
    assert page.locator("[data-newsletter-confirmed]").is_visible()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "confirmed"

    page.goto(f"/nyhetsbrev/avmeld/{services.unsubscribe_token(subscriber)}/")
    page.get_by_role("button", name="Meld meg av").click()
    page.wait_for_load_state()
    assert page.locator("[data-newsletter-unsubscribed]").is_visible()
    assert not Subscriber.objects.exists()
