import datetime

import pytest
from django.utils import timezone

from campaigns.models import Petition
from pages.models import CampaignPage


@pytest.fixture
def petition(db):
    return Petition.objects.create(
        title="Opprop: Stopp stigma",
        slug="stopp-stigma",
        text="<p>Vi ber om hjelp i stedet for straff.</p>",
        goal=1000,
        opens_at=timezone.now() - datetime.timedelta(days=1),
        consent_text="Jeg samtykker i at Spero lagrer opplysningene mine for oppropet.",
        hashtag="#StigmaEndsWithMe",
        share_text="Jeg har skrevet under.",
    )


@pytest.fixture
def campaign_page(home_page, petition):
    page = home_page.add_child(
        instance=CampaignPage(title="Stopp stigma", slug="stopp-stigma", petition=petition)
    )
    page.save_revision().publish()
    return page


@pytest.fixture
def sign_data():
    return {
        "full_name": "Kari Nordmann",
        "email": "Kari.Nordmann@Example.no",
        "postal_code": "5003",
        "show_publicly": "on",
        "comment": "Stigma må bort.",
        "consent": "on",
        "website": "",
    }
