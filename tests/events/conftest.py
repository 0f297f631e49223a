import pytest

from events import services
from pages.models import ConferencePage, EventIndexPage
from tests.factories import make_event


@pytest.fixture
def event(db):
    return make_event()


@pytest.fixture
def conference_page(home_page, event):
    index = home_page.add_child(instance=EventIndexPage(title="Arrangementer", slug="arr"))
    index.save_revision().publish()
    page = index.add_child(
        instance=ConferencePage(title=event.title, slug="konferansen", event=event)
    )
    page.save_revision().publish()
    return page


def person(number=1, *, seats=1, **overrides):
    values = {
        "name": f"Deltaker {number}",
        "email": f"deltaker.{number}@example.no",
        "phone": "",
        "affiliation": "individual",
        "organisation": "",
        "seats": seats,
        "dietary_needs": "",
        "accessibility_needs": "",
        **overrides,
    }
    return services.RegistrationData(**values)


@pytest.fixture
def form_data():
    return {
        "name": "Kari Nordmann",
        "email": "Kari.Nordmann@Example.no",
        "phone": "412 34 567",
        "affiliation": "municipality",
        "organisation": "Bergen kommune",
        "dietary_needs": "Vegetar",
        "accessibility_needs": "",
        "consent": "on",
        "website": "",
    }
