"""A visitor writes to the organisation in a real browser: the form on /kontakt/, the thank-you,
the notice to the organisation and the receipt; a form with errors keeps what was written."""

from django.core import mail

from contact.models import ContactMessage
from pages.models import OrganisationSettings
from tests.e2e.conftest import same_origin


def test_a_visitor_sends_a_message_and_gets_a_receipt(page, site):
    recipient = OrganisationSettings.objects.get().email
    page.goto("/kontakt/")
    assert page.get_by_text("Ikke skriv om din egen eller andres helse her").is_visible()
    page.get_by_role("textbox", name="Navn").fill("Kari Nordmann")
    page.get_by_role("textbox", name="E-post").fill("kari@")
    page.get_by_role("textbox", name="Emne").fill("Likepersongruppe")
    page.get_by_role("textbox", name="Melding").fill("Når møtes gruppen?")
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_load_state()
    email = page.get_by_role("textbox", name="E-post")
    assert "navn@eksempel.no" in page.locator("#id_email_error").inner_text()
    assert page.get_by_role("textbox", name="Melding").input_value() == "Når møtes gruppen?"
    assert not ContactMessage.objects.exists()

    email.fill("kari@example.no")
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_url("**/kontakt/?sendt=1#contact-form-heading")
    assert page.locator("[data-contact-sent]").is_visible()
    assert same_origin(page, site.url) == []
    stored = ContactMessage.objects.get()
    assert stored.subject == "Likepersongruppe" and stored.recipient == recipient
    assert {tuple(m.to) for m in mail.outbox} == {(recipient,), ("kari@example.no",)}
