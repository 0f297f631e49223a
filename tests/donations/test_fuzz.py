"""Hostile input to the donation form and the intent page never gives a 5xx, and saves a gift
only when the form is valid: one intent per accepted POST, with the amount asked for."""

import uuid
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from donations.forms import parse_kroner
from donations.models import DonationIntent
from tests.donations.test_giving import donation_page  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HOSTILE = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["", "\x00", "-1", "0", "1e9", "NaN", "9" * 40, "١٠٠", "５００", "1 000,999", "x" * 5000]
    ),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)
VALID = {
    "amount": "500",
    "other_amount": "",
    "frequency": "one_off",
    "donor_name": "Kari Nordmann",
    "donor_email": "kari@example.no",
    "message": "",
    "provider": "manual",
}


@st.composite
def donation_posts(draw):
    data = dict(VALID)
    for field in draw(st.sets(st.sampled_from([*VALID, "website"]))):
        if draw(st.booleans()):
            data.pop(field, None)
        else:
            data[field] = draw(HOSTILE)
    if draw(st.booleans()):
        data["amount"] = "other"
    return data


@FUZZ
@given(data=donation_posts())
def test_hostile_gifts_never_give_a_server_error(client, donation_page, data):  # noqa: F811
    cache.clear()
    before = DonationIntent.objects.count()
    response = client.post(reverse("donations:give"), data)
    assert response.status_code in (302, 400, 429)
    after = DonationIntent.objects.count()
    if response.status_code == 302 and response["Location"] != donation_page.url:
        assert after == before + 1
        intent = DonationIntent.objects.latest("created_at")
        if data.get("amount") == "other":
            assert intent.amount_ore == parse_kroner(data["other_amount"])
        else:
            assert intent.amount_ore == int(data["amount"]) * 100
        assert 5_000 <= intent.amount_ore <= 10_000_000
    else:
        assert after == before


@FUZZ
@given(token=st.text(max_size=60))
def test_hostile_intent_addresses_are_not_found(client, token):
    response = client.get(f"/gave/{quote(token, safe='')}/")
    assert response.status_code in (404, 301, 302)


def test_a_random_uuid_is_not_found(client, donation_page):  # noqa: F811
    assert client.get(f"/gave/{uuid.uuid4()}/").status_code == 404
