"""The privacy page, its periods taken from the retention settings."""

from django.conf import settings

from pages.demo_content.body import call_to_action, heading, text
from pages.demo_content.page_spec import PageSpec
from pages.models import StandardPage


def privacy_retention_lines():
    """The privacy page's periods, from the settings the retention rules use
    (spero_site/retention.py), so the page says what the code does."""
    from campaigns.services import UNCONFIRMED_RETENTION
    from members.services import CONFIRM_WITHIN as MEMBER_CONFIRM_WITHIN
    from newsletter.services import CONFIRM_WITHIN

    return (
        f"<ul><li>Underskrifter som ikke blir bekreftet, sletter vi etter "
        f"{UNCONFIRMED_RETENTION.days} dager.</li>"
        f"<li>Underskrifter på et opprop anonymiserer vi {settings.SIGNATURE_RETENTION_MONTHS} "
        "måneder etter at oppropet er avsluttet.</li>"
        "<li>Påmeldinger til arrangementer, også ventelister, anonymiserer vi "
        f"{settings.EVENT_REGISTRATION_RETENTION_DAYS} dager etter arrangementet.</li>"
        "<li>Gaver som aldri blir betalt, sletter vi etter "
        f"{settings.DONATION_UNPAID_RETENTION_DAYS} dager.</li>"
        f"<li>Betalte gaver tar vi vare på i {settings.DONATION_RETENTION_YEARS} år etter "
        "utgangen av året da du sist ga, fordi bokføringsloven krever det. Deretter sletter vi "
        "navnet, e-postadressen, meldingen og fødselsnummeret ditt, og bare beløpet og datoen "
        "blir igjen.</li>"
        "<li>Meldinger fra kontaktskjemaet sletter vi "
        f"{settings.CONTACT_CLOSED_RETENTION_DAYS} dager etter at vi har svart, og senest "
        f"{settings.CONTACT_RETENTION_DAYS} dager etter at de kom.</li>"
        "<li>En påmelding til nyhetsbrevet som ikke blir bekreftet, sletter vi etter "
        f"{CONFIRM_WITHIN.days} dager. Melder du deg av, sletter vi adressen med en gang.</li>"
        "<li>Et medlemskap som ikke blir bekreftet, sletter vi etter "
        f"{MEMBER_CONFIRM_WITHIN.days} dager. Melder du deg ut, anonymiserer vi deg i "
        f"medlemsregisteret {settings.MEMBERSHIP_RESIGNED_RETENTION_DAYS} dager etter; det "
        "samme gjør vi når du ikke har betalt kontingent på to år.</li></ul>"
    )


# The donation and join pages' pointer here, next to the data they ask for.
PRIVACY_CALL_TO_ACTION = call_to_action(
    "Slik tar vi vare på opplysningene dine",
    "Les hva vi lagrer, hvor lenge, og hvilke rettigheter du har.",
    "Les om personvern",
    page="personvern",
)


PRIVACY = PageSpec(
    slug="personvern",
    parent="",
    model=StandardPage,
    title="Personvern",
    # Not in the main menu: the footer links it.
    show_in_menus=False,
    search_description="Slik behandler Spero foreningen personopplysninger: hva vi samler inn, "
    "hvor lenge vi tar vare på dem og hvilke rettigheter du har.",
    listing_summary="Hva vi samler inn, hvor lenge vi tar vare på det, og hvilke rettigheter du "
    "har.",
    intro="<p>Opplysninger om hvordan du forholder deg til rus og psykisk helse, er sårbare. "
    "Derfor samler vi inn så lite som mulig, tar vare på det så kort tid som mulig og viser det "
    "til så få som mulig.</p>",
    body=(
        heading("Hvem har ansvaret?"),
        text(
            "<p>Spero foreningen i Bergen er ansvarlig for personopplysningene som samles inn "
            "på dette nettstedet.</p>"
        ),
        heading("Når du leser nettstedet"),
        text(
            "<p>Når du bare leser, samler vi ikke inn noe om deg. Vi setter ingen "
            "informasjonskapsler (cookies), og sidene henter ikke noe fra andre nettsteder – "
            "verken skrifter, statistikkverktøy eller innhold fra sosiale medier.</p>"
            "<p>Sider med skjema setter én teknisk nødvendig informasjonskapsel som beskytter "
            "skjemaet mot misbruk. Den sier ingenting om hvem du er.</p>"
        ),
        heading("Når du fyller ut et skjema"),
        text(
            "<p>Du kan skrive under på oppropet, melde deg på et arrangement eller en "
            "venteliste, og gi en gave. Hvert skjema ber bare om det vi trenger. Spør vi om noe "
            "som ikke er påkrevd, forteller vi hvorfor.</p>"
            "<p>Vi ber om samtykket ditt før du sender inn, og vi tar vare på hvilken tekst du "
            "sa ja til, og når.</p>"
            "<p>IP-adressen din lagrer vi aldri slik den er, bare som en nøkkelbasert hash. Den "
            "bruker vi bare til å stoppe misbruk.</p>"
        ),
        heading("Hvor lenge vi tar vare på opplysningene"),
        text(privacy_retention_lines()),
        heading("Når du gir en gave"),
        text(
            "<p>Betaler du med Vipps, får Vipps MobilePay beløpet og en referanse til gaven – "
            "ikke navnet ditt, e-postadressen eller meldingen din.</p>"
            "<p>Vil du ha skattefradrag, ber vi om fødselsnummeret ditt. Vi lagrer det kryptert, "
            "viser det aldri på nettsidene og bruker det bare til å rapportere gavene dine til "
            "Skatteetaten.</p>"
        ),
        heading("Hvem som ser opplysningene"),
        text(
            "<p>Bare de få i foreningen som trenger opplysningene for å følge opp oppropet, "
            "arrangementer eller gaver, kan se dem, og det blir logget når de gjør det. "
            "Frivillige som skriver på nettsidene, har ikke tilgang.</p>"
        ),
        heading("Dine rettigheter"),
        text(
            "<p>Du har rett til å få vite hvilke opplysninger vi har om deg, og til å få dem "
            "rettet eller slettet. Du kan når som helst trekke tilbake samtykket ditt. I "
            "e-postene vi sender deg, finner du en lenke der du selv kan trekke deg eller "
            "slette opplysningene dine.</p>"
            '<p>På <a href="/mine-data/">Mine data</a> kan du skrive e-postadressen din og få '
            "en lenke til en side som viser alt vi har om deg fra dette nettstedet – "
            "underskrifter, påmeldinger og gaver. Der kan du laste det ned eller slette det. "
            "For gaver må vi ta vare på beløp og dato så lenge bokføringsloven krever.</p>"
            "<p>Mener du at vi ikke behandler opplysningene dine riktig, kan du klage til "
            "Datatilsynet.</p>"
        ),
        heading("Spørsmål om personvern"),
        text(
            '<p>Skriv til oss på <a href="mailto:post@speroforeningen.no">'
            "post@speroforeningen.no</a> eller ring +47 98 36 11 11.</p>"
        ),
    ),
)
