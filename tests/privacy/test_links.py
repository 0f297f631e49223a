"""The signed link: it works for an hour, for the address it was made for, and a link that is
old, damaged or made for something else gets a Norwegian page that offers a new one (4xx, never
5xx) and changes nothing."""

import datetime

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.models import Signature
from privacy import links
from tests.privacy.conftest import sign, token_for

pytestmark = pytest.mark.django_db

KARI = "kari@example.no"


def assert_invalid_link_page(response):
    html = response.content.decode()
    assert 400 <= response.status_code < 500
    assert '<html lang="nb">' in html
    assert 'action="/mine-data/"' in html and 'name="email"' in html  # ask for a new link
    assert '<meta name="robots" content="noindex">' in html
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert 'data-record="' not in html


def test_a_link_works_for_an_hour_and_then_no_more(client, petition):
    signature = sign(petition, KARI)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token = token_for(KARI)
    data = reverse("privacy:data", args=[token])
    download = reverse("privacy:download", args=[token])
    erase = reverse("privacy:erase_signature", args=[token, signature.pk])
    with time_machine.travel(start + datetime.timedelta(minutes=59), tick=False):
        assert client.get(data).status_code == 200
        assert client.get(download).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        assert_invalid_link_page(client.get(data))
        assert_invalid_link_page(client.get(download))
        assert_invalid_link_page(client.post(erase))
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED and signature.email == KARI


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.replace(":", ";"),
        lambda token: token.split(":")[0],
        lambda token: "x" + token,
        lambda token: signing.dumps({"a": "ola@example.no", "n": "ola@example.no"}),  # no salt
        lambda token: campaign_services.confirm_token(Signature.objects.get()),  # other salt
        lambda token: signing.dumps(
            {"a": KARI, "n": "ola@example.no"}, salt=links.LINK_SALT
        ),  # the two addresses disagree
        lambda token: signing.dumps(["kari@example.no"], salt=links.LINK_SALT),
        lambda token: signing.dumps({"a": 1, "n": 1}, salt=links.LINK_SALT),
        lambda token: signing.dumps({"a": "kari\x00@example.no"}, salt=links.LINK_SALT),
    ],
)
def test_a_damaged_or_foreign_token_gets_the_invalid_link_page(client, petition, tamper):
    signature = sign(petition, KARI)
    token = tamper(token_for(KARI))
    assert_invalid_link_page(client.get(reverse("privacy:data", args=[token])))
    assert_invalid_link_page(client.get(reverse("privacy:download", args=[token])))
    response = client.post(reverse("privacy:erase_signature", args=[token, signature.pk]))
    assert_invalid_link_page(response)
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED and signature.email == KARI


def test_a_token_holds_the_address_it_was_made_for():
    identity = links.Identity.of("  Kari.Nordmann+x@Example.no ")
    assert identity == links.read_token(links.make_token(identity))
    assert identity.address == "Kari.Nordmann+x@Example.no"
    assert identity.normalized == "kari.nordmann@example.no"
