"""A visitor registers for the fully booked demo conference in a real browser and, from the
e-mail, finds their own page with their place on the waiting list."""

import re

from django.core import mail

from events.models import Registration
from tests.e2e.conftest import same_origin


def test_registering_for_a_full_conference_gives_a_place_on_the_waiting_list(page, site):
    waiting_before = Registration.objects.filter(status=Registration.Status.WAITING).count()
    page.goto("/arrangementer/jubileumskonferanse/")
    assert "Fulltegnet" in page.locator(".seats").inner_text()
    page.get_by_label("Fullt navn", exact=True).fill("Ola Nordmann")
    page.get_by_role("textbox", name="E-post").fill("ola.e2e@example.no")
    page.get_by_role("checkbox", name=re.compile("samtykker", re.I)).check()
    page.get_by_role("button", name="Sett meg på venteliste").click()
    page.wait_for_url("**/sjekk-e-posten/")
    assert "Sjekk e-posten din" in page.get_by_role("heading", level=1).inner_text()

    [message] = [m for m in mail.outbox if m.to == ["ola.e2e@example.no"]]
    own_page = re.search(r"http\S+/pamelding/\S+", message.body)[0]
    page.goto(own_page)
    position = waiting_before + 1
    assert f"Du er nummer {position} på ventelisten." in page.content()
    assert same_origin(page, site.url) == []
