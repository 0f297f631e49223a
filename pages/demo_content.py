"""Norwegian demo content for the Spero site, and the builders that load it.

The text is written anew from the facts in the seed pages (the front page of Spero foreningen,
Selvhjelp Norge's jubilee conference page and the sourced figures in statistikk.md). Names, dates,
phone numbers, e-mail addresses, figures with their sources and the quotes with their speakers are
kept exactly as the seeds give them; nothing the seeds do not give (bank account, Vipps number,
organisation number, partners) is invented.

Loading is idempotent: pages (by slug under their parent) and statistics (by title) that already
exist are left exactly as they are, so an editor's later edits are never overwritten; only what is
missing is created and published.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from campaigns.models import Petition
from events.models import Event, Registration
from members.models import MembershipKind
from pages.models import (
    ArticlePage,
    CampaignPage,
    ConferencePage,
    ContactPage,
    DonationPage,
    EventIndexPage,
    HomePage,
    MembershipPage,
    NewsIndexPage,
    OrganisationSettings,
    StandardPage,
    Statistic,
    StatisticPoint,
    StatisticsPage,
)

SITE_NAME = "Spero foreningen"
SITE_HOSTNAME = "localhost"
SITE_PORT = 80


# --- References, resolved to database objects when a page is built -------------------------

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


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


@dataclass(frozen=True)
class PageRef:
    """A page by its path under the home page, e.g. "stopp-stigma" ("" is the home page)."""

    path: str


@dataclass(frozen=True)
class StatisticRef:
    title: str


@dataclass(frozen=True)
class PetitionRef:
    slug: str


@dataclass(frozen=True)
class EventRef:
    slug: str


# The #StigmaEndsWithMe opprop the campaign page shows. The seeds give no goal; 1 000 is ours.
PETITION = {
    "slug": "stopp-stigma",
    "title": "Opprop: Stopp stigma",
    "text": "<p>Vi som skriver under, ber om at personer med rusavhengighet og psykiske lidelser "
    "blir møtt med hjelp og respekt – ikke med straff og avvisning.</p>"
    "<p>Ingen velger å bli avhengig eller å få en psykisk lidelse, og ingen skal være redd for "
    "å søke hjelp. Vi ber politikere, hjelpeapparatet og hver og en av oss om å gjøre noe med "
    "stigmaet. Det starter med meg.</p>",
    "goal": 1000,
    "show_signers": True,
    "consent_text": "Jeg samtykker i at Spero foreningen lagrer navnet, e-postadressen og "
    "postnummeret mitt for dette oppropet, slik personvernerklæringen beskriver. Jeg kan trekke "
    "signaturen tilbake når som helst.",
    "hashtag": "#StigmaEndsWithMe",
    "share_text": "Jeg har skrevet under på oppropet mot stigma. Bli med du også!",
}


# The conference the seed describes: Selvhjelp Norge's jubilee in Oslo on 18 October, fully
# booked before the deadline. The seed's year has passed; the demo takes the next 18 October, so
# that its registration and waiting list can be tried. Seats, times and the deadline are ours.
EVENT = {
    "slug": "jubileumskonferanse",
    "title": "Selvhjelp Norge 10 år – jubileumskonferanse",
    "organiser": "Selvhjelp Norge",
    "starts_at": datetime.datetime(2027, 10, 18, 9, 30, tzinfo=OSLO),
    "ends_at": datetime.datetime(2027, 10, 18, 16, 0, tzinfo=OSLO),
    "venue": "Oslo",
    "capacity": 150,
    "registration_opens_at": datetime.datetime(2026, 9, 1, 9, 0, tzinfo=OSLO),
    "registration_closes_at": datetime.datetime(2027, 10, 1, 23, 59, tzinfo=OSLO),
    "waiting_list": True,
    "offer_hold_hours": 48,
    "max_seats_per_registration": 4,
    "consent_text": "Jeg samtykker i at Spero foreningen lagrer opplysningene mine for å "
    "administrere påmeldingen, slik personvernerklæringen beskriver, og at de slettes 90 dager "
    "etter konferansen. Jeg kan melde meg av når som helst.",
}
DEMO_WAITING = 3
DEMO_ORGANISATIONS = {
    "municipality": "Bergen kommune",
    "voluntary": "Selvhjelp Norge",
    "community": "Frivilligsentralen i Åsane",
}


# Contact details from the seed front page, and the privacy statement the footer links to.
# Bank account, Vipps number and organisation number are not in the seeds and stay empty until an
# editor enters them.
ORGANISATION = {
    "phone": "+47 98 36 11 11",
    "email": "post@speroforeningen.no",
    "secondary_email": "post@spero.ngo",
    "address": "Bergen",
    "privacy_page": PageRef("personvern"),
    # Made up, but MOD11-valid, so that the whole bank-transfer flow can be tried; flagged as an
    # example when filled in, so donors are told not to pay to it (docs/donations.md).
    "bank_account": "1234.56.78903",
}


# --- Body blocks as (block type, value) tuples ------------------------------------------------


def heading(text, level="h2"):
    return ("heading", {"text": text, "level": level})


def text(html):
    return ("text", html)


def quote(text, speaker, role="", occasion=""):
    return ("quote", {"text": text, "speaker": speaker, "role": role, "occasion": occasion})


def call_to_action(heading, text, button_label, *, page=None, url=""):
    """A teaser linking to a page (by path under the home page) or to an address, never both."""
    if (page is None) == (not url):
        raise ValueError("A call to action links to either a page or an address.")
    return (
        "call_to_action",
        {
            "heading": heading,
            "text": text,
            "page": None if page is None else PageRef(page),
            "url": url,
            "button_label": button_label,
        },
    )


def statistic(title, year=None, display="figure"):
    return ("statistic", {"statistic": StatisticRef(title), "year": year, "display": display})


def partners(heading, text="", names=()):
    return (
        "partners",
        {
            "heading": heading,
            "text": text,
            "partners": [{"name": n, "logo": None, "url": ""} for n in names],
        },
    )


# --- Statistics (statistikk.md) -------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    name: str
    url: str = ""


@dataclass(frozen=True)
class Figure:
    year: int
    value: int
    note: str = ""
    reported_by: Source | None = None


@dataclass(frozen=True)
class StatisticSpec:
    title: str
    unit: str
    description: str
    source: Source
    figures: tuple[Figure, ...]


DODSARSAKSREGISTERET = Source("Dødsårsaksregisteret, Folkehelseinstituttet")
RESEPTREGISTERET = Source("Reseptregisteret, Folkehelseinstituttet")

# Where each year's figure was published. statistikk.md lists the reporting sources per statistic,
# not per year; each year is assigned to the report that covers it by date (older years to the
# older report, the latest years to Dagsavisen 30 May 2024).
NPK_2019 = Source("NPK, desember 2019")
DAGSAVISEN_2024 = Source("Dagsavisen, 30.05.2024")
# The address is as the seed gives it, including FHI's own spelling "nakotikautloste".
FHI_NARKOTIKA_2017 = Source(
    "Folkehelseinstituttet: Narkotikautløste dødsfall 2017",
    "https://fhi.no/nyheter/2018/nakotikautloste-dodsfall-2017",
)
FHI_NARKOTIKA_2021 = Source("Folkehelseinstituttet: Narkotikautløste dødsfall 2021")
RUSFELTET = Source("rusfeltet.no (tall fra Folkehelseinstituttet)")
DAGENS_MEDISIN_2018 = Source("Dagens Medisin / Fremover, 2018")

SELVMORD = "Selvmord i Norge"
NARKOTIKA = "Narkotikautløste dødsfall i Norge"
# statistikk.md (FHI's term) says "alkoholutløste"; the old front page said "alkoholrelatert".
# The figures are FHI's alcohol-induced deaths, so the title uses FHI's term.
ALKOHOL = "Alkoholutløste dødsfall i Norge"
ANTIDEPRESSIVA = "Brukere av antidepressiva i Norge"

STATISTICS = (
    StatisticSpec(
        title=SELVMORD,
        unit="selvmord",
        description="Antall selvmord i Norge hvert år, slik de er registrert i "
        "Dødsårsaksregisteret.",
        source=DODSARSAKSREGISTERET,
        figures=(
            Figure(2016, 615, "12,0 per 100 000 innbyggere", NPK_2019),
            Figure(2017, 595, "11,5 per 100 000 innbyggere (aldersjustert)", NPK_2019),
            Figure(2018, 674, "12,9 per 100 000 innbyggere", NPK_2019),
            Figure(2019, 652, "", DAGSAVISEN_2024),
            Figure(2021, 664, "", DAGSAVISEN_2024),
            Figure(2022, 623, "", DAGSAVISEN_2024),
            Figure(
                2023, 707, "Det nest høyeste tallet som er registrert, etter 1988", DAGSAVISEN_2024
            ),
        ),
    ),
    StatisticSpec(
        title=ALKOHOL,
        unit="dødsfall",
        description="Antall dødsfall i Norge hvert år der alkohol var den utløsende årsaken, "
        "ifølge Dødsårsaksregisteret.",
        source=DODSARSAKSREGISTERET,
        # The 2017 figure named on the old front page was not found: left for an editor.
        figures=(
            Figure(2015, 352, "", RUSFELTET),
            Figure(2016, 336, "", RUSFELTET),
            Figure(2022, 395, "", DAGSAVISEN_2024),
            Figure(2023, 450, "", DAGSAVISEN_2024),
        ),
    ),
    StatisticSpec(
        title=NARKOTIKA,
        unit="dødsfall",
        description="Antall dødsfall i Norge hvert år der narkotika var den utløsende årsaken, "
        "ifølge Dødsårsaksregisteret.",
        source=DODSARSAKSREGISTERET,
        figures=(
            Figure(2013, 234, "", FHI_NARKOTIKA_2017),
            Figure(2014, 266, "", FHI_NARKOTIKA_2017),
            Figure(2015, 289, "", FHI_NARKOTIKA_2017),
            Figure(2016, 284, "", FHI_NARKOTIKA_2017),
            Figure(2017, 247, "", FHI_NARKOTIKA_2017),
            Figure(2020, 324, "", FHI_NARKOTIKA_2021),
            Figure(2021, 241, "", FHI_NARKOTIKA_2021),
            Figure(2023, 363, "", DAGSAVISEN_2024),
        ),
    ),
    StatisticSpec(
        title=ANTIDEPRESSIVA,
        unit="brukere",
        description="Antall personer i Norge som fikk utlevert antidepressiva på resept i løpet "
        "av året, ifølge Reseptregisteret.",
        source=RESEPTREGISTERET,
        # The 2018 figure named on the old front page was not found: left for an editor.
        figures=(
            Figure(2008, 288414, "", DAGENS_MEDISIN_2018),
            Figure(2017, 332053, "62,93 per 1 000 innbyggere", DAGENS_MEDISIN_2018),
        ),
    ),
)


# --- Pages ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageSpec:
    """One page: where it goes, its model and its content.

    ``parent`` is the path of the parent under the home page ("" for the home page itself, None
    only for the home page, which sits under the tree's root).
    """

    slug: str
    parent: str | None
    model: type[Page]
    title: str
    search_description: str
    listing_summary: str
    intro: str = ""
    body: tuple = ()
    fields: dict = field(default_factory=dict, hash=False)
    show_in_menus: bool = False

    @property
    def path(self):
        if self.parent is None:
            return ""
        return f"{self.parent}/{self.slug}".strip("/")


HELP_NOW = (
    heading("Trenger du noen å snakke med nå?"),
    text(
        "<p>Spero er en interesseorganisasjon og kan ikke gi behandling eller akutt hjelp.</p>"
        "<ul><li>Er livet i fare: ring 113.</li>"
        "<li>Legevakten: ring 116 117.</li>"
        "<li>Mental Helses hjelpetelefon, åpen hele døgnet: ring 116 123.</li></ul>"
    ),
)

HOME = PageSpec(
    slug="hjem",
    parent=None,
    model=HomePage,
    title=SITE_NAME,
    search_description="Spero foreningen i Bergen er en frivillig bruker- og "
    "interesseorganisasjon for alle som er berørt av rus og psykisk helse. Vi arbeider mot "
    "stigma og for helse for alle.",
    listing_summary="Frivillig bruker- og interesseorganisasjon i Bergen for alle som er berørt "
    "av rus og psykisk helse.",
    fields={"tagline": "Spero betyr håp – for alle som er berørt av rus og psykisk helse"},
    intro="<p>Vi er en nasjonal bruker- og interesseorganisasjon for alle som er berørt av rus "
    "og psykisk helse. Foreningen holder til i Bergen og drives av frivillige.</p>",
    body=(
        heading("Håpet er kjernen i alt vi gjør"),
        text(
            "<p>Navnet vårt betyr håp på mange språk. Det er håp vi vil gi videre.</p>"
            "<p>Vi vil at alle, uansett alder, skal møtes med medfølelse i psykisk helsevern og "
            "rusomsorg. Vi arbeider for universell helsedekning slik FNs bærekraftsmål beskriver "
            "den, og vi legger særlig vekt på å bekjempe stigma.</p>"
            "<p>For oss handler det om å se hele mennesket, og om å snakke om hverandre med "
            "respekt.</p>"
        ),
        call_to_action(
            "Vår visjon",
            "Sosial rettferdighet for alle – uansett diagnose, tro, etnisitet, kjønnsidentitet "
            "eller økonomi.",
            "Les om visjonen vår",
            page="visjon",
        ),
        heading("Ord som gir retning"),
        heading("Helse for alle", "h3"),
        quote(
            "For meg er universell helsedekning et vakkert, enkelt konsept: alle mennesker skal "
            "ha tilgang til, og har råd til å bruke de viktige helsetjenestene de trenger. Og det "
            "er vårt felles ansvar å sikre at denne retten kan nytes av alle.",
            "Bent Høie",
            "helseminister",
            "72nd World Health Assembly, 2019",
        ),
        heading("Bærekraftsmålene", "h3"),
        quote(
            # Exactly as quoted on the seed page, trailing comma included.
            "By joining forces to achieve our goals, we can turn hope into reality – leaving no "
            "one behind,",
            "Erna Solberg",
            "statsminister, medleder for FNs SDG Advocates-gruppe",
        ),
        heading("Å ta vare på mennesket", "h3"),
        quote(
            "Psykisk sykdom er ikke en personlig svikt. Faktisk, hvis det er svikt, er den å "
            "finne i måten vi ivaretar mennesker med psykiske utfordringer",
            "Gro Harlem Brundtland",
            "Verdens helseorganisasjon (WHO)",
        ),
        heading("Ingen skal holdes utenfor", "h3"),
        quote(
            "Det er på tide at vi innser at uten å inkludere alle mennesker, kommer vi ikke til å "
            "nå SDGene og det fulle potensialet for bærekraftig utvikling. Dette er et økonomisk "
            "faktum, og en moralsk forpliktelse.",
            # The seed page misspells the name as "Dag-Inge Ulsteins"; his name is Ulstein.
            "Dag-Inge Ulstein",
            "utviklingsminister",
            "Verdensbankens vårmøte",
        ),
        call_to_action(
            "Stopp stigma",
            "Ingen velger å bli avhengig eller å få en psykisk lidelse. Skriv under på oppropet, "
            "og del bildene dine med #StigmaEndsWithMe.",
            "Skriv under på oppropet",
            page="stopp-stigma",
        ),
        heading("Tall som angår oss alle"),
        text("<p>Bak hvert tall står et menneske, og familie og venner som blir berørt.</p>"),
        # The years the old front page named. The 2017 alcohol figure and the 2018
        # antidepressant figure were not found: these two show no number until an editor
        # enters one with its source.
        statistic(SELVMORD, 2017),
        statistic(ALKOHOL, 2017),
        statistic(NARKOTIKA, 2017),
        statistic(ANTIDEPRESSIVA, 2018),
        call_to_action(
            "Mer statistikk",
            "Se hvordan tallene har utviklet seg over flere år, og hvor de kommer fra.",
            "Se statistikken",
            page="statistikk",
        ),
        call_to_action(
            "Ta kontakt",
            "Har du spørsmål eller innspill? Vi hører gjerne fra deg.",
            "Kontakt oss",
            page="kontakt",
        ),
        call_to_action(
            "Støtt arbeidet",
            "Hver gave går til opplysningsarbeid og forebygging innen psykisk helse, selvmord og "
            "rusavhengighet.",
            "Gi en gave",
            page="gi-en-gave",
        ),
        # The seed's partner strip names no one; editors add partners with their logos.
        partners(
            "Takk til våre partnere og sponsorer",
            "Arbeidet vårt er mulig takket være dem som støtter oss. Vil din bedrift eller "
            "organisasjon bli partner eller sponsor? Ta gjerne kontakt med oss.",
        ),
    ),
)

VISION = PageSpec(
    slug="visjon",
    parent="",
    model=StandardPage,
    title="Vår visjon",
    show_in_menus=True,
    search_description="Spero arbeider for medfølende psykisk helsevern og rusomsorg for alle, "
    "for universell helsedekning og mot stigma.",
    listing_summary="Sosial rettferdighet og medfølende hjelp for alle som er berørt av rus og "
    "psykisk helse.",
    intro="<p>Vi ønsker oss et samfunn der alle som strever med rus eller psykisk helse, blir "
    "møtt med respekt og får den hjelpen de trenger.</p>",
    body=(
        heading("Hvem vi er"),
        text(
            "<p>Spero er en nasjonal bruker- og interesseorganisasjon for alle som er berørt av "
            "rus og psykisk helse – enten det gjelder deg selv eller noen du er glad i.</p>"
            "<p>Vi holder til i Bergen, og alt vi gjør, bygger på frivillig innsats.</p>"
        ),
        heading("Det vi arbeider for"),
        text(
            "<ul><li>Psykisk helsevern og rusomsorg som møter mennesker i alle aldre med "
            "medfølelse.</li>"
            "<li>Universell helsedekning i tråd med FNs bærekraftsmål: alle skal få de "
            "helsetjenestene de trenger, og ha råd til dem.</li>"
            "<li>Et samfunn uten stigma, der ingen er redd for å be om hjelp.</li></ul>"
        ),
        heading("Sosial rettferdighet for alle"),
        text(
            "<p>Visjonen vår gjelder alle, uansett diagnose, religiøs tro, etnisitet, "
            "kjønnsidentitet eller økonomi.</p>"
            "<p>Vi ser mennesket før diagnosen. Derfor snakker vi om personer med "
            "rusavhengighet og personer med psykiske lidelser – og om hva de trenger.</p>"
        ),
        call_to_action(
            "Bli med og stopp stigma",
            "Skriv under på oppropet vårt og del kampanjen.",
            "Til kampanjen",
            page="stopp-stigma",
        ),
    ),
)

CAMPAIGN = PageSpec(
    slug="stopp-stigma",
    parent="",
    model=CampaignPage,
    title="Stopp stigma",
    show_in_menus=True,
    fields={"hashtag": "#StigmaEndsWithMe", "petition": PetitionRef("stopp-stigma")},
    search_description="Bli med i kampanjen #StigmaEndsWithMe og skriv under på oppropet mot "
    "stigma knyttet til rus og psykisk helse.",
    listing_summary="Skriv under på oppropet og del bildene dine med #StigmaEndsWithMe.",
    intro="<p>Stigma rundt psykisk sykdom og rusbruk gjør at både unge og voksne lar være å "
    "søke behandling. Det vil vi endre.</p>",
    body=(
        heading("Ingen velger det"),
        text(
            "<p>Ingen velger å være ensom. Ingen velger sin seksuelle legning. Ingen velger å "
            "bli avhengig eller å få en psykisk lidelse.</p>"
            "<p>Ingen fortjener å bli avvist når de trenger hjelp, og ingen skal være redd for "
            "å be om den.</p>"
        ),
        heading("Hjelp i stedet for straff"),
        text(
            "<p>Helseminister Bent Høie har sagt at han vil bekjempe stigma ved å snakke med "
            "personer med rusavhengighet, de som står dem nær, og familiene deres.</p>"
            "<p>Når samfunnet straffer i stedet for å hjelpe, blir stigmaet sterkere. Vi mener "
            "at møtet med personer med rusavhengighet må bygge på hjelp og respekt.</p>"
        ),
        heading("Skriv under på oppropet"),
        text(
            "<p>Med navnet ditt på oppropet viser du at du står sammen med oss mot stigma. Jo "
            "flere vi er, desto tydeligere blir budskapet.</p>"
        ),
        heading("Del kampanjen"),
        text(
            "<p>Merk bildene dine med <b>#StigmaEndsWithMe</b>, og fortell gjerne hvorfor "
            "stigma må ta slutt. Takk for at du støtter kampanjen og hjelper oss å spre "
            "den!</p>"
        ),
    ),
)

STATISTICS_PAGE = PageSpec(
    slug="statistikk",
    parent="",
    model=StatisticsPage,
    title="Statistikk",
    show_in_menus=True,
    search_description="Tall for selvmord, narkotikautløste og alkoholutløste dødsfall og bruk "
    "av antidepressiva i Norge, med kilder.",
    listing_summary="Tall om selvmord, rusrelaterte dødsfall og bruk av antidepressiva i Norge.",
    intro="<p>Tallene viser hvor mange som blir berørt. De kommer fra Folkehelseinstituttets "
    "registre, og kilden står ved hvert tall.</p>",
    body=(
        text(
            "<p>Bak hvert tall står et menneske, og mange pårørende. Mangler tallet for et år, "
            "står det tomt til vi har funnet det i en sikker kilde.</p>"
        ),
        *(statistic(spec.title, display="chart") for spec in STATISTICS),
        *HELP_NOW,
    ),
)

EVENTS = PageSpec(
    slug="arrangementer",
    parent="",
    model=EventIndexPage,
    title="Arrangementer",
    show_in_menus=True,
    search_description="Konferanser og arrangementer om rus, psykisk helse og selvhjelp som "
    "Spero foreningen vil tipse deg om.",
    listing_summary="Konferanser og arrangementer om rus, psykisk helse og selvhjelp.",
    intro="<p>Her finner du konferanser og andre arrangementer som vi arrangerer selv eller vil "
    "tipse deg om.</p>",
)

CONFERENCE_CONTACT = (
    'send en e-post til <a href="mailto:post@selvhjelp.no">post@selvhjelp.no</a> eller '
    "ring 23 33 19 00"
)

CONFERENCE = PageSpec(
    slug="jubileumskonferanse",
    parent="arrangementer",
    model=ConferencePage,
    title="Selvhjelp Norge 10 år – jubileumskonferanse",
    fields={"event": EventRef("jubileumskonferanse")},
    search_description="Selvhjelp Norge markerer 10 år med jubileumskonferanse i Oslo 18. "
    "oktober. Konferansen er fulltegnet, men du kan sette deg på venteliste.",
    listing_summary="Jubileumskonferanse i Oslo 18. oktober. Fulltegnet – du kan sette deg på "
    "venteliste.",
    intro="<p>Selvhjelp Norge har vært nasjonalt kompetansesenter for selvorganisert selvhjelp "
    "i ti år. Jubileet markeres med en konferanse i Oslo 18. oktober, der de ser tilbake på det "
    "som er gjort, og fram mot det som kommer.</p>",
    body=(
        heading("Fulltegnet – men det finnes en venteliste"),
        text(
            "<p>Interessen har vært stor, og konferansen ble fulltegnet før påmeldingsfristen. "
            "Vil du likevel være med, kan du sette deg på ventelisten med skjemaet nederst på "
            "siden. Blir en plass ledig, får du tilbud om den på e-post.</p>"
            f"<p>Spørsmål om konferansen? Du kan {CONFERENCE_CONTACT}.</p>"
        ),
        heading("Ti år med selvhjelp"),
        text(
            "<p>Helsedirektoratet har gitt Selvhjelp Norge i oppdrag å spre kunnskap om "
            "selvorganisert selvhjelp. Målet er at alle skal kjenne til selvhjelp, slik at de "
            "kan ta det i bruk i sitt eget liv når de trenger det.</p>"
            "<p>I løpet av de ti årene er det opprettet 7 distriktskontorer. De gjør det lettere "
            "å nå ut til enda flere.</p>"
        ),
        heading("Unge og eldre i fokus"),
        text(
            "<p>I år legger Selvhjelp Norge særlig vekt på å nå unge (16–30 år) og eldre (65 år "
            "og over). De lager brosjyrer for begge gruppene og oppsøker stedene der de er.</p>"
            "<p>Like viktig er det at tjenesteytere og beslutningstakere i kommunene kjenner til "
            "selvhjelp, slik at de kan fortelle om det til dem de møter i arbeidet sitt.</p>"
        ),
        heading("Hvem kommer?"),
        text(
            "<p>Deltakerne kommer fra hele landet. Noen kommer på egne vegne, andre for "
            "kommuner, frivillige organisasjoner og lokalsamfunn.</p>"
            "<p>Den store interessen viser at selvhjelp er et viktig supplement til det "
            "forebyggende og rehabiliterende arbeidet som finnes fra før.</p>"
        ),
        call_to_action(
            "Selvhjelp der du bor",
            "Distriktskontoret nærmest deg kan fortelle mer og samarbeide om selvhjelp lokalt. "
            "På selvhjelp.no finner du også arrangementer rundt i landet.",
            "Gå til selvhjelp.no",
            url="https://selvhjelp.no/",
        ),
    ),
)

NEWS = PageSpec(
    slug="nyheter",
    parent="",
    model=NewsIndexPage,
    title="Nyheter",
    show_in_menus=True,
    search_description="Nyheter fra Spero foreningen om rus, psykisk helse, stigma og "
    "arrangementer.",
    listing_summary="Siste nytt fra Spero foreningen.",
    intro="<p>Nytt fra oss og fra feltet vi arbeider i.</p>",
)

CONFERENCE_NEWS = PageSpec(
    slug="jubileumskonferansen-er-fulltegnet",
    parent="nyheter",
    model=ArticlePage,
    title="Selvhjelp Norges jubileumskonferanse er fulltegnet",
    # The seed gives no publication date; a demo date a month before the conference.
    fields={"date": datetime.date(2026, 11, 16)},
    search_description="Selvhjelp Norges jubileumskonferanse i Oslo 18. oktober ble fulltegnet "
    "før fristen. Slik kommer du på ventelisten.",
    listing_summary="Konferansen i Oslo 18. oktober er fulltegnet, men du kan sette deg på "
    "venteliste.",
    intro="<p>Selvhjelp Norge fyller ti år og inviterer til jubileumskonferanse i Oslo 18. "
    "oktober. Interessen er så stor at alle plassene er tatt allerede før påmeldingsfristen.</p>",
    body=(
        text(
            "<p>Folk fra hele landet har meldt seg på, både som enkeltpersoner og for kommuner, "
            "frivillige organisasjoner og lokalsamfunn.</p>"
            "<p>Har du ikke fått plass, kan du sette deg på venteliste hos Selvhjelp Norge: "
            "skjemaet på konferansesiden. Spørsmål kan du stille til Selvhjelp Norge: "
            f"{CONFERENCE_CONTACT}.</p>"
        ),
        call_to_action(
            "Om konferansen",
            "Les mer om jubileet og om arbeidet til Selvhjelp Norge.",
            "Les om konferansen",
            page="arrangementer/jubileumskonferanse",
        ),
    ),
)

CONTACT = PageSpec(
    slug="kontakt",
    parent="",
    model=ContactPage,
    title="Kontakt oss",
    show_in_menus=True,
    search_description="Kontakt Spero foreningen i Bergen på telefon +47 98 36 11 11 eller "
    "e-post post@speroforeningen.no.",
    listing_summary="Ring eller send oss en e-post. Vi hører gjerne fra deg.",
    intro="<p>Har du spørsmål, innspill eller lyst til å bidra? Ta kontakt på telefon eller "
    "e-post.</p>",
    body=(
        text(
            "<p>Alle hos oss er frivillige, så det kan ta litt tid før vi svarer. Vi svarer så "
            "snart vi kan.</p>"
        ),
        *HELP_NOW,
    ),
)

DONATION = PageSpec(
    slug="gi-en-gave",
    parent="",
    model=DonationPage,
    title="Gi en gave",
    show_in_menus=True,
    search_description="Gi en gave til Spero foreningen. Hver gave går til opplysningsarbeid og "
    "forebygging innen psykisk helse, selvmord og rusavhengighet.",
    listing_summary="Hver gave går til opplysning og forebygging innen psykisk helse, selvmord "
    "og rusavhengighet.",
    intro="<p>Hver gave vi får, går til opplysningsarbeid og forebygging innen psykisk helse, "
    "selvmord og rusavhengighet.</p>",
    body=(
        text(
            "<p>Spero drives av frivillige. Gaven din hjelper oss å spre kunnskap, bekjempe "
            "stigma og nå fram til flere som trenger håp. Takk for at du støtter arbeidet!</p>"
        ),
        heading("Opplysningene dine"),
        text(
            "<p>Vi ber bare om det vi trenger for å ta imot gaven. Bokføringsloven krever at vi "
            "tar vare på opplysningene om gaven i 5 år.</p>"
        ),
        call_to_action(
            "Slik tar vi vare på opplysningene dine",
            "Les hva vi lagrer, hvor lenge, og hvilke rettigheter du har.",
            "Les om personvern",
            page="personvern",
        ),
    ),
)

# The kinds of membership and fees are not in the seeds: made up for the demo, in the range
# Norwegian user organisations ask. The youth kind has an age limit, so the join form asks for
# the birth year.
MEMBERSHIP_KINDS = (
    {"name": "Ordinært medlem", "fee_kroner": 300, "sort_order": 1},
    {
        "name": "Redusert kontingent",
        "description": "For studenter, pensjonister og deg som lever av trygd.",
        "fee_kroner": 150,
        "sort_order": 2,
    },
    {
        "name": "Ungdomsmedlem",
        "description": "Til og med det året du fyller 25.",
        "fee_kroner": 100,
        "max_age": 25,
        "sort_order": 3,
    },
    {
        "name": "Husstandsmedlemskap",
        "description": "Alle som bor sammen, på én kontingent.",
        "fee_kroner": 450,
        "sort_order": 4,
    },
    {
        "name": "Støttemedlem",
        "description": "Du støtter arbeidet, men har ikke stemmerett på årsmøtet.",
        "fee_kroner": 200,
        "has_vote": False,
        "sort_order": 5,
    },
)

MEMBERSHIP = PageSpec(
    slug="bli-medlem",
    parent="",
    model=MembershipPage,
    title="Bli medlem",
    show_in_menus=True,
    search_description="Bli medlem i Spero foreningen, bruker- og interesseorganisasjonen i "
    "Bergen for alle som er berørt av rusavhengighet og psykiske lidelser.",
    listing_summary="Som medlem gir du organisasjonen en sterkere stemme.",
    intro="<p>Spero er en bruker- og interesseorganisasjon. Jo flere medlemmer vi har, jo "
    "tydeligere blir stemmen vår – og hvert betalende medlem teller når vi søker om tilskudd.</p>",
    body=(
        heading("Hva du gir oss"),
        text(
            "<p>Vi spør bare om det medlemsregisteret trenger: navn, e-post og postnummer, og "
            "telefon hvis du vil. Fødselsåret spør vi om bare for ungdomsmedlemskap. Du "
            "bekrefter på e-post og betaler kontingenten med Vipps eller bankoverføring.</p>"
        ),
        call_to_action(
            "Slik tar vi vare på opplysningene dine",
            "Les hva vi lagrer, hvor lenge, og hvilke rettigheter du har.",
            "Les om personvern",
            page="personvern",
        ),
    ),
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

# Parents before children; the home page's children in menu order.
PAGES = (
    HOME,
    VISION,
    CAMPAIGN,
    STATISTICS_PAGE,
    EVENTS,
    CONFERENCE,
    NEWS,
    CONFERENCE_NEWS,
    CONTACT,
    DONATION,
    MEMBERSHIP,
    PRIVACY,
)


# --- Builders -------------------------------------------------------------------------------


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)

    def lines(self):
        yield f"Created {len(self.created)}: " + (", ".join(self.created) or "nothing")
        yield f"Found and left as they were {len(self.found)}: " + (
            ", ".join(self.found) or "nothing"
        )


def load_demo_content():
    """Creates what is missing of the demo content and returns a report of what it did."""
    report = Report()
    with transaction.atomic():
        root = ensure_tree_roots(report)
        statistics = {spec.title: ensure_statistic(spec, report) for spec in STATISTICS}
        snippets = {
            PetitionRef(PETITION["slug"]): ensure_petition(report),
            EventRef(EVENT["slug"]): ensure_event(report),
        }
        ensure_membership_kinds(report)
        pages, created = ensure_pages(root, report, snippets)
        for spec in PAGES:
            if spec.path in created:
                publish(pages[spec.path], spec, pages, statistics)
        site = ensure_site(pages[""], report)
        remove_welcome_page()
        ensure_organisation_settings(site, pages, statistics, report)
    return report


def ensure_tree_roots(report):
    """The locale, root page and root collection Wagtail's migrations make, if a flush removed
    them. Returns the root page."""
    if not Locale.objects.exists():
        code = get_supported_content_language_variant(settings.LANGUAGE_CODE)
        Locale.objects.create(language_code=code)
        report.created.append(f"locale {code}")
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
        report.created.append("root collection")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root"))
        report.created.append("root page")
    return root


def ensure_statistic(spec, report):
    """The statistic with this title; created with its figures only when there is none."""
    existing = Statistic.objects.filter(title=spec.title).first()
    if existing is not None:
        report.found.append(f"statistic «{spec.title}»")
        return existing
    statistic = Statistic(
        title=spec.title,
        unit=spec.unit,
        description=spec.description,
        source_name=spec.source.name,
        source_url=spec.source.url,
    )
    statistic.points = [
        StatisticPoint(
            year=figure.year,
            value=Decimal(figure.value),
            note=figure.note,
            source_name=figure.reported_by.name if figure.reported_by else "",
            source_url=figure.reported_by.url if figure.reported_by else "",
        )
        for figure in spec.figures
    ]
    statistic.save()
    report.created.append(f"statistic «{spec.title}» ({len(spec.figures)} figures)")
    return statistic


def ensure_petition(report):
    """The demo opprop; created only when no petition has its slug."""
    petition, created = Petition.objects.get_or_create(slug=PETITION["slug"], defaults=PETITION)
    (report.created if created else report.found).append(f"petition «{petition.title}»")
    return petition


def ensure_event(report):
    """The demo conference, fully booked as in the seed, with a short waiting list; created
    with its registrations only when no event has its slug."""
    event, created = Event.objects.get_or_create(slug=EVENT["slug"], defaults=EVENT)
    (report.created if created else report.found).append(f"event «{event.title}»")
    if created:
        Registration.objects.bulk_create(demo_registrations(event))
    return event


def ensure_membership_kinds(report):
    """The demo's kinds of membership, only when staff have set none."""
    if MembershipKind.objects.exists():
        report.found.append("membership kinds")
        return
    MembershipKind.objects.bulk_create(MembershipKind(**kind) for kind in MEMBERSHIP_KINDS)
    report.created.append(f"{len(MEMBERSHIP_KINDS)} membership kinds")


def demo_registrations(event):
    """Made-up participants (addresses at example.org, which takes no mail) that fill the
    seats, some of them for two, then a waiting list: for trying the admin, its exports and the
    waiting list."""
    seats_left, number = event.capacity, 0
    while seats_left:
        number += 1
        seats = min(2 if number % 6 == 0 else 1, seats_left)
        yield demo_registration(event, number, Registration.Status.CONFIRMED, seats)
        seats_left -= seats
    for waiting in range(number + 1, number + 1 + DEMO_WAITING):
        yield demo_registration(event, waiting, Registration.Status.WAITING, 1)


def demo_registration(event, number, status, seats):
    affiliation = list(Registration.Affiliation)[number % len(Registration.Affiliation)]
    when = event.registration_opens_at + datetime.timedelta(hours=5 * number)
    email = f"deltaker{number:03d}@example.org"
    return Registration(
        event=event,
        status=status,
        name=f"Deltaker {number:03d}",
        email=email,
        email_normalized=email,
        affiliation=affiliation,
        organisation=DEMO_ORGANISATIONS.get(affiliation, ""),
        seats=seats,
        consent_version=event.consent_version,
        consented_at=when,
        created_at=when,
        confirmed_at=when if status == Registration.Status.CONFIRMED else None,
    )


def ensure_pages(root, report, snippets):
    """Every page in PAGES, found by slug under its parent or created as a draft.

    Returns the pages by path and the set of paths created in this run (to be filled and
    published once every page they may link to exists).
    """
    pages, created = {}, set()
    for spec in PAGES:
        label = f"page /{spec.path}/".replace("//", "/")
        if spec.parent is None:
            # One home page (max_count = 1): any existing one is the home page, whatever its slug.
            parent, existing = root, HomePage.objects.first()
        else:
            parent = pages[spec.parent]
            existing = parent.get_children().filter(slug=spec.slug).specific().first()
        if existing is not None:
            pages[spec.path] = existing
            report.found.append(label)
            continue
        page = spec.model(
            title=spec.title,
            slug=spec.slug,
            search_description=spec.search_description,
            listing_summary=spec.listing_summary,
            intro=spec.intro,
            show_in_menus=spec.show_in_menus,
            live=False,
            **{
                name: snippets[value] if isinstance(value, PetitionRef | EventRef) else value
                for name, value in spec.fields.items()
            },
        )
        pages[spec.path] = parent.add_child(instance=page)
        created.add(spec.path)
        report.created.append(label)
    return pages, created


def publish(page, spec, pages, statistics):
    page.body = resolve(list(spec.body), pages, statistics)
    page.save_revision().publish()


def resolve(value, pages, statistics):
    """The body data with page and statistic references replaced by their objects."""
    if isinstance(value, PageRef):
        return pages[value.path]
    if isinstance(value, StatisticRef):
        return statistics[value.title]
    if isinstance(value, dict):
        return {key: resolve(item, pages, statistics) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(resolve(item, pages, statistics) for item in value)
    return value


def ensure_site(home, report):
    """The default site, pointed at the home page unless it already has one as its root."""
    site = (
        Site.objects.filter(is_default_site=True).first()
        or Site.objects.filter(hostname=SITE_HOSTNAME, port=SITE_PORT).first()
    )
    if site is None:
        report.created.append("default site")
        return Site.objects.create(
            hostname=SITE_HOSTNAME,
            port=SITE_PORT,
            site_name=SITE_NAME,
            root_page=home,
            is_default_site=True,
        )
    if isinstance(site.root_page.specific, HomePage) and site.is_default_site:
        report.found.append("default site")
        return site
    site.root_page = home
    site.is_default_site = True
    site.site_name = site.site_name or SITE_NAME
    site.save()
    report.created.append("default site's root set to the home page")
    return site


def remove_welcome_page():
    """Deletes Wagtail's placeholder "Welcome to your new Wagtail site!" page, if untouched."""
    placeholders = Page.objects.filter(
        depth=2,
        slug="home",
        numchild=0,
        content_type=ContentType.objects.get_for_model(Page),
    ).exclude(sites_rooted_here__isnull=False)
    for page in placeholders:
        page.delete()


def ensure_organisation_settings(site, pages, statistics, report):
    """Fills the organisation's details where they are still empty."""
    organisation = OrganisationSettings.for_site(site)
    empty = [name for name in ORGANISATION if not getattr(organisation, name)]
    for name in empty:
        setattr(organisation, name, resolve(ORGANISATION[name], pages, statistics))
    if "bank_account" in empty:
        organisation.example_payment_details = True
        empty.append("example_payment_details")
    if empty:
        organisation.save(update_fields=empty)
        report.created.append("organisation details: " + ", ".join(empty))
    else:
        report.found.append("organisation details")
