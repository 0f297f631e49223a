"""The home page, with the seed front page's quotes and figures."""

from pages.demo_content.body import call_to_action, heading, partners, quote, statistic, text
from pages.demo_content.organisation import SITE_NAME
from pages.demo_content.page_spec import PageSpec
from pages.demo_content.statistics import ALKOHOL, ANTIDEPRESSIVA, NARKOTIKA, SELVMORD
from pages.models import HomePage

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
