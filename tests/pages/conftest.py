import datetime

import pytest
from django.contrib.auth import get_user_model
from wagtail.rich_text import RichText

from pages.models import (
    ArticlePage,
    CampaignPage,
    ConferencePage,
    ContactPage,
    DonationPage,
    EventIndexPage,
    NewsIndexPage,
    StandardPage,
    StatisticsPage,
)
from tests.admin_helpers import log_in
from tests.factories import make_event


@pytest.fixture
def tree(home_page):
    """One page of every type, published, in the places they belong."""

    def add(parent, page):
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page

    pages = {
        "standard": add(home_page, StandardPage(title="Visjon", slug="visjon")),
        "campaign": add(
            home_page,
            CampaignPage(title="Stopp stigma", slug="stopp-stigma", hashtag="#StigmaEndsWithMe"),
        ),
        "statistics": add(home_page, StatisticsPage(title="Statistikk", slug="statistikk")),
        "events": add(home_page, EventIndexPage(title="Arrangementer", slug="arrangementer")),
        "donation": add(home_page, DonationPage(title="Gi en gave", slug="gi-en-gave")),
        "contact": add(home_page, ContactPage(title="Kontakt", slug="kontakt")),
        "news": add(home_page, NewsIndexPage(title="Nyheter", slug="nyheter")),
    }
    pages["conference"] = add(
        pages["events"],
        ConferencePage(
            title="Jubileumskonferanse",
            slug="jubileumskonferanse",
            event=make_event(
                title="Jubileumskonferanse",
                starts_at=datetime.datetime(2025, 10, 18, 9, tzinfo=datetime.UTC),
                registration_opens_at=datetime.datetime(2025, 8, 1, tzinfo=datetime.UTC),
                venue="Oslo",
                organiser="Selvhjelp Norge",
            ),
        ),
    )
    pages["article"] = add(
        pages["news"],
        ArticlePage(
            title="Konferansen er fulltegnet",
            slug="konferansen-er-fulltegnet",
            date=datetime.date(2025, 9, 1),
            intro=str(RichText("<p>Det er mulig å stå på venteliste.</p>")),
        ),
    )
    pages["home"] = home_page
    return pages


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("redaktor", "r@example.org", "passord-123")
    log_in(client, user)
    return client
