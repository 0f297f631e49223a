"""Every public page and form state of the demo content, as a person gets there in a browser:
one State each in STATES, with the status the site answers with and whether it sets the CSRF
cookie. The accessibility tests (test_accessibility.py) visit them all."""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

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

PETITION = "stopp-stigma"
EVENT = "jubileumskonferanse"
# One person with a signature, a registration and a gift, for «Mine data».
PERSON = "kari.a11y@example.no"


def submit(page, button):
    """Press a form's submit button and wait for the page the site answers with."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button).click()
    return navigation.value


def form_sent(path, button, fill=None):
    """A visit that opens the form at `path`, lets `fill` fill it in (without it the form goes
    empty) and sends it."""

    def visit(page):
        page.goto(path)
        if fill:
            fill(page)
        return submit(page, button)

    return visit


def own_email(page):
    page.get_by_role("textbox", name="E-post").fill(PERSON)


def without_csrf_cookie(page):
    """As when a form is sent a long while after it was opened: its CSRF cookie is gone."""
    page.context.clear_cookies()
    own_email(page)


def bad_signature(page):
    page.get_by_label("Fullt navn", exact=True).fill("K")
    page.get_by_role("textbox", name="E-post").fill("kari@")
    page.get_by_label("Postnummer", exact=True).fill("50")


def bad_registration(page):
    page.get_by_label("Fullt navn", exact=True).fill("Ola Nordmann")
    page.get_by_role("textbox", name="E-post").fill("ola.example.no")
    page.get_by_role("textbox", name=re.compile("Telefon")).fill("ring meg")
    # For a municipality, without its name.
    page.locator("#id_affiliation").select_option("municipality")


def bad_membership(page):
    page.get_by_label(re.compile("^Ungdomsmedlem")).check()
    page.get_by_role("textbox", name="E-post").fill("kari@")
    page.get_by_label("Postnummer", exact=True).fill("50")
    page.get_by_role("textbox", name=re.compile("Telefon")).fill("ring meg")
    page.get_by_label("Fødselsår", exact=True).fill("1950")


def bad_email(page):
    page.get_by_role("textbox", name="E-post").fill("kari@")


def not_an_address(page):
    page.get_by_role("textbox", name="E-post").fill("ikke en adresse")


def bad_contact_message(page):
    page.get_by_role("textbox", name="E-post").fill("kari@")
    page.get_by_role("textbox", name="Melding").fill("x" * 5001)


def contact_message(page):
    page.get_by_role("textbox", name="Navn").fill("Kari Nordmann")
    page.get_by_role("textbox", name="E-post").fill("kari@example.no")
    page.get_by_role("textbox", name="Emne").fill("Spørsmål")
    page.get_by_role("textbox", name="Melding").fill("Når er neste møte?")


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


def sent_empty_and_with_bad_input(name, form, bad_input, *, csrf_cookie=False):
    """The states of a form sent empty and with `bad_input` filled in: answered 400 both times,
    with its errors shown."""
    return [
        State(f"{name}-form-empty", form_sent(*form), status=400, csrf_cookie=csrf_cookie),
        State(
            f"{name}-form-bad-input",
            form_sent(*form, bad_input),
            status=400,
            csrf_cookie=csrf_cookie,
        ),
    ]


OPPROP_FORM = (f"/{PETITION}/", "Skriv under")
REGISTRATION_FORM = (f"/arrangementer/{EVENT}/", "Sett meg på venteliste")
MINE_DATA_FORM = ("/mine-data/", "Send meg en lenke")
CONTACT_FORM = ("/kontakt/", "Send")
NEWSLETTER_FORM = ("/nyhetsbrev/", "Meld meg på")
MEMBERSHIP_FORM = ("/bli-medlem/", "Bli medlem")

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
    State("mine-data-sent", form_sent(*MINE_DATA_FORM, own_email), csrf_cookie=True),
    State("mine-data-result", mine_data_result, csrf_cookie=True),
    State("mine-data-nothing-held", mine_data_nothing_held),
    State("mine-data-invalid-link", goto("/mine-data/ugyldig/"), status=400, csrf_cookie=True),
    # Every public form sent empty and with bad input, its errors shown.
    *sent_empty_and_with_bad_input("opprop", OPPROP_FORM, bad_signature),
    *sent_empty_and_with_bad_input(
        "registration", REGISTRATION_FORM, bad_registration, csrf_cookie=True
    ),
    State("donation-form-empty", donation_form(bad=False), status=400, csrf_cookie=True),
    State("donation-form-bad-amount", donation_form(bad=True), status=400, csrf_cookie=True),
    *sent_empty_and_with_bad_input("mine-data", MINE_DATA_FORM, not_an_address, csrf_cookie=True),
    *sent_empty_and_with_bad_input("contact", CONTACT_FORM, bad_contact_message),
    State("contact-sent", form_sent(*CONTACT_FORM, contact_message)),
    State("newsletter", goto("/nyhetsbrev/")),
    *sent_empty_and_with_bad_input("newsletter", NEWSLETTER_FORM, bad_email),
    State("newsletter-check-email", goto("/nyhetsbrev/sjekk-e-posten/")),
    State("newsletter-confirm", newsletter_link("confirm"), csrf_cookie=True),
    State("newsletter-unsubscribe", newsletter_link("unsubscribe")),
    State("newsletter-archive", newsletter_archive),
    State("newsletter-page", newsletter_page),
    # Joining, and a member's own pages.
    State("membership", goto("/bli-medlem/")),
    *sent_empty_and_with_bad_input("membership", MEMBERSHIP_FORM, bad_membership),
    State("membership-check-email", goto("/medlem/sjekk-e-posten/")),
    State("membership-confirm", member_link("confirm"), csrf_cookie=True),
    State("member-page", member_page(paying=False)),
    State("member-page-bank-transfer", member_page(paying=True)),
    State("member-resign", member_link("resign")),
    State("member-resigned", member_resigned),
    State("member-invalid-link", goto("/medlem/ugyldig/"), status=404),
    State("form-not-sent", form_sent(*MINE_DATA_FORM, without_csrf_cookie), status=403),
]
