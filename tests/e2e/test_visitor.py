"""A visitor in a real browser: reads the site, signs the opprop, confirms from the e-mail and
sees the count rise — with nothing loaded from another host and no cookie while reading — and
the campaign page, stored for every reader, showing the live count by its script."""

import re

from django.core import mail
from django.utils import translation

from campaigns import services
from campaigns.models import Petition, Signature
from spero_site.templatetags.spero_tags import number
from tests.e2e.conftest import same_origin
from tests.migrations_data import assert_migrations_data

COUNT = "#petition-count strong"


def count_on(page):
    text = page.locator(COUNT).inner_text()
    return int(re.sub(r"\D", "", text))


def wait_for_count(page, expected):
    """Until the page shows this count (its script may bring it up to date after loading)."""
    page.wait_for_function(
        "([selector, expected]) => "
        "document.querySelector(selector).textContent.replace(/\\D/g, '') === expected",
        arg=[COUNT, str(expected)],
    )


def test_a_visitor_reads_signs_and_confirms(page, site):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "nb"
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Vår visjon").click()
    page.wait_for_url("**/visjon/")
    assert page.get_by_role("heading", level=1).inner_text() == "Vår visjon"
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Statistikk").click()
    page.wait_for_url("**/statistikk/")
    assert page.locator("svg").count() >= 1 and page.locator("table").count() >= 1
    assert page.context.cookies() == []  # a reader gets no cookie

    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Stopp stigma"
    ).click()
    page.wait_for_url("**/stopp-stigma/")
    before = count_on(page)
    page.get_by_label("Fullt navn", exact=True).fill("Kari Nordmann")
    page.get_by_role("textbox", name="E-post").fill("kari.e2e@example.no")
    page.get_by_label("Postnummer", exact=True).fill("5003")
    page.get_by_role("checkbox", name=re.compile("samtykker", re.I)).check()
    page.get_by_role("button", name="Skriv under").click()
    page.wait_for_url("**/opprop/**")
    assert "Sjekk e-posten din" in page.get_by_role("heading", level=1).inner_text()

    [message] = [m for m in mail.outbox if m.to == ["kari.e2e@example.no"]]
    confirm_url = re.search(r"http\S+/bekreft/\S+", message.body) or re.search(
        r"(http\S+)", message.body
    )
    page.goto(confirm_url[0])
    page.get_by_role("button", name=re.compile("Bekreft")).click()
    page.wait_for_load_state()
    assert count_on(page) == before + 1
    page.goto("/stopp-stigma/")
    wait_for_count(page, before + 1)
    assert same_origin(page, site.url) == []


def confirm_one_signature(slug, email):
    services.sign(
        slug,
        services.SignatureData(
            full_name="Nils Nilsen",
            email=email,
            postal_code="5003",
            show_publicly=False,
            comment="",
        ),
        ip_hash="e2e",
    )
    services.confirm(services.confirm_token(Signature.objects.get(email_normalized=email)))


def test_the_stored_campaign_page_shows_the_live_count(page, site):
    page.goto("/stopp-stigma/")
    petition = Petition.objects.get(slug="stopp-stigma")
    wait_for_count(page, petition.signature_count)
    assert page.context.cookies() == []
    confirm_one_signature(petition.slug, "nils.e2e@example.no")

    # The page as stored still says the old count; the script shows the new one.
    stored = page.request.get("/stopp-stigma/").text()
    with translation.override("nb"):
        assert f"<strong>{number(petition.signature_count)}</strong>" in stored
    page.reload()
    wait_for_count(page, petition.signature_count + 1)
    petition.refresh_from_db()
    assert page.locator("progress").get_attribute("value") == str(petition.progress_percent)

    # A reader coming back to the open page sees the count of that moment.
    confirm_one_signature(petition.slug, "nils2.e2e@example.no")
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    wait_for_count(page, petition.signature_count + 1)
    assert page.context.cookies() == []
    assert same_origin(page, site.url) == []


def test_the_database_is_back_to_migrations_data_after_a_browser_test(live_server):
    # Runs after the browser test above (file order). pytest-django empties the tables after
    # every other fixture of a live-server test is gone; tests/conftest.py must refill them.
    assert_migrations_data()


def test_another_site_cannot_make_a_browser_sign(page, site):
    """The opprop's form has no CSRF token: a form on another site's page, posting to it, is
    refused by what the browser itself says of the request (spero_site/cross_site.py)."""
    action = f"{site.url}/opprop/stopp-stigma/signer/"
    page.route(
        "http://angriper.test/",
        lambda route: route.fulfill(
            content_type="text/html",
            body=(
                f'<form method="post" action="{action}">'
                '<input name="full_name" value="Kari Nordmann">'
                '<input name="email" value="kari.forfalsket@example.no">'
                '<input name="postal_code" value="5003"><input name="consent" value="on">'
                "<button>Send</button></form>"
            ),
        ),
    )
    page.goto("http://angriper.test/")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Send").click()
    assert navigation.value.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "Skjemaet ble ikke sendt"
    assert not Signature.objects.filter(email="kari.forfalsket@example.no").exists()
