import pytest
from wagtail.models import Site

from pages.models import ContactPage, OrganisationSettings

RECIPIENT = "post@spero.example.no"


@pytest.fixture
def contact_page(home_page):
    page = home_page.add_child(instance=ContactPage(title="Kontakt", slug="kontakt"))
    page.save_revision().publish()
    organisation = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
    organisation.email = RECIPIENT
    organisation.phone = "+47 55 00 00 00"
    organisation.save()
    return page


def message(**overrides):
    return {
        "name": "Kari Nordmann",
        "email": "Kari.Nordmann@Example.no",
        "subject": "Likepersongruppe",
        "message": "Hei! Når møtes gruppen i Bergen?",
        **overrides,
    }
