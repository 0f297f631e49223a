"""Hostile input to the opprop's other URLs never gives a 5xx: its count for any slug, and
its confirm and withdraw links for any token, even one the site signed, give the "link does not
work" page and change no count."""

from urllib.parse import quote

import pytest
from django.core import signing
from django.urls import reverse
from hypothesis import example, given, settings
from hypothesis import strategies as st

from campaigns import services
from campaigns.models import Petition, Signature
from tests.campaigns.test_fuzz import state
from tests.fuzzing import FUZZ, assert_no_server_error, nb, tokens

pytestmark = pytest.mark.django_db

slugs = st.one_of(
    st.text(min_size=1, max_size=80),
    st.from_regex(r"[-a-zA-Z0-9_]{1,100}", fullmatch=True),
    st.sampled_from(["STOPP-STIGMA", "stopp-stigma-", "stopp_stigma", "..", ".", "%00", "ø"]),
)


@FUZZ
@given(slug=slugs)
@example(slug="stopp-stigma\x00")
@example(slug="a" * 5000)
def test_count_json_with_odd_slugs(client, petition, slug):
    response = client.get(f"/opprop/{quote(slug, safe='')}/count.json")
    assert_no_server_error(response)
    if slug == petition.slug:
        assert response.status_code == 200
        assert response.json()["count"] == 0
    else:
        assert response.status_code == 404, response.status_code


def test_count_json_answers_for_the_petition(client, petition):
    response = client.get(f"/opprop/{petition.slug}/count.json")
    assert response.status_code == 200
    assert response.json()["count"] == petition.signature_count


signature_tokens = tokens(r"A-Za-z0-9_\-:")


@pytest.fixture
def unconfirmed_signature(petition):
    return Signature.objects.create(
        petition=petition,
        full_name="Ola Nordmann",
        email="ola@example.no",
        email_normalized="ola@example.no",
        postal_code="5003",
        consent_version=1,
        consented_at=petition.opens_at,
    )


@pytest.fixture
def confirmed_signature(petition, unconfirmed_signature):
    signature = unconfirmed_signature
    services.confirm(services.confirm_token(signature))
    petition.refresh_from_db()
    assert petition.signature_count == 1
    return signature


@FUZZ
@given(token=signature_tokens, view=st.sampled_from(["confirm", "withdraw"]))
@example(token="\x00", view="confirm")
@example(token="1:abc:def", view="withdraw")
def test_arbitrary_tokens(client, petition, confirmed_signature, token, view):
    url = f"/opprop/{petition.slug}/{'bekreft' if view == 'confirm' else 'trekk-tilbake'}/"
    url += f"{quote(token, safe='')}/"
    rows, count = state(petition)

    page = client.get(url)
    assert_no_server_error(page)
    assert page.status_code == 200
    assert 'method="post"' in page.content.decode()

    response = client.post(url)
    assert_no_server_error(response)
    assert response.status_code == 400
    assert nb("The link does not work") in response.content.decode()
    assert state(petition) == (rows, count)


signed_payloads = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**31, 2**63, 10**30]),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=3),
    st.none(),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


@settings(FUZZ, max_examples=60)
@given(payload=signed_payloads, salt=st.sampled_from(["confirm", "withdraw", "other"]))
def test_links_signed_by_the_site_for_no_signature(
    client, petition, confirmed_signature, payload, salt
):
    """Even a correctly signed link that names no signature (or a number out of any range)
    gives the "link does not work" page."""
    if payload == confirmed_signature.pk or str(payload) == str(confirmed_signature.pk):
        payload = confirmed_signature.pk + 10**6
    salts = {
        "confirm": services.CONFIRM_SALT,
        "withdraw": services.WITHDRAW_SALT,
        "other": "something.else",
    }
    token = signing.dumps(payload, salt=salts[salt])
    rows, count = state(petition)
    for view in ("campaigns:confirm", "campaigns:withdraw"):
        response = client.post(reverse(view, args=[petition.slug, token]))
        assert_no_server_error(response)
        assert response.status_code == 400, (view, payload)
    assert state(petition) == (rows, count)


def test_a_withdraw_link_does_not_confirm(client, petition, unconfirmed_signature):
    signature = unconfirmed_signature
    token = services.withdraw_token(signature)
    response = client.post(reverse("campaigns:confirm", args=[petition.slug, token]))
    assert response.status_code == 400
    petition.refresh_from_db()
    assert petition.signature_count == 0
    assert Petition.objects.get(pk=petition.pk).signature_count == 0
    signature.refresh_from_db()
    assert signature.status == Signature.Status.UNCONFIRMED
