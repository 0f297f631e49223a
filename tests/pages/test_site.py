"""Site-wide behaviour: search, error pages, sitemap, robots.txt, health check, privacy of
readers (no cookies, nothing from other hosts) and the cost of a page in queries."""

import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.views.defaults import server_error
from wagtail.models import Page
from wagtail.rich_text import RichText

from pages.models import OrganisationSettings

pytestmark = pytest.mark.django_db


def test_search_finds_pages_by_norwegian_word_forms(client, tree):
    tree["statistics"].intro = str(RichText("<p>Dødsfall knyttet til rus i Norge</p>"))
    tree["statistics"].save_revision().publish()
    # "dødsfallene" (definite plural) only matches "Dødsfall" through Norwegian stemming.
    html = client.get("/sok/", {"q": "dødsfallene"}).content.decode()
    assert tree["statistics"].url in html
    assert tree["donation"].url not in html


def test_search_ignores_unpublished_pages(client, tree):
    tree["contact"].unpublish()
    html = client.get("/sok/", {"q": "Kontakt"}).content.decode()
    assert f'href="{tree["contact"].url}"' not in html


@pytest.mark.parametrize(
    "params",
    [{}, {"q": ""}, {"q": "x" * 5000}, {"q": "\x00"}, {"q": "stigma", "side": "9999"}, {"q": "'"}],
)
def test_search_survives_odd_input(client, tree, params):
    response = client.get("/sok/", params)
    assert response.status_code == 200
    assert "noindex" in response.content.decode()


def test_not_found_page_is_norwegian(client, tree):
    response = client.get("/finnes-ikke/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Vi fant ikke siden" in html
    assert '<html lang="nb">' in html


def test_server_error_page_is_norwegian_and_standalone():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Noe gikk galt" in html and '<html lang="nb">' in html


def test_sitemap_lists_live_pages(client, tree):
    tree["contact"].unpublish()
    xml = client.get("/sitemap.xml").content.decode()
    assert tree["statistics"].full_url in xml
    assert tree["article"].full_url in xml
    assert tree["contact"].full_url not in xml


def test_robots_txt_points_to_the_sitemap_and_keeps_out_of_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_reports_an_unreachable_database(client, monkeypatch):
    from django.db import DatabaseError

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503


@pytest.mark.parametrize("key", ["home", "standard", "statistics", "news", "article", "contact"])
def test_readers_get_no_cookie(client, tree, key):
    response = client.get(tree[key].url)
    assert response.status_code == 200
    assert not response.cookies
    assert "csrftoken" not in response.content.decode()


class ResourceCollector(HTMLParser):
    """Every URL the browser would load by itself: src, srcset, stylesheets and icons, form
    targets, object data, and meta refreshes. Plain <a> links are left out: they load nothing
    until a reader follows them."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "data", "poster", "action", "formaction"):
            if attrs.get(name):
                self.urls.append(attrs[name])
        if attrs.get("srcset"):
            self.urls += [part.strip().split(" ")[0] for part in attrs["srcset"].split(",")]
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            self.urls.append(attrs.get("content", "").partition("url=")[2])
        if tag in ("script", "iframe", "embed"):
            self.urls.append(attrs.get("src") or f"inline-{tag}")


def image_block(image, alt_text, decorative=False):
    """A figure block as the page editor stores it."""
    value = {"image": image.pk, "alt_text": alt_text, "decorative": decorative}
    return {"type": "image", "value": {"image": value, "caption": ""}}


def test_pages_load_nothing_from_other_hosts(client, tree, image):
    from pages.models import StandardPage

    page = StandardPage.objects.get(pk=tree["standard"].pk)
    page.body = json.dumps([image_block(image, "Et bilde")])
    page.save_revision().publish()
    own_hosts = {"", "testserver", tree["home"].get_site().hostname}
    for key, node in tree.items():
        collector = ResourceCollector()
        collector.feed(client.get(node.url).content.decode())
        assert collector.urls, key
        for url in collector.urls:
            assert not url.startswith("inline-"), (key, url)
            parts = urlsplit(url)
            assert parts.netloc in own_hosts, (key, url)
            assert parts.scheme in ("", "http", "https"), (key, url)


def test_image_block_uses_responsive_webp_renditions(client, tree, image):
    from pages.models import StandardPage

    page = StandardPage.objects.get(pk=tree["standard"].pk)
    page.body = json.dumps(
        [image_block(image, "Frivillige på stand"), image_block(image, "", decorative=True)]
    )
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert 'alt="Frivillige på stand"' in html
    assert 'alt=""' in html
    assert html.count('loading="lazy"') == 2
    assert html.count(".webp 480w") == 2 and ".webp 1200w" in html
    assert "sizes=" in html


def test_footer_shows_the_organisations_details(client, tree):
    OrganisationSettings.objects.create(
        site=tree["home"].get_site(),
        phone="+47 98 36 11 11",
        email="post@speroforeningen.no",
        privacy_page=tree["standard"],
    )
    html = client.get(tree["home"].url).content.decode()
    assert 'href="tel:+4798361111"' in html
    assert "post@speroforeningen.no" in html
    assert f'href="{tree["standard"].url}">Personvern' in html


def test_home_page_query_count_does_not_grow_with_blocks(client, tree, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the page as made, not as stored (tests/test_page_cache.py)
    home = tree["home"].specific

    def queries_with(block_count):
        home.body = [
            ("quote", {"text": f"Sitat {n}", "speaker": "Taler", "role": "", "occasion": ""})
            for n in range(block_count)
        ] + [
            ("call_to_action", {"heading": "Les", "page": tree["standard"], "button_label": "Les"})
            for _ in range(block_count)
        ]
        home.save_revision().publish()
        client.get(home.url)  # warm the per-site caches (site root paths, settings row)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(home.url).status_code == 200
        return len(captured)

    few, many = queries_with(1), queries_with(12)
    assert few < 20
    # Page links in call-to-action blocks are fetched in bulk, not one query each.
    assert many == few


def test_every_page_in_the_tree_is_reachable(client, tree):
    for page in Page.objects.live().descendant_of(tree["home"], inclusive=True):
        assert client.get(page.url).status_code == 200, page.url


DEMO_PATHS = [
    "/",
    "/visjon/",
    "/stopp-stigma/",
    "/statistikk/",
    "/arrangementer/",
    "/arrangementer/jubileumskonferanse/",
    "/nyheter/",
    "/kontakt/",
    "/gi-en-gave/",
    "/personvern/",
]


# Pages with a form set the CSRF cookie, and nothing else; the opprop's form has no token
# (spero_site/cross_site.py), so its page sets nothing.
FORM_PAGES = {"/arrangementer/jubileumskonferanse/", "/gi-en-gave/"}


def test_demo_pages_are_norwegian_load_only_own_resources_and_set_no_cookie(client, demo_site):
    own_hosts = {"", "testserver", demo_site.hostname}
    for path in DEMO_PATHS:
        response = client.get(path)
        assert response.status_code == 200, path
        assert set(response.cookies) == ({"csrftoken"} if path in FORM_PAGES else set()), path
        html = response.content.decode()
        assert '<html lang="nb">' in html and "Hopp til innholdet" in html, path
        collector = ResourceCollector()
        collector.feed(html)
        for url in collector.urls:
            assert not url.startswith("inline-"), (path, url)
            assert urlsplit(url).netloc in own_hosts, (path, url)


def test_demo_home_page_has_quotes_statistics_and_the_partners_strip(client, demo_site):
    html = client.get("/").content.decode()
    assert html.count('class="quote"') == 4
    assert html.count("stat stat-fact") == 4
    assert "Takk til våre partnere og sponsorer" in html
    assert 'href="/stopp-stigma/"' in html and 'href="/gi-en-gave/"' in html
