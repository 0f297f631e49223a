"""Following the site without visiting it: the Atom feed of the news and the iCalendar feed of
upcoming events, parsed back with feedparser and icalendar, and linked from their list pages."""

import datetime

import feedparser
import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from pages.models import ArticlePage, ConferencePage
from tests.factories import make_event

pytestmark = pytest.mark.django_db


def add(parent, page, publish=True):
    page.live = publish
    parent.add_child(instance=page)
    if publish:
        page.save_revision().publish()
    return page


def test_the_news_feed_holds_the_published_articles_newest_first(client, tree):
    news = tree["news"]
    add(
        news,
        ArticlePage(
            title="Ny likepersongruppe",
            slug="ny-gruppe",
            date=datetime.date(2026, 11, 2),
            listing_summary="Hver tirsdag i Bergen.",
        ),
    )
    add(news, ArticlePage(title="Utkast", slug="utkast"), publish=False)

    response = client.get(reverse("news_feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert not response.cookies
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title == "Nyheter – Spero foreningen"
    assert feed.feed.link == "http://testserver/nyheter/"
    titles = [entry.title for entry in feed.entries]
    assert titles[0] == "Ny likepersongruppe" and "Utkast" not in titles
    newest = feed.entries[0]
    assert newest.link == "http://testserver/nyheter/ny-gruppe/"
    assert newest.summary == "Hver tirsdag i Bergen."
    assert newest.published.startswith("2026-11-02T00:00:00+01:00")  # midnight in Norway
    assert {entry.title for entry in feed.entries} == set(
        ArticlePage.objects.live().values_list("title", flat=True)
    )


def test_the_calendar_holds_every_upcoming_published_event_and_no_past_one(client, tree):
    events = tree["events"]
    soon = timezone.now() + datetime.timedelta(days=10)
    add(
        events,
        ConferencePage(
            title="Høstseminar",
            slug="hostseminar",
            event=make_event(
                title="Høstseminar",
                starts_at=soon,
                venue="Bergen",
                address="Strandkaien 2, 5013 Bergen",
            ),
            listing_summary="Om rus og psykisk helse.",
        ),
    )
    add(
        events,
        ConferencePage(
            title="Hemmelig", slug="hemmelig", event=make_event(title="Hemmelig", starts_at=soon)
        ),
        publish=False,
    )
    # tree["conference"] was in October 2025: past.

    response = client.get(reverse("events_calendar"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert not response.cookies
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["version"]) == "2.0"
    entries = calendar.walk("VEVENT")
    assert [str(entry["summary"]) for entry in entries] == ["Høstseminar"]
    [entry] = entries
    page = ConferencePage.objects.get(slug="hostseminar")
    assert entry.decoded("dtstart") == page.event.starts_at.replace(microsecond=0)
    assert entry.decoded("dtend") == page.event.ends_at.replace(microsecond=0)
    assert str(entry["location"]) == "Bergen, Strandkaien 2, 5013 Bergen"
    assert str(entry["url"]) == page.full_url
    assert str(entry["description"]) == "Om rus og psykisk helse."
    assert str(entry["uid"]) == f"event-{page.event.pk}@127.0.0.1"


def test_each_list_page_links_to_its_feed(client, tree):
    for page, url, kind in (
        (tree["news"], reverse("news_feed"), "application/atom+xml"),
        (tree["events"], reverse("events_calendar"), "text/calendar"),
    ):
        html = client.get(page.url).content.decode()
        assert f'<link rel="alternate" type="{kind}"' in html
        assert f'href="{url}"' in html


def test_without_a_published_list_page_the_feeds_are_not_found(client, home_page):
    assert client.get(reverse("news_feed")).status_code == 404
    assert client.get(reverse("events_calendar")).status_code == 404


def test_the_event_list_shows_upcoming_and_past_events(client, tree):
    add(
        tree["events"],
        ConferencePage(title="Vårkonferanse", slug="var", event=make_event(title="Vårkonferanse")),
    )
    response = client.get(tree["events"].url)
    upcoming = [c.title for c in response.context["upcoming"]]
    past = [c.title for c in response.context["past"]]
    assert upcoming == ["Vårkonferanse"] and past == ["Jubileumskonferanse"]
