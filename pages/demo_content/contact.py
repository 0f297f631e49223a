"""The contact page, and where to get help now, which the statistics page also shows."""

from pages.demo_content.body import heading, text
from pages.demo_content.page_spec import PageSpec
from pages.models import ContactPage

HELP_NOW = (
    heading("Trenger du noen å snakke med nå?"),
    text(
        "<p>Spero er en interesseorganisasjon og kan ikke gi behandling eller akutt hjelp.</p>"
        "<ul><li>Er livet i fare: ring 113.</li>"
        "<li>Legevakten: ring 116 117.</li>"
        "<li>Mental Helses hjelpetelefon, åpen hele døgnet: ring 116 123.</li></ul>"
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
