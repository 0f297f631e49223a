"""The vision page."""

from pages.demo_content.body import call_to_action, heading, text
from pages.demo_content.page_spec import PageSpec
from pages.models import StandardPage

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
