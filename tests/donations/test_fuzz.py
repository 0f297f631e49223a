"""Hostile input to the donation form, the intent pages and the Vipps webhook never gives a
5xx, and saves a gift only when the form is valid: one intent per accepted POST, with the amount
asked for. A webhook changes nothing unless it is signed and speaks of a known payment."""

import json
import uuid
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from donations.forms import parse_kroner
from donations.models import DonationEvent, DonationIntent
from tests.donations.test_giving import donation_page  # noqa: F401 - fixture
from tests.donations.test_vipps import WEBHOOK_URL
from tests.fake_vipps import sign

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


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=12,
)
WEBHOOK_KEYS = [
    "msn",
    "reference",
    "name",
    "pspReference",
    "success",
    "amount",
    "agreementId",
    "chargeId",
    "eventType",
]


@st.composite
def webhook_bodies(draw):
    """Bodies near Vipps's own (its keys, hostile values) and anything else at all."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=300))
    payload = draw(st.dictionaries(st.sampled_from(WEBHOOK_KEYS), JSON_VALUES, max_size=6))
    return json.dumps(payload).encode()


@FUZZ
@given(
    body=webhook_bodies(),
    signed=st.booleans(),
    headers=st.dictionaries(
        st.sampled_from(["x-ms-date", "x-ms-content-sha256", "Authorization"]),
        st.text(max_size=60).filter(lambda v: "\n" not in v and "\r" not in v),
        max_size=3,
    ),
)
def test_hostile_webhooks_never_give_a_server_error(client, fake_vipps, body, signed, headers):
    before = DonationEvent.objects.count(), DonationIntent.objects.count()
    sent = sign(fake_vipps.webhook_secret, WEBHOOK_URL, body) if signed else headers
    response = client.generic(
        "POST", "/gave/vipps/webhook/", body, content_type="application/json", headers=sent
    )
    assert response.status_code in ((200, 400) if signed else (401,))
    assert (DonationEvent.objects.count(), DonationIntent.objects.count()) == before


@FUZZ
@given(token=st.text(max_size=60))
def test_hostile_return_and_start_addresses_are_not_found(client, token):
    for suffix in ("retur/", "start/"):
        response = client.generic(
            "POST" if suffix == "start/" else "GET", f"/gave/{quote(token, safe='')}/{suffix}"
        )
        assert response.status_code in (404, 301, 302, 405)
