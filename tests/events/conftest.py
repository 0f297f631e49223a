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


def fill(event, count, start=1, **kwargs):
    return [services.register(event.pk, person(n, **kwargs)) for n in range(start, start + count)]


def refreshed(registration):
    registration.refresh_from_db()
    return registration


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


# The registrations the admin tests list, export and act on.
@pytest.fixture
def other_event(db):
    return make_event(title="Fagdag i Tromsø")


@pytest.fixture
def queue(event, other_event):
    """`event` full with ten seated, three waiting and one cancelled; a staff priority puts
    Deltaker 13 first in line. `other_event` has one seated and one waiting of its own."""
    seated = fill(event, 10)
    waiting = fill(event, 3, start=11)
    services.cancel(services.register(event.pk, person(14)))
    services.set_priority(waiting[2], 5)
    other = {
        "seated": services.register(other_event.pk, person(20, name="Anne Annet")),
    }
    services.set_capacity(other_event.pk, 1)
    other["waiting"] = services.register(other_event.pk, person(21, name="Per Ventende"))
    return {"seated": seated, "waiting": [refreshed(r) for r in waiting], "other": other}
