"""WCAG 2.1 AA as a reader's browser shows it: axe-core (tests/e2e/vendor/, see its README) runs
in Chromium on every public page type of the demo content and on every public form with its
errors shown, at a desktop width and at a narrow mobile one, with only the WCAG 2.0/2.1 A and AA
rules; and at 320 CSS px no page scrolls sideways (Reflow, which axe does not check). Every one
of those pages loads nothing from another host, and only pages with a form that carries a CSRF
token set a cookie: the CSRF cookie, nothing else (the opprop's form has none).

Each page or state is one entry in STATES: how a person gets there, the status the site answers
with, and whether it sets the CSRF cookie."""

import datetime
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from campaigns import services as campaign_services
from campaigns.models import Petition
from donations import services as donation_services
from events import services as event_services
from events.models import Event, Registration
from members import services as member_services
from newsletter import services as newsletter_services
from pages.models import OrganisationSettings
from privacy import links
from tests.e2e.conftest import same_origin

AXE_PATH = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_VERSION = "4.14.1"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "mobile": {"width": 375, "height": 667}}
# WCAG 2.1 1.4.10 Reflow, which axe does not check: at 320 CSS px nothing scrolls sideways.
REFLOW_VIEWPORT = {"width": 320, "height": 568}

PETITION = "stopp-stigma"
EVENT = "jubileumskonferanse"
# One person with a signature, a registration and a gift, for «Mine data».
PERSON = "kari.a11y@example.no"


def axe_source():
    source = AXE_PATH.read_bytes()
    digest = hashlib.sha256(source).hexdigest()
    assert digest == AXE_SHA256, f"{AXE_PATH} is not axe-core {AXE_VERSION} (see vendor/README.md)"
    return source.decode()


def axe_violations(page):
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now. The script is evaluated
    through the DevTools protocol, not added as a <script>: the site's Content-Security-Policy
    allows no inline script, and the page is audited as the reader gets it."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
        assert page.evaluate("() => window.axe.version") == AXE_VERSION
    results = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                      resultTypes: ['violations']})
                 .then(results => ({
                     passes: results.passes.map(rule => rule.id),
                     violations: results.violations.map(v => ({
                         id: v.id, impact: v.impact, help: v.help,
                         nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html,
                                                   summary: n.failureSummary}))}))}))""",
        WCAG_21_AA,
    )
    # A run that checked nothing would find nothing: the page's text, title and language were.
    assert {"color-contrast", "document-title", "html-has-lang"} <= set(results["passes"]), (
        page.url,
        results["passes"],
    )
    return results["violations"]


def sideways_overflow(page):
    """What sticks out to the right of a page that scrolls sideways (empty when it does not)."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            if (document.documentElement.scrollWidth <= width) return [];
            return [...document.body.querySelectorAll('*')]
                .filter(el => el.getBoundingClientRect().right > width + 0.5)
                .slice(0, 8)
                .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
                           + ': ' + (el.innerText || '').trim().slice(0, 60));
        }"""
    )


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"  {node['target']}: {node['html'][:160]}")
            lines.append("    " + (node["summary"] or "").replace("\n", "\n    "))
        if len(violation["nodes"]) > 5:
            lines.append(f"  … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


# --- How a person reaches each page or state ------------------------------------------------


def submit(page, button):
    """Press a form's submit button and wait for the page the site answers with."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button).click()
    return navigation.value


def sign_up(confirmed):
    campaign_services.sign(
        PETITION,
        campaign_services.SignatureData("Kari Nordmann", PERSON, "5003", True, "Stigma må bort."),
        ip_hash="e2e",
    )
    signature = Petition.objects.get(slug=PETITION).signatures.get(email=PERSON)
    if confirmed:
        campaign_services.confirm(campaign_services.confirm_token(signature))
    return signature


def register(email=PERSON):
    event = Event.objects.get(slug=EVENT)
    data = event_services.RegistrationData(
        "Kari Nordmann", email, "412 34 567", "municipality", "Bergen kommune", 1, "Vegetar", ""
    )
    return event_services.register(event.pk, data)


def give():
    organisation = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
    organisation.bank_account = "1503.12.34561"
    organisation.save()
    data = donation_services.DonationData(50_000, "one_off", "Kari Nordmann", PERSON, "Takk!")
    return donation_services.create_intent(data, provider_name="manual")


def opprop_confirm(page):
    signature = sign_up(confirmed=False)
    return page.goto(f"/opprop/{PETITION}/bekreft/{campaign_services.confirm_token(signature)}/")


def opprop_withdraw(page):
    signature = sign_up(confirmed=True)
    return page.goto(
        f"/opprop/{PETITION}/trekk-tilbake/{campaign_services.withdraw_token(signature)}/"
    )


def opprop_invalid_link(page):
    page.goto(f"/opprop/{PETITION}/bekreft/ikke-en-gyldig-lenke/")
    return submit(page, "Bekreft signaturen min")


def own_registration(status):
    def visit(page):
        if status == Registration.Status.WAITING:
            registration = Registration.objects.filter(status=status).order_by("pk").first()
        else:
            registration = register()
            if status == Registration.Status.OFFERED:
                Registration.objects.filter(pk=registration.pk).update(
                    status=status, offer_expires_at=timezone.now() + datetime.timedelta(hours=48)
                )
        return page.goto(f"/pamelding/min/{registration.token}/")

    return visit


def donation_intent(page):
    return page.goto(f"/gave/{give().pk}/")


def confirmed_member():
    kind = member_services.offered_kinds().get(name="Ordinært medlem")
    membership = member_services.join(
        member_services.JoinData(kind.pk, "Kari Nordmann", PERSON, "5003", "Bergen"),
        consent_version=1,
        ip_hash="e2e",
    )
    return member_services.confirm(member_services.confirm_token(membership))


def member_page(paying):
    def visit(page):
        membership = confirmed_member()
        if paying:
            member_services.ask_for_fee(membership.pk, provider_name="manual")
        return page.goto(reverse("members:own", args=[member_services.member_token(membership)]))

    return visit


def member_link(view):
    def visit(page):
        membership = confirmed_member()
        if view == "confirm":
            token = member_services.confirm_token(membership)
            membership.status = "unconfirmed"
            membership.save(update_fields=["status"])
        else:
            token = member_services.member_token(membership)
        return page.goto(reverse(f"members:{view}", args=[token]))

    return visit


def member_resigned(page):
    member_link("resign")(page)
    return submit(page, "Ja, meld meg ut")


def membership_form(bad):
    def visit(page):
        page.goto("/bli-medlem/")
        if bad:
            page.get_by_label(re.compile("^Ungdomsmedlem")).check()
            page.get_by_role("textbox", name="E-post").fill("kari@")
            page.get_by_label("Postnummer", exact=True).fill("50")
            page.get_by_role("textbox", name=re.compile("Telefon")).fill("ring meg")
            page.get_by_label("Fødselsår", exact=True).fill("1950")
        return submit(page, "Bli medlem")

    return visit


def newsletter_pages():
    """A newsletter archive with one published newsletter (the demo has none)."""
    from pages.models import HomePage, NewsletterIndexPage, NewsletterPage

    archive = NewsletterIndexPage.objects.first()
    if archive is not None:  # one run visits both pages
        return archive, NewsletterPage.objects.get()
    home = HomePage.objects.get()
    archive = home.add_child(
        instance=NewsletterIndexPage(title="Tidligere nyhetsbrev", slug="nyhetsbrev-arkiv")
    )
    letter = archive.add_child(
        instance=NewsletterPage(
            title="Nytt fra Spero i desember",
            slug="desember",
            intro="<p>Takk for et år mot stigma.</p>",
            body=[
                ("heading", {"text": "Opprop", "level": "h2"}),
                ("text", "<p>Over 1000 har skrevet under.</p>"),
            ],
        )
    )
    letter.save_revision().publish()
    return archive, letter


def newsletter_archive(page):
    archive, _letter = newsletter_pages()
    return page.goto(archive.url)


def newsletter_page(page):
    _archive, letter = newsletter_pages()
    return page.goto(letter.url)


def mine_data_result(page):
    sign_up(confirmed=True)
    # The demo conference is full: the person is on its waiting list.
    register()
    give()
    confirmed_member()
    return page.goto(f"/mine-data/{links.make_token(links.Identity.of(PERSON))}/")


def mine_data_nothing_held(page):
    return page.goto(f"/mine-data/{links.make_token(links.Identity.of('ingen@example.no'))}/")


def mine_data_sent(page):
    page.goto("/mine-data/")
    page.get_by_role("textbox", name="E-post").fill(PERSON)
    return submit(page, "Send meg en lenke")


def form_not_sent(page):
    """A form sent once its CSRF cookie is gone (as after a long while): the site's 403 page."""
    page.goto("/mine-data/")
    page.context.clear_cookies()
    page.get_by_role("textbox", name="E-post").fill(PERSON)
    return submit(page, "Send meg en lenke")


def opprop_form(bad):
    def visit(page):
        page.goto(f"/{PETITION}/")
        if bad:
            page.get_by_label("Fullt navn", exact=True).fill("K")
            page.get_by_role("textbox", name="E-post").fill("kari@")
            page.get_by_label("Postnummer", exact=True).fill("50")
        return submit(page, "Skriv under")

    return visit


def registration_form(bad):
    def visit(page):
        page.goto(f"/arrangementer/{EVENT}/")
        if bad:
            page.get_by_label("Fullt navn", exact=True).fill("Ola Nordmann")
            page.get_by_role("textbox", name="E-post").fill("ola.example.no")
            page.get_by_role("textbox", name=re.compile("Telefon")).fill("ring meg")
            # For a municipality, without its name.
            page.locator("#id_affiliation").select_option("municipality")
        return submit(page, "Sett meg på venteliste")

    return visit


def donation_form(bad):
    def visit(page):
        if bad:
            # With the tax deduction offered, so that its fieldset is checked with errors too.
            organisation = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
            organisation.tax_deduction_approved = True
            organisation.save()
        page.goto("/gi-en-gave/")
        if bad:
            page.get_by_label("Annet beløp", exact=True).check()
            page.get_by_label(re.compile("Annet beløp \\(kr\\)")).fill("tre kroner")
            page.get_by_role("textbox", name="E-post").fill("kari@")
            page.get_by_label(re.compile("Fødselsnummer")).fill("12345678901")
        else:
            page.locator("input[name=amount]:checked").evaluate("radio => radio.checked = false")
        return submit(page, re.compile("bankoverføring"))

    return visit


def mine_data_form(bad):
    def visit(page):
        page.goto("/mine-data/")
        if bad:
            page.get_by_role("textbox", name="E-post").fill("ikke en adresse")
        return submit(page, "Send meg en lenke")

    return visit


def contact_form(bad):
    def visit(page):
        page.goto("/kontakt/")
        if bad:
            page.get_by_role("textbox", name="E-post").fill("kari@")
            page.get_by_role("textbox", name="Melding").fill("x" * 5001)
        return submit(page, "Send")

    return visit


def contact_sent(page):
    page.goto("/kontakt/")
    page.get_by_role("textbox", name="Navn").fill("Kari Nordmann")
    page.get_by_role("textbox", name="E-post").fill("kari@example.no")
    page.get_by_role("textbox", name="Emne").fill("Spørsmål")
    page.get_by_role("textbox", name="Melding").fill("Når er neste møte?")
    return submit(page, "Send")


def newsletter_form(bad):
    def visit(page):
        page.goto("/nyhetsbrev/")
        if bad:
            page.get_by_role("textbox", name="E-post").fill("kari@")
        return submit(page, "Meld meg på")

    return visit


def newsletter_link(view):
    def visit(page):
        subscriber = newsletter_services.subscribe(
            newsletter_services.SubscriberData(PERSON), consent_version=1, ip_hash="0" * 64
        )
        token = getattr(newsletter_services, f"{view}_token")(subscriber)
        return page.goto(reverse(f"newsletter:{view}", args=[token]))

    return visit


def goto(path):
    return lambda page: page.goto(path)


@dataclass(frozen=True)
class State:
    id: str
    visit: Callable
    status: int = 200
    csrf_cookie: bool = False


STATES = [
    # Content pages: a reader gets no cookie.
    State("home", goto("/")),
    State("standard-vision", goto("/visjon/")),
    State("standard-privacy", goto("/personvern/")),
    State("campaign", goto(f"/{PETITION}/")),
    State("statistics", goto("/statistikk/")),
    State("events-index", goto("/arrangementer/")),
    State("conference", goto(f"/arrangementer/{EVENT}/"), csrf_cookie=True),
    State("news-index", goto("/nyheter/")),
    State("article", goto("/nyheter/jubileumskonferansen-er-fulltegnet/")),
    State("contact", goto("/kontakt/")),
    State("donation", goto("/gi-en-gave/"), csrf_cookie=True),
    State("search-results", goto("/sok/?q=stigma")),
    State("search-no-results", goto("/sok/?q=ingenting-her")),
    State("search-no-query", goto("/sok/")),
    State("not-found", goto("/finnes-ikke/"), status=404),
    # The opprop's steps.
    State("opprop-check-email", goto(f"/opprop/{PETITION}/sjekk-e-posten/")),
    State("opprop-confirm", opprop_confirm, csrf_cookie=True),
    State("opprop-thanks", goto(f"/opprop/{PETITION}/takk/")),
    State("opprop-withdraw", opprop_withdraw, csrf_cookie=True),
    State("opprop-withdrawn", goto(f"/opprop/{PETITION}/trukket/")),
    State("opprop-invalid-link", opprop_invalid_link, status=400, csrf_cookie=True),
    # Registration's steps and a person's own page.
    State("registration-check-email", goto(f"/pamelding/{EVENT}/sjekk-e-posten/")),
    State("registration-own-waiting", own_registration("waiting"), csrf_cookie=True),
    State("registration-own-offered", own_registration("offered"), csrf_cookie=True),
    # A gift's own page: how to pay by bank transfer.
    State("donation-intent", donation_intent),
    # «Mine data».
    State("mine-data", goto("/mine-data/"), csrf_cookie=True),
    State("mine-data-sent", mine_data_sent, csrf_cookie=True),
    State("mine-data-result", mine_data_result, csrf_cookie=True),
    State("mine-data-nothing-held", mine_data_nothing_held),
    State("mine-data-invalid-link", goto("/mine-data/ugyldig/"), status=400, csrf_cookie=True),
    # Every public form sent empty and with bad input, its errors shown.
    State("opprop-form-empty", opprop_form(bad=False), status=400),
    State("opprop-form-bad-input", opprop_form(bad=True), status=400),
    State("registration-form-empty", registration_form(bad=False), status=400, csrf_cookie=True),
    State("registration-form-bad-input", registration_form(bad=True), status=400, csrf_cookie=True),
    State("donation-form-empty", donation_form(bad=False), status=400, csrf_cookie=True),
    State("donation-form-bad-amount", donation_form(bad=True), status=400, csrf_cookie=True),
    State("mine-data-form-empty", mine_data_form(bad=False), status=400, csrf_cookie=True),
    State("mine-data-form-bad-input", mine_data_form(bad=True), status=400, csrf_cookie=True),
    State("contact-form-empty", contact_form(bad=False), status=400),
    State("contact-form-bad-input", contact_form(bad=True), status=400),
    State("contact-sent", contact_sent),
    State("newsletter", goto("/nyhetsbrev/")),
    State("newsletter-form-empty", newsletter_form(bad=False), status=400),
    State("newsletter-form-bad-input", newsletter_form(bad=True), status=400),
    State("newsletter-check-email", goto("/nyhetsbrev/sjekk-e-posten/")),
    State("newsletter-confirm", newsletter_link("confirm"), csrf_cookie=True),
    State("newsletter-unsubscribe", newsletter_link("unsubscribe")),
    State("newsletter-archive", newsletter_archive),
    State("newsletter-page", newsletter_page),
    # Joining, and a member's own pages.
    State("membership", goto("/bli-medlem/")),
    State("membership-form-empty", membership_form(bad=False), status=400),
    State("membership-form-bad-input", membership_form(bad=True), status=400),
    State("membership-check-email", goto("/medlem/sjekk-e-posten/")),
    State("membership-confirm", member_link("confirm"), csrf_cookie=True),
    State("member-page", member_page(paying=False)),
    State("member-page-bank-transfer", member_page(paying=True)),
    State("member-resign", member_link("resign")),
    State("member-resigned", member_resigned),
    State("member-invalid-link", goto("/medlem/ugyldig/"), status=404),
    State("form-not-sent", form_not_sent, status=403),
]


def test_the_vendored_axe_core_is_the_pinned_release():
    assert hashlib.sha256(AXE_PATH.read_bytes()).hexdigest() == AXE_SHA256
    assert f"/*! axe v{AXE_VERSION}" in AXE_PATH.read_text()[:40]


@pytest.mark.parametrize("state", STATES, ids=[state.id for state in STATES])
def test_no_wcag_21_aa_violations(page, site, state):
    response = state.visit(page)
    assert response.status == state.status, page.url
    page.wait_for_load_state()
    found = {}
    for name, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        violations = axe_violations(page)
        if violations:
            found[name] = describe(violations)
    report = "\n".join(f"[{name}] {page.url}\n{text}" for name, text in found.items())
    assert not found, f"axe found WCAG 2.1 AA violations:\n{report}"
    page.set_viewport_size(REFLOW_VIEWPORT)
    assert sideways_overflow(page) == [], f"{page.url} scrolls sideways at 320px"


def test_no_page_loads_anything_from_another_host_and_only_forms_set_a_cookie(browser, site):
    """Each page in a fresh browser, as a new reader: every request to the site itself, and no
    cookie but Django's CSRF cookie, and that only where the page has a form."""
    seen = {}
    for state in STATES:
        context = browser.new_context(locale="nb-NO", base_url=site.url)
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.requests_seen = []
        page.on("request", lambda request, page=page: page.requests_seen.append(request.url))
        try:
            status = state.visit(page).status
            page.wait_for_load_state()
            seen[state.id] = {
                "status": status,
                "cookies": sorted(cookie["name"] for cookie in context.cookies()),
                "other hosts": same_origin(page, site.url),
            }
        finally:
            context.close()
    expected = {
        state.id: {
            "status": state.status,
            "cookies": ["csrftoken"] if state.csrf_cookie else [],
            "other hosts": [],
        }
        for state in STATES
    }
    assert seen == expected


def test_forms_on_private_pages_can_be_sent(page, site):
    """«Mine data» asks for a link, and a person leaves the waiting list from their own page:
    both POSTs from pages that send no referrer to other hosts (Referrer-Policy: same-origin).
    With no-referrer the browser sent `Origin: null` and Django's CSRF check refused them."""
    page.goto("/mine-data/")
    page.get_by_role("textbox", name="E-post").fill(PERSON)
    statuses = {"mine-data": submit(page, "Send meg en lenke").status}
    waiting = Registration.objects.filter(status=Registration.Status.WAITING).first()
    page.goto(f"/pamelding/min/{waiting.token}/")
    statuses["registration-own-page"] = submit(page, "Meld meg av ventelisten").status
    assert statuses == {"mine-data": 200, "registration-own-page": 200}
