"""The donation page."""

from pages.demo_content.body import heading, text
from pages.demo_content.page_spec import PageSpec
from pages.demo_content.privacy import PRIVACY_CALL_TO_ACTION
from pages.models import DonationPage

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
        PRIVACY_CALL_TO_ACTION,
    ),
)
