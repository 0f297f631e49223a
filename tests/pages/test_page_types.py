"""Every page type: where it may be created, that it renders, and that an editor can publish it
through the admin."""

import pytest
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

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
    StatisticsPage,
)
from tests.factories import make_event

pytestmark = pytest.mark.django_db


EXPECTED_TEXT = {
    "home": "Spero foreningen",
    "standard": "Visjon",
    "campaign": "#StigmaEndsWithMe",
    "statistics": "Statistikk",
    "events": "Jubileumskonferanse",
    "donation": "Gi en gave",
    "contact": "Kontakt",
    "news": "Konferansen er fulltegnet",
    "conference": "Selvhjelp Norge",
    "article": "Det er mulig å stå på venteliste.",
}


@pytest.mark.parametrize("key", EXPECTED_TEXT)
def test_every_page_type_renders_in_norwegian(client, tree, key):
    response = client.get(tree[key].url)
    assert response.status_code == 200
    html = response.content.decode()
    assert EXPECTED_TEXT[key] in html
    assert '<html lang="nb">' in html
    assert 'href="#main"' in html and 'id="main"' in html


def test_conference_dates_are_norwegian(client, tree):
    html = client.get(tree["conference"].url).content.decode()
    assert "lørdag 18. oktober 2025" in html


def test_article_shows_published_and_last_changed(client, tree):
    html = client.get(tree["article"].url).content.decode()
    assert "1. september 2025" in html
    assert "Sist endret" in html


def test_event_index_separates_upcoming_and_past(client, tree, home_page):
    future = ConferencePage(
        title="Vårseminar",
        slug="varseminar",
        event=make_event(title="Vårseminar"),
    )
    tree["events"].add_child(instance=future)
    future.save_revision().publish()
    html = client.get(tree["events"].url).content.decode()
    upcoming, past = html.split('id="past-heading"')
    assert "Vårseminar" in upcoming and "Jubileumskonferanse" not in upcoming
    assert "Jubileumskonferanse" in past


def test_menu_marks_the_current_section(client, tree):
    EventIndexPage.objects.filter(pk=tree["events"].pk).update(show_in_menus=True)
    html = client.get(tree["conference"].url).content.decode()
    assert f'href="{tree["events"].url}" aria-current="true"' in html


def test_news_pagination_survives_bad_page_numbers(client, tree):
    for value in ["abc", "-1", "99999", "1e9999", "\x00"]:
        response = client.get(tree["news"].url, {"side": value})
        assert response.status_code == 200
        assert "Konferansen er fulltegnet" in response.content.decode()


RULES = [
    # (child, parent key, allowed)
    (StandardPage, "home", True),
    (StandardPage, "standard", True),
    (StandardPage, "news", False),
    (ArticlePage, "news", True),
    (ArticlePage, "home", False),
    (ArticlePage, "standard", False),
    (ConferencePage, "events", True),
    (ConferencePage, "home", False),
    (CampaignPage, "home", True),
    (CampaignPage, "standard", False),
    (NewsIndexPage, "standard", False),
]


@pytest.mark.parametrize(("child", "parent_key", "allowed"), RULES)
def test_page_type_rules(tree, child, parent_key, allowed):
    assert child.can_create_at(tree[parent_key]) is allowed


@pytest.mark.parametrize(
    "singleton",
    [HomePage, StatisticsPage, EventIndexPage, DonationPage, ContactPage, NewsIndexPage],
)
def test_singletons_cannot_be_created_twice(tree, singleton):
    assert singleton.max_count == 1
    assert not singleton.can_create_at(tree["home"])


def test_home_page_only_at_the_root(home_page):
    assert HomePage.parent_page_types == ["wagtailcore.Page"]
    assert not HomePage.can_create_at(home_page)


ADD_FORMS = {
    StandardPage: ("home", {}),
    CampaignPage: ("home", {"hashtag": "#StigmaEndsWithMe"}),
    ArticlePage: ("news", {"date": "2025-09-01"}),
    ConferencePage: ("events", {"event": lambda: make_event().pk}),
}


@pytest.mark.parametrize("model", list(ADD_FORMS))
def test_editor_creates_and_publishes_through_the_admin(admin_client, tree, model):
    parent_key, extra = ADD_FORMS[model]
    parent = tree[parent_key]
    data = nested_form_data(
        {
            "title": "Ny side fra redaktøren",
            "slug": "ny-side",
            "intro": rich_text("<p>Skrevet i admin.</p>"),
            "body": streamfield(
                [
                    ("heading", {"text": "Mellomtittel", "level": "h2"}),
                    ("quote", {"text": "Håp", "speaker": "Noen", "role": "", "occasion": ""}),
                ]
            ),
            "action-publish": "action-publish",
            **{name: value() if callable(value) else value for name, value in extra.items()},
        }
    )
    url = reverse("wagtailadmin_pages:add", args=["pages", model._meta.model_name, parent.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    page = model.objects.get(slug="ny-side")
    assert page.live
    html = admin_client.get(page.url).content.decode()
    assert "Mellomtittel" in html and "Skrevet i admin." in html


@pytest.mark.parametrize("key", list(EXPECTED_TEXT))
def test_editor_edits_and_publishes_every_page_type(admin_client, client, tree, key):
    page = tree[key].specific
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    form = admin_client.get(edit_url).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        widget_data = (
            field.widget.format_value(value) if hasattr(field.widget, "format_value") else value
        )
        data[name] = "" if widget_data is None else widget_data
    data.update(
        nested_form_data(
            {
                "title": f"{page.title} (oppdatert)",
                "intro": rich_text("<p>Ny ingress fra redaktøren.</p>"),
                "body": streamfield([("heading", {"text": "Helt ny overskrift", "level": "h2"})]),
                "action-publish": "action-publish",
            }
        )
    )
    if key == "home":
        data["tagline"] = "Håp for alle"
    response = admin_client.post(edit_url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    html = client.get(Page.objects.get(pk=page.pk).url).content.decode()
    assert "Ny ingress fra redaktøren." in html
    assert "Helt ny overskrift" in html
