"""A gift given with Vipps as the donor gives it, and Vipps's part in it: the donor's answer on
the fake's page and the webhooks it sends (tests/fake_vipps/)."""

from urllib.parse import urlsplit

import requests
from django.urls import reverse

WEBHOOK_URL = "http://testserver/gave/vipps/webhook/"


def give_with_vipps(client, gift, **overrides):
    return client.post(reverse("donations:give"), {**gift, "provider": "vipps", **overrides})


def donor_answers(landing_url, choice="approve"):
    """What the donor does on Vipps's page; returns where Vipps sends them back."""
    response = requests.post(
        landing_url, data={"choice": choice}, allow_redirects=False, timeout=10
    )
    assert response.status_code == 302
    return urlsplit(response.headers["Location"]).path


def post_webhook(client, fake, event, **header_overrides):
    body, headers = fake.signed(event, WEBHOOK_URL)
    headers = {**headers, **header_overrides}
    return client.generic(
        "POST",
        "/gave/vipps/webhook/",
        body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )
