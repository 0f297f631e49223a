"""The news page and its article on the conference."""

import datetime

from pages.demo_content.body import call_to_action, text
from pages.demo_content.conference import CONFERENCE_CONTACT
from pages.demo_content.page_spec import PageSpec
from pages.models import ArticlePage, NewsIndexPage

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
