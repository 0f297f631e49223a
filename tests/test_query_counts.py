"""What a public page costs in SQL queries, uncached, and that the cost does not grow with the
content: more body blocks, more statistics and figures, more signatures, more registrations,
more articles. A query per block or per row would show here before it shows under load.

"Uncached" means without the page cache (spero_site/page_cache.py, switched off here with
PAGE_CACHE_SECONDS = 0; tests/test_page_cache.py tests it): every request renders its page from
the database. What Wagtail itself keeps in Django's cache (the site root paths, image
renditions) is warm after one request, as it is on a running site, so each count is that of a
second request, and `queries` checks that the page itself was read from the database, so that
the counts never silently measure a cache. The cold-cache costs (right after the cache is
emptied) are counted separately.

bench/querycount.py counts the same pages on the benchmark's database with the production
settings (docs/performance.md).
"""

import datetime
import itertools
import json
import re

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page

from campaigns.models import Petition, Signature
from events.models import Registration
from pages.models import (
    ArticlePage,
    CampaignPage,
    ConferencePage,
    ContactPage,
    DonationPage,
    EventIndexPage,
    HomePage,
    NewsIndexPage,
    StandardPage,
    Statistic,
    StatisticPoint,
    StatisticsPage,
)
from tests.factories import make_event, make_image

pytestmark = pytest.mark.django_db

HOME_PAGE_QUERY_LIMIT = 20  # the performance issue's target, uncached
FEW, MANY = 1, 20


@pytest.fixture(autouse=True)
def _without_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


def clear_caches():
    for alias in settings.CACHES:
        caches[alias].clear()


def queries(client, url, cold=False):
    """The SQL of a GET of `url` (status 200) after one warming request; with `cold`, right
    after emptying every configured cache."""
    assert client.get(url).status_code == 200, url
    if cold:
        clear_caches()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    sql = [query["sql"] for query in captured.captured_queries]
    # Rendered from the database, not served from a cache: Wagtail's serve view reads the page.
    assert any('FROM "wagtailcore_page"' in statement for statement in sql), url
    return sql


def count(client, url):
    return len(queries(client, url))


def shape(sql):
    """A statement without its literal values and its column list: the same query for other
    rows compares equal, and what tells queries apart (table, joins, conditions) stays."""
    sql = re.sub(r"'[^']*'|\b\d+\b", "?", sql)
    sql = re.sub(r"\bIN \([^)]*\)", "IN (...)", sql)
    return re.sub(r"^SELECT (DISTINCT )?.*? FROM ", r"SELECT \1… FROM ", sql, count=1)


def explain(few, many):
    """On failure: the statements the larger page ran more often than the smaller one."""
    few, many = [shape(sql) for sql in few], [shape(sql) for sql in many]
    extra = {sql: many.count(sql) - few.count(sql) for sql in set(many)}
    return "\n".join(f"+{n}  {sql[:300]}" for sql, n in extra.items() if n > 0)


def assert_same_queries(few, many):
    assert len(many) == len(few), explain(few, many)


@pytest.fixture
def demo(demo_site):
    return demo_site


def page(model):
    return model.objects.live().first()


def publish_body(target, blocks):
    target.body = json.dumps([{"type": kind, "value": value} for kind, value in blocks])
    target.save_revision().publish()


# --- Bodies with n blocks of every kind the body block offers -----------------------------------


@pytest.fixture
def block_material(demo):
    """Distinct objects for up to MANY blocks of each kind, so that no block can reuse what an
    earlier one fetched: images, statistics with figures, pages to link to."""
    images = [make_image(title=f"Bilde {n}", size=(160, 90)) for n in range(MANY)]
    statistics = []
    for n in range(MANY):
        statistic = Statistic.objects.create(
            title=f"Tall {n:02d}", unit="personer", source_name="Folkehelseinstituttet"
        )
        StatisticPoint.objects.bulk_create(
            StatisticPoint(statistic=statistic, year=2000 + year, value=100 + year)
            for year in range(5)
        )
        statistics.append(statistic)
    pages = list(Page.objects.live().filter(depth__gt=2).order_by("path"))
    return {"images": images, "statistics": statistics, "pages": pages}


def body_blocks(material, n):
    """n blocks of each kind, each pointing at its own image, statistic or page."""
    images, statistics, pages = material["images"], material["statistics"], material["pages"]
    blocks = []
    for i in range(n):
        link_page = pages[i % len(pages)]
        blocks += [
            ("heading", {"text": f"Overskrift {i}", "level": "h2" if i % 2 else "h3"}),
            ("text", f'<p>Tekst {i} med <a href="https://example.org/{i}">en lenke</a>.</p>'),
            (
                "image",
                {
                    "image": {"image": images[i].pk, "alt_text": f"Bilde {i}", "decorative": False},
                    "caption": f"Bildetekst {i}",
                },
            ),
            ("quote", {"text": f"Sitat {i}", "speaker": "Taler", "role": "Rolle", "occasion": ""}),
            (
                "call_to_action",
                {
                    "heading": f"Les {i}",
                    "text": "Mer",
                    "page": link_page.pk,
                    "url": "",
                    "button_label": "Les",
                },
            ),
            (
                "call_to_action",
                {
                    "heading": f"Ut {i}",
                    "text": "",
                    "page": None,
                    "url": "https://example.org/",
                    "button_label": "Gå",
                },
            ),
            (
                "statistic",
                {"statistic": statistics[i].pk, "year": 2002, "display": "figure"},
            ),
            ("statistic", {"statistic": statistics[i].pk, "year": None, "display": "chart"}),
            (
                "partners",
                {
                    "heading": f"Partnere {i}",
                    "text": "Takk",
                    "partners": [
                        {"name": f"Partner {i}", "logo": images[i].pk, "url": "https://e.org/"},
                        {"name": f"Uten logo {i}", "logo": None, "url": ""},
                    ],
                },
            ),
        ]
    return blocks


PAGE_TYPES = [
    HomePage,
    StandardPage,
    CampaignPage,
    StatisticsPage,
    EventIndexPage,
    ConferencePage,
    NewsIndexPage,
    ArticlePage,
    ContactPage,
    DonationPage,
]


@pytest.mark.parametrize("cold", [False, True], ids=["warm-cache", "cold-cache"])
def test_the_home_page_takes_under_20_queries_uncached(client, demo, cold):
    home = page(HomePage)
    sql = queries(client, home.url, cold=cold)
    assert len(sql) < HOME_PAGE_QUERY_LIMIT, "\n".join(sql)


@pytest.mark.parametrize("model", PAGE_TYPES, ids=lambda model: model.__name__)
def test_queries_do_not_grow_with_body_blocks(client, block_material, model):
    target = page(model)
    publish_body(target, body_blocks(block_material, FEW))
    few = queries(client, target.url)
    publish_body(target, body_blocks(block_material, MANY))
    many = queries(client, target.url)
    html = client.get(target.url).content.decode()
    assert html.count('class="quote"') == MANY  # the blocks are really rendered
    assert_same_queries(few, many)


@pytest.mark.xfail(
    strict=True,
    reason="Wagtail expands the page links of each rich text on its own: two queries per text "
    "block that links to a page (docs/performance.md)",
)
def test_queries_do_not_grow_with_page_links_in_rich_text(client, block_material):
    home, pages = page(HomePage), block_material["pages"]

    def texts(n):
        return [
            ("text", f'<p>Les <a linktype="page" id="{pages[i % len(pages)].pk}">dette</a>.</p>')
            for i in range(n)
        ]

    publish_body(home, texts(FEW))
    few = queries(client, home.url)
    publish_body(home, texts(MANY))
    assert_same_queries(few, queries(client, home.url))


def test_statistics_page_does_not_grow_with_statistics_or_figures(client, demo):
    target = page(StatisticsPage)

    def with_statistics(statistics, figures):
        blocks = []
        for n in range(statistics):
            statistic = Statistic.objects.create(
                title=f"Statistikk {statistics}-{n}", unit="dødsfall", source_name="SSB"
            )
            StatisticPoint.objects.bulk_create(
                StatisticPoint(
                    statistic=statistic,
                    year=1990 + year,
                    value=1000 + year,
                    note="per 100 000",
                    source_name="FHI" if year % 2 else "",
                )
                for year in range(figures)
            )
            display = "chart" if n % 2 == 0 else "figure"
            blocks.append(
                ("statistic", {"statistic": statistic.pk, "year": None, "display": display})
            )
        publish_body(target, blocks)
        return queries(client, target.url)

    few = with_statistics(1, 3)
    many = with_statistics(MANY, 30)
    assert_same_queries(few, many)


def add_signatures(petition, first, n):
    now = timezone.now()
    Signature.objects.bulk_create(
        Signature(
            petition=petition,
            status=Signature.Status.CONFIRMED,
            full_name=f"Signatar {i}",
            email=f"signatar-{i}@example.org",
            email_normalized=f"signatar-{i}@example.org",
            postal_code="5003",
            place="Bergen",
            show_publicly=True,
            comment=f"Fordi {i}",
            comment_approved=True,
            consent_version=petition.consent_version,
            consented_at=now,
            confirmed_at=now + datetime.timedelta(seconds=i),
        )
        for i in range(first, first + n)
    )
    Petition.objects.filter(pk=petition.pk).update(
        signature_count=petition.signatures.filter(status=Signature.Status.CONFIRMED).count()
    )


def test_campaign_page_does_not_grow_with_signatures(client, demo):
    target = page(CampaignPage)
    petition = target.petition
    assert petition.show_signers
    add_signatures(petition, 0, 1)
    few = queries(client, target.url)
    add_signatures(petition, 1, 199)
    many = queries(client, target.url)
    assert "Fordi 199" in client.get(target.url).content.decode()  # the latest are shown
    assert_same_queries(few, many)


def add_registrations(event, first, n, status):
    now = timezone.now()
    Registration.objects.bulk_create(
        Registration(
            event=event,
            status=status,
            name=f"Deltaker {i}",
            email=f"deltaker-{i}@example.org",
            email_normalized=f"deltaker-{i}@example.org",
            affiliation=Registration.Affiliation.INDIVIDUAL,
            seats=1,
            consent_version=event.consent_version,
            consented_at=now,
            created_at=now + datetime.timedelta(seconds=i),
            confirmed_at=now if status == Registration.Status.CONFIRMED else None,
        )
        for i in range(first, first + n)
    )


@pytest.mark.parametrize(
    ("capacity", "status"),
    [(1000, Registration.Status.CONFIRMED), (1, Registration.Status.WAITING)],
    ids=["seats-left", "full-with-waiting-list"],
)
def test_conference_page_does_not_grow_with_registrations(client, demo, capacity, status):
    """1 against 200 registrations: with seats left, all seated; when full, one seated and the
    rest on the waiting list (1 against 199 waiting)."""
    event = make_event(title="Fagdag", capacity=capacity)
    target = page(EventIndexPage).add_child(
        instance=ConferencePage(title="Fagdag", slug="fagdag", event=event)
    )
    target.save_revision().publish()
    add_registrations(event, 0, 1, Registration.Status.CONFIRMED)
    if status == Registration.Status.WAITING:
        add_registrations(event, 1, 1, status)
    few = queries(client, target.url)
    registered = event.registrations.count()
    add_registrations(event, registered, 200 - registered, status)
    many = queries(client, target.url)
    assert event.registrations.count() == 200
    assert_same_queries(few, many)


_article_numbers = itertools.count()


def add_articles(index, n):
    for _ in range(n):
        number = next(_article_numbers)
        article = index.add_child(
            instance=ArticlePage(
                title=f"Nyhet {number}",
                slug=f"nyhet-{number}",
                date=datetime.date(2026, 1, 1) + datetime.timedelta(days=number),
                listing_summary=f"Sammendrag {number}",
            )
        )
        article.save_revision().publish()


@pytest.mark.parametrize("query", ["", "?side=2"], ids=["first-page", "second-page"])
def test_news_index_does_not_grow_with_articles(client, demo, query):
    index = page(NewsIndexPage)
    add_articles(index, 1)
    # The first page of a short list against a full page (10) of a long one.
    few = queries(client, index.url)
    add_articles(index, 2 * NewsIndexPage.articles_per_page + 5)
    many = queries(client, index.url + query)
    assert_same_queries(few, many)


def test_event_index_does_not_grow_with_conferences(client, demo):
    index = page(EventIndexPage)

    def add_conferences(first, n):
        for i in range(first, first + n):
            conference = index.add_child(
                instance=ConferencePage(title=f"Fagdag {i}", slug=f"fagdag-{i}", event=make_event())
            )
            conference.save_revision().publish()

    add_conferences(0, 1)
    few = queries(client, index.url)
    add_conferences(1, MANY - 1)
    many = queries(client, index.url)
    assert_same_queries(few, many)


@pytest.mark.xfail(
    strict=True,
    reason="With an empty cache Wagtail looks up each image's renditions on its own: one query "
    "per image until they are in the cache (docs/performance.md)",
)
def test_cold_cache_queries_do_not_grow_with_images(client, block_material):
    home, images = page(HomePage), block_material["images"]

    def figures(n):
        return [
            (
                "image",
                {
                    "image": {"image": images[i].pk, "alt_text": "Bilde", "decorative": False},
                    "caption": "",
                },
            )
            for i in range(n)
        ]

    publish_body(home, figures(FEW))
    few = queries(client, home.url, cold=True)
    publish_body(home, figures(MANY))
    assert_same_queries(few, queries(client, home.url, cold=True))
