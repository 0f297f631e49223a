"""The opprop's form without a CSRF token (spero_site/cross_site.py): a browser sending it from
another site's page is refused with the site's own Norwegian page and nothing is stored; from
the site's own page, or from a client that says nothing of where it comes from, it is taken."""

import pytest
from django.test import Client
from django.urls import reverse

from campaigns.models import Signature

pytestmark = pytest.mark.django_db

FORM = {
    "full_name": "Kari Nordmann",
    "email": "kari@example.no",
    "postal_code": "5003",
    "consent": "on",
}


def sign(petition, **headers):
    client = Client(enforce_csrf_checks=True)
    return client.post(reverse("campaigns:sign", args=[petition.slug]), FORM, headers=headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://angriper.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://annet.testserver"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://angriper.example"},
        {"Origin": "null"},
        {"Origin": "https://testserver"},  # another scheme is another origin
    ],
)
def test_a_form_sent_from_another_site_is_refused(campaign_page, headers):
    response = sign(campaign_page.petition, **headers)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Skjemaet ble ikke sendt" in html and '<html lang="nb">' in html
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
        {"Sec-Fetch-Site": "same-origin", "Origin": "null"},  # a page with no-referrer
        {"Origin": "http://testserver"},  # a browser without Sec-Fetch-Site
        {"Sec-Fetch-Site": "none"},  # sent by the reader themselves
        {},  # a client that says nothing (as one could fetch a token, it could sign)
    ],
)
def test_a_form_from_the_site_itself_is_taken_without_a_token(campaign_page, headers):
    response = sign(campaign_page.petition, **headers)
    assert response.status_code == 302, response.content.decode()[:300]
    assert Signature.objects.count() == 1


def test_trusted_origins_follow_djangos_rule(campaign_page, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.spero.no", "https://kampanje.example"]
    for origin in ("https://www.spero.no", "https://spero.no", "https://kampanje.example"):
        headers = {"Sec-Fetch-Site": "cross-site", "Origin": origin}
        assert sign(campaign_page.petition, **headers).status_code == 302, origin
        Signature.objects.all().delete()
    for origin in ("http://www.spero.no", "https://spero.no.angriper.example"):
        assert sign(campaign_page.petition, Origin=origin).status_code == 403, origin


def test_the_other_forms_keep_their_csrf_token(client, demo_site):
    # The conference registration and the gift still need one (and so are never stored).
    for path in ("/arrangementer/jubileumskonferanse/", "/gi-en-gave/"):
        assert "csrfmiddlewaretoken" in client.get(path).content.decode(), path


def test_a_stale_csrf_token_gets_the_norwegian_page(demo_site):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/mine-data/", {"email": "kari@example.no"})
    assert response.status_code == 403
    assert "Skjemaet ble ikke sendt" in response.content.decode()
