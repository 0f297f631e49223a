"""The demo content command: what it builds (database state only) and that it is idempotent.

The expected figures, quotes and contact details are typed here from the seeds, independently of
pages/demo_content/, so that a figure dropped or changed there makes these tests fail.
"""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Collection, Locale, Page, Revision, Site

from pages.models import (
    ArticlePage,
    CampaignPage,
    ConferencePage,
    ContactPage,
    DonationPage,
    EventIndexPage,
    HomePage,
    NewsIndexPage,
    OrganisationSettings,
    StandardPage,
    Statistic,
    StatisticPoint,
    StatisticsPage,
)
from pages.validators import validate_account_number

pytestmark = pytest.mark.django_db

SELVMORD = "Selvmord i Norge"
NARKOTIKA = "Narkotikautløste dødsfall i Norge"
ALKOHOL = "Alkoholutløste dødsfall i Norge"
ANTIDEPRESSIVA = "Brukere av antidepressiva i Norge"

# statistikk.md, year by year.
FIGURES = {
    SELVMORD: {2016: 615, 2017: 595, 2018: 674, 2019: 652, 2021: 664, 2022: 623, 2023: 707},
    NARKOTIKA: {
        2013: 234,
        2014: 266,
        2015: 289,
        2016: 284,
        2017: 247,
        2020: 324,
        2021: 241,
        2023: 363,
    },
    ALKOHOL: {2015: 352, 2016: 336, 2022: 395, 2023: 450},
    ANTIDEPRESSIVA: {2008: 288414, 2017: 332053},
}

# Rates and remarks statistikk.md gives with a figure: the note must carry them.
NOTES = {
    (SELVMORD, 2016): "12,0 per 100 000",
    (SELVMORD, 2017): "11,5 per 100 000",
    (SELVMORD, 2018): "12,9 per 100 000",
    (SELVMORD, 2023): "1988",
    (ANTIDEPRESSIVA, 2017): "62,93 per 1 000",
}

# The seed front page's quotes, text exactly as given, with their speakers.
QUOTES = [
    (
        "For meg er universell helsedekning et vakkert, enkelt konsept: alle mennesker skal ha "
        "tilgang til, og har råd til å bruke de viktige helsetjenestene de trenger. Og det er vårt "
        "felles ansvar å sikre at denne retten kan nytes av alle.",
        "Bent Høie",
    ),
    (
        "By joining forces to achieve our goals, we can turn hope into reality – leaving no one "
        "behind,",
        "Erna Solberg",
    ),
    (
        "Psykisk sykdom er ikke en personlig svikt. Faktisk, hvis det er svikt, er den å finne i "
        "måten vi ivaretar mennesker med psykiske utfordringer",
        "Gro Harlem Brundtland",
    ),
    (
        "Det er på tide at vi innser at uten å inkludere alle mennesker, kommer vi ikke til å nå "
        "SDGene og det fulle potensialet for bærekraftig utvikling. Dette er et økonomisk faktum, "
        "og en moralsk forpliktelse.",
        "Dag-Inge Ulstein",
    ),
]

# URL path -> (page type, in the main menu)
PAGES = {
    "/": (HomePage, False),
    "/visjon/": (StandardPage, True),
    "/stopp-stigma/": (CampaignPage, True),
    "/statistikk/": (StatisticsPage, True),
    "/arrangementer/": (EventIndexPage, True),
    "/arrangementer/jubileumskonferanse/": (ConferencePage, False),
    "/nyheter/": (NewsIndexPage, True),
    "/kontakt/": (ContactPage, True),
    "/gi-en-gave/": (DonationPage, True),
    "/personvern/": (StandardPage, False),
}


def load():
    out = io.StringIO()
    call_command("load_demo_content", stdout=out)
    return out.getvalue()


def default_site():
    return Site.objects.get(is_default_site=True)


def page_at(path):
    """The page at a URL path of the default site, found through the stored url_path."""
    root = default_site().root_page
    return Page.objects.get(url_path=root.url_path + path.lstrip("/")).specific


def blocks(page, block_type):
    return [block.value for block in page.body if block.block_type == block_type]


def content_text(page):
    """Everything a page says, as one string (intro and the stored body data)."""
    return page.intro + json.dumps(list(page.body.raw_data), ensure_ascii=False)


def state():
    """What a second run must leave untouched."""
    return {
        "pages": sorted(
            Page.objects.values_list("pk", "title", "latest_revision_id", "last_published_at")
        ),
        "revisions": Revision.objects.count(),
        "statistics": Statistic.objects.count(),
        "points": sorted(StatisticPoint.objects.values_list("pk", "year", "value")),
        "sites": sorted(Site.objects.values_list("pk", "root_page_id", "hostname", "site_name")),
        "settings": list(OrganisationSettings.objects.values()),
    }


@pytest.fixture
def demo(demo_site):
    return demo_site


def test_home_page_is_the_default_sites_root(demo):
    site = default_site()
    home = site.root_page.specific
    assert isinstance(home, HomePage)
    assert (home.title, home.slug) == ("Spero foreningen", "hjem")
    assert (site.hostname, site.port, site.site_name) == ("localhost", 80, "Spero foreningen")
    assert "håp" in home.tagline.lower()
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()


def test_every_page_exists_live_with_its_type_menu_and_summaries(demo):
    for path, (page_type, in_menu) in PAGES.items():
        page = page_at(path)
        assert type(page) is page_type, path
        assert page.live, path
        assert not page.has_unpublished_changes, path
        assert page.latest_revision_id is not None, path
        assert page.show_in_menus is in_menu, path
        assert page.search_description.strip(), path
        assert page.listing_summary.strip(), path


def test_news_has_the_conference_announcement(demo):
    articles = ArticlePage.objects.child_of(page_at("/nyheter/")).live()
    assert articles.count() == 1
    article = articles.get()
    assert article.search_description and article.listing_summary
    text = content_text(article)
    assert "post@selvhjelp.no" in text
    assert "23 33 19 00" in text
    [cta] = blocks(article, "call_to_action")
    assert cta["page"].specific == page_at("/arrangementer/jubileumskonferanse/")


def test_conference_facts(demo):
    conference = page_at("/arrangementer/jubileumskonferanse/")
    event = conference.event
    assert timezone.localtime(event.starts_at).date() == datetime.date(2027, 10, 18)
    assert event.venue == "Oslo"
    assert event.organiser == "Selvhjelp Norge"
    text = content_text(conference)
    for fact in ("post@selvhjelp.no", "23 33 19 00", "venteliste", "7 distriktskontorer"):
        assert fact in text
    for group in ("kommuner", "frivillige organisasjoner", "lokalsamfunn"):
        assert group in text
    assert "16–30" in text
    assert "65" in text


def test_conference_is_fully_booked_with_a_waiting_list(demo, client):
    from events import services

    event = page_at("/arrangementer/jubileumskonferanse/").event
    assert services.seats_taken(event) == event.capacity == 150
    assert services.queue(event).count() == 3
    assert {r.email.rsplit("@", 1)[1] for r in event.registrations.all()} == {"example.org"}
    html = client.get("/arrangementer/jubileumskonferanse/").content.decode()
    assert "Fulltegnet – sett deg på venteliste" in html


def test_campaign_has_its_hashtag(demo):
    campaign = page_at("/stopp-stigma/")
    assert campaign.hashtag == "#StigmaEndsWithMe"
    assert "oppropet" in content_text(campaign)


def test_privacy_statement_states_the_retention_periods(demo):
    text = content_text(page_at("/personvern/"))
    for period in ("7 dager", "6 måneder", "90 dager", "5 år", "bokføringsloven"):
        assert period in text
    assert "post@speroforeningen.no" in text


def test_donation_page_says_where_gifts_go(demo):
    text = content_text(page_at("/gi-en-gave/"))
    for topic in ("psykisk helse", "selvmord", "rusavhengighet"):
        assert topic in text


def test_every_figure_is_present_with_its_year_and_value(demo):
    for title, figures in FIGURES.items():
        statistic = Statistic.objects.get(title=title)
        points = {point.year: point for point in statistic.points.all()}
        assert {year: point.value for year, point in points.items()} == {
            year: Decimal(value) for year, value in figures.items()
        }, title
        for year, point in points.items():
            if (title, year) in NOTES:
                assert NOTES[title, year] in point.note, (title, year)
            assert point.source_name, f"{title} {year} says where it was reported"
        assert statistic.source_name, title
        assert statistic.unit, title


def test_no_other_statistics_than_the_seeds(demo):
    assert set(Statistic.objects.values_list("title", flat=True)) == set(FIGURES)


def test_missing_figures_are_not_invented(demo):
    assert not StatisticPoint.objects.filter(statistic__title=ALKOHOL, year=2017).exists()
    assert not StatisticPoint.objects.filter(statistic__title=ANTIDEPRESSIVA, year=2018).exists()


def test_home_shows_the_four_statistics_for_the_years_the_seed_names(demo):
    home = page_at("/")
    shown = [
        (value["statistic"].title, value["year"], value["display"])
        for value in blocks(home, "statistic")
    ]
    assert shown == [
        (SELVMORD, 2017, "figure"),
        (ALKOHOL, 2017, "figure"),
        (NARKOTIKA, 2017, "figure"),
        (ANTIDEPRESSIVA, 2018, "figure"),
    ]
    by_title = {value["statistic"].title: value for value in blocks(home, "statistic")}
    assert by_title[SELVMORD]["statistic"].point_for(2017).value == 595
    assert by_title[NARKOTIKA]["statistic"].point_for(2017).value == 247
    # Shown without a number until an editor enters one.
    assert by_title[ALKOHOL]["statistic"].point_for(2017) is None
    assert by_title[ANTIDEPRESSIVA]["statistic"].point_for(2018) is None


def test_statistics_page_charts_every_statistic(demo):
    charts = blocks(page_at("/statistikk/"), "statistic")
    assert {value["statistic"].title for value in charts} == set(FIGURES)
    assert {value["display"] for value in charts} == {"chart"}


def test_home_quotes_are_exact_with_their_speakers(demo):
    quotes = blocks(page_at("/"), "quote")
    assert [(quote["text"], quote["speaker"]) for quote in quotes] == QUOTES
    roles = {quote["speaker"]: (quote["role"], quote["occasion"]) for quote in quotes}
    assert roles["Bent Høie"][0] == "helseminister"
    assert "2019" in roles["Bent Høie"][1]
    assert "World Health Assembly" in roles["Bent Høie"][1]
    assert "SDG Advocates" in roles["Erna Solberg"][0]
    assert "WHO" in roles["Gro Harlem Brundtland"][0]
    assert roles["Dag-Inge Ulstein"] == ("utviklingsminister", "Verdensbankens vårmøte")


def test_home_teasers_link_to_their_pages(demo):
    linked = {value["page"].specific for value in blocks(page_at("/"), "call_to_action")}
    for path in ("/stopp-stigma/", "/statistikk/", "/kontakt/", "/gi-en-gave/"):
        assert page_at(path) in linked


def test_home_partners_strip_names_no_invented_partner(demo):
    [strip] = blocks(page_at("/"), "partners")
    assert strip["heading"]
    assert [partner["name"] for partner in strip["partners"]] in ([], ["Selvhjelp Norge"])


def test_every_body_passes_its_block_validation(demo):
    for page in Page.objects.filter(depth__gte=2).specific():
        page.body.stream_block.clean(page.body)


def test_content_uses_person_first_language(demo):
    for page in Page.objects.filter(depth__gte=2).specific():
        assert "misbruker" not in content_text(page).lower()


def test_organisation_settings_hold_the_contact_details_and_nothing_invented(demo):
    organisation = OrganisationSettings.for_site(default_site())
    assert organisation.phone == "+47 98 36 11 11"
    assert organisation.email == "post@speroforeningen.no"
    assert organisation.secondary_email == "post@spero.ngo"
    assert organisation.address == "Bergen"
    # A made-up account, valid by MOD11 so the bank-transfer flow works, flagged as an example.
    assert organisation.bank_account == "1234.56.78903"
    validate_account_number(organisation.bank_account)
    assert organisation.example_payment_details is True
    assert organisation.vipps_number == ""
    assert organisation.organisation_number == ""


def test_second_run_changes_nothing_and_keeps_editors_edits(demo):
    vision = page_at("/visjon/")
    vision.title = "Visjonen vår, skrevet om av en redaktør"
    vision.save_revision().publish()
    point = StatisticPoint.objects.get(statistic__title=SELVMORD, year=2023)
    point.note = "Redaktørens merknad"
    point.save()
    organisation = OrganisationSettings.for_site(default_site())
    organisation.phone = "+47 11 22 33 44"
    organisation.save()
    before = state()

    output = load()

    assert state() == before
    assert page_at("/visjon/").title == "Visjonen vår, skrevet om av en redaktør"
    assert StatisticPoint.objects.get(pk=point.pk).note == "Redaktørens merknad"
    assert OrganisationSettings.for_site(default_site()).phone == "+47 11 22 33 44"
    assert "Created 0" in output


def test_a_deleted_page_is_created_again_and_the_rest_left_alone(demo):
    page_at("/nyheter/").get_children().delete()
    revisions = Revision.objects.count()

    load()

    article = ArticlePage.objects.child_of(page_at("/nyheter/")).get()
    assert article.live
    assert Revision.objects.count() == revisions + 1


def test_builds_on_a_flushed_database(db):
    """As after a transactional test's flush: no root page, site, locale or root collection."""
    Site.objects.all().delete()
    Page.objects.all().delete()
    Collection.objects.all().delete()
    Locale.objects.all().delete()

    load()

    assert Page.get_first_root_node() is not None
    assert Collection.get_first_root_node() is not None
    assert isinstance(default_site().root_page.specific, HomePage)
    for path, (page_type, _in_menu) in PAGES.items():
        assert type(page_at(path)) is page_type
    assert StatisticPoint.objects.count() == sum(len(years) for years in FIGURES.values())
