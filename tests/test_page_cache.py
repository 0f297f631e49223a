"""The page cache (spero_site/page_cache.py): a reader without cookies gets a stored page
without a query to the database; whatever an editor publishes or changes shows at once; forms,
sessions, restricted pages, query strings and personal pages are never stored."""

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from campaigns.models import Petition
from pages.models import (
    CampaignPage,
    ConferencePage,
    DonationPage,
    EventIndexPage,
    HomePage,
    OrganisationSettings,
    StandardPage,
    Statistic,
    StatisticsPage,
)
from spero_site import page_cache
from tests.admin_helpers import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_site, settings):
    settings.PAGE_CACHE_SECONDS = 300
    return demo_site


def live(model):
    return model.objects.live().first()


def get(client, url, **extra):
    """(response, number of SQL queries) for a GET."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    return response, len(captured)


def test_a_reader_gets_the_stored_page_without_a_query(client, demo):
    for model in (HomePage, StandardPage, StatisticsPage, EventIndexPage):
        url = live(model).url
        first, first_queries = get(client, url)
        second, second_queries = get(client, url)
        assert first.status_code == second.status_code == 200, url
        assert first_queries > 0
        assert second_queries == 0, url
        assert second.content == first.content
        assert second["Content-Type"] == first["Content-Type"]
        assert not second.cookies


def test_security_headers_and_head_requests_come_with_a_stored_page(client, demo):
    url = live(HomePage).url
    client.get(url)
    response, queries = get(client, url)
    assert queries == 0
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    head, queries = get(client, url, REQUEST_METHOD="HEAD")
    assert head.status_code == 200 and queries == 0


def test_a_published_change_shows_at_once(client, demo):
    home = live(HomePage)
    client.get(home.url)
    home.tagline = "Et nytt slagord"
    home.save_revision().publish()
    response, queries = get(client, home.url)
    assert "Et nytt slagord" in response.content.decode()
    assert queries > 0


def test_a_new_page_in_the_menu_shows_on_every_stored_page(client, demo):
    home, statistics = live(HomePage), live(StatisticsPage)
    client.get(statistics.url)
    home.add_child(instance=StandardPage(title="Helt ny side", slug="helt-ny", show_in_menus=True))
    assert "Helt ny side" in client.get(statistics.url).content.decode()


def test_unpublishing_and_deleting_take_the_page_away(client, demo):
    standard = live(StandardPage)
    assert client.get(standard.url).status_code == 200
    standard.unpublish()
    assert client.get(standard.url).status_code == 404
    standard.save_revision().publish()
    assert client.get(standard.url).status_code == 200
    url = standard.url
    standard.delete()
    assert client.get(url).status_code == 404


def test_a_changed_snippet_setting_or_image_shows_at_once(client, demo):
    statistics = live(StatisticsPage)
    statistic = Statistic.objects.first()
    client.get(statistics.url)
    statistic.title = "Et nytt tall å følge"
    statistic.save()
    assert "Et nytt tall å følge" in client.get(statistics.url).content.decode()

    home = live(HomePage)
    client.get(home.url)
    settings_row = OrganisationSettings.for_site(demo)
    settings_row.phone = "55 12 34 56"
    settings_row.save()
    assert "55 12 34 56" in client.get(home.url).content.decode()


def test_a_change_renews_the_cache_again_once_committed(demo, django_capture_on_commit_callbacks):
    # A reader between the change and its commit may store the old page under the new generation.
    page_cache.PAGES.renew()
    with django_capture_on_commit_callbacks() as callbacks:
        statistic = Statistic.objects.first()
        statistic.save()
        generation_after_save = cache.get(page_cache.PAGES.key)
    assert callbacks
    for callback in callbacks:
        callback()
    assert cache.get(page_cache.PAGES.key) != generation_after_save


def test_a_lost_generation_makes_every_stored_page_old(client, demo):
    url = live(HomePage).url
    client.get(url)
    cache.delete(page_cache.PAGES.key)  # evicted, or the cache restarted without its data
    _, queries = get(client, url)
    assert queries > 0


def test_the_stored_page_is_renewed_after_page_cache_seconds(client, demo, settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 60
    url = live(EventIndexPage).url
    client.get(url)
    started = time.time()
    monkeypatch.setattr(time, "time", lambda: started + 30)
    assert get(client, url)[1] == 0
    monkeypatch.setattr(time, "time", lambda: started + 90)
    assert get(client, url)[1] > 0


def test_pages_with_a_csrf_token_are_never_stored(client, demo):
    # Their CSRF token belongs to one reader: each reader gets the page made for them.
    for model in (ConferencePage, DonationPage):
        url = live(model).url
        tokens = set()
        for _ in range(2):
            client.cookies.clear()
            response, queries = get(client, url)
            assert response.status_code == 200 and queries > 0, url
            tokens.add(response.cookies["csrftoken"].value)
        assert len(tokens) == 2


def test_a_reader_with_a_csrf_cookie_still_gets_stored_pages(client, demo):
    client.get(live(DonationPage).url)
    assert set(client.cookies) == {"csrftoken"}
    url = live(HomePage).url
    client.get(url)  # made for a reader with a cookie: not stored
    client.cookies.clear()
    client.get(url)  # stored
    client.get(live(DonationPage).url)
    response, queries = get(client, url)
    assert queries == 0 and response.status_code == 200


def test_a_logged_in_editor_gets_the_page_made_for_them(client, demo, superuser):
    url = live(HomePage).url
    client.get(url)
    log_in(client, superuser)
    response, queries = get(client, url)
    assert queries > 0
    assert "userbar" in response.content.decode()


def test_addresses_with_a_query_string_are_never_stored(client, demo):
    url = live(HomePage).url + "?utm=1"
    client.get(url)
    assert get(client, url)[1] > 0


def test_a_restricted_page_is_never_stored(client, demo):
    standard = live(StandardPage)
    PageViewRestriction.objects.create(
        page=standard, restriction_type=PageViewRestriction.PASSWORD, password="hemmelig"
    )
    for _ in range(2):
        client.cookies.clear()
        response, queries = get(client, standard.url)
        assert response.status_code == 200 and queries > 0
        assert "hemmelig" not in response.content.decode()
    PageViewRestriction.objects.all().delete()
    PageViewRestriction.objects.create(page=standard, restriction_type=PageViewRestriction.LOGIN)
    client.cookies.clear()
    assert client.get(standard.url).status_code == 302


def test_views_that_are_not_wagtail_pages_are_never_stored(client, demo):
    # The search page is made each time; the count JSON has its own cache
    # (tests/campaigns/test_live_count.py), which a new signature renews.
    for url in ("/sok/", "/sok/?q=stigma"):
        assert client.get(url).status_code == 200, url
        assert get(client, url)[1] > 0, url
    petition = live(CampaignPage).petition
    url = f"/opprop/{petition.slug}/count.json"
    before = client.get(url).json()["count"]
    Petition.objects.filter(pk=petition.pk).update(signature_count=before + 5)
    petition.save()  # as an editor would, renewing the count
    assert client.get(url).json()["count"] == before + 5


def test_a_page_cache_of_0_seconds_stores_nothing(client, demo, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = live(HomePage).url
    client.get(url)
    assert get(client, url)[1] > 0


def test_the_https_redirect_comes_before_a_stored_page(demo, settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # its middleware is built with the setting
    url = live(HomePage).url
    client.get(url, secure=True)
    assert get(client, url, secure=True)[1] == 0
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_a_page_stored_for_one_host_is_not_served_for_another(client, demo, settings):
    settings.ALLOWED_HOSTS = ["*"]
    url = live(HomePage).url
    client.get(url)
    assert get(client, url)[1] == 0
    assert get(client, url, HTTP_HOST="127.0.0.1")[1] > 0
