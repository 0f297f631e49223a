"""The campaign page as stored for every reader (spero_site/page_cache.py) and the live count
beside it (count.json, campaigns.services.live_count): the page carries no per-reader token or
cookie; whoever leaves the latest signers leaves the stored page at once; the count is renewed
by every change to it, before and after the commit."""

import datetime
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.models import Petition, Signature
from spero_site import page_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


@pytest.fixture
def campaign_page(campaign_page, client):
    # The site's settings are created on the first request, and a new setting renews the cache.
    client.get(campaign_page.url)
    return campaign_page


def get(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, len(captured)


def confirmed_signature(petition, name="Kari Nordmann", email="kari@example.no", comment=""):
    services.sign(
        petition.slug,
        services.SignatureData(
            full_name=name, email=email, postal_code="5003", show_publicly=True, comment=comment
        ),
        ip_hash="test",
    )
    signature = Signature.objects.get(email_normalized=email)
    return services.confirm(services.confirm_token(signature))


def count_url(petition):
    return reverse("campaigns:count", args=[petition.slug])


def test_the_campaign_page_is_stored_with_no_token_and_no_cookie(client, campaign_page):
    first, first_queries = get(client, campaign_page.url)
    html = first.content.decode()
    assert first.status_code == 200 and first_queries > 0
    assert not first.cookies
    assert "csrfmiddlewaretoken" not in html
    assert 'action="/opprop/stopp-stigma/signer/"' in html
    assert 'src="/static/js/petition-count.js"' in html
    assert f'data-petition-count-url="{count_url(campaign_page.petition)}"' in html
    second, second_queries = get(client, campaign_page.url)
    assert second_queries == 0 and second.content == first.content


def test_the_stored_campaign_page_is_made_anew_after_its_own_seconds(
    client, campaign_page, monkeypatch
):
    get(client, campaign_page.url)
    started = time.time()
    monkeypatch.setattr(time, "time", lambda: started + campaign_page.page_cache_seconds - 5)
    assert get(client, campaign_page.url)[1] == 0
    monkeypatch.setattr(time, "time", lambda: started + campaign_page.page_cache_seconds + 1)
    assert get(client, campaign_page.url)[1] > 0


def withdraw(signature):
    services.withdraw(services.withdraw_token(signature))


def erase(signature):
    services.erase_signature(signature.pk, email_normalized=signature.email_normalized)


def invalidate(signature):
    services.invalidate(Signature.objects.filter(pk=signature.pk))


def anonymise(signature):
    # Its petition closed long ago (an UPDATE: the stored page is not renewed by that).
    closed = timezone.now() - datetime.timedelta(days=400)
    Petition.objects.filter(pk=signature.petition_id).update(closes_at=closed)
    assert services.anonymise_closed_petitions() == 1


@pytest.mark.parametrize("leave", [withdraw, erase, invalidate, anonymise])
def test_a_signer_who_leaves_is_gone_from_the_stored_page_at_once(client, campaign_page, leave):
    signature = confirmed_signature(campaign_page.petition, name="Solveig Haugland")
    assert "Solveig, Bergen" in client.get(campaign_page.url).content.decode()
    assert get(client, campaign_page.url)[1] == 0  # stored, with her name in it
    leave(signature)
    response, queries = get(client, campaign_page.url)
    assert queries > 0 and "Solveig" not in response.content.decode()


def test_a_retention_run_with_nothing_to_anonymise_keeps_the_stored_pages(campaign_page):
    confirmed_signature(campaign_page.petition)
    generation = page_cache.PAGES.current()
    assert services.anonymise_closed_petitions() == 0
    assert page_cache.PAGES.current() == generation


@pytest.mark.parametrize(
    "change",
    [
        lambda signatures: services.set_comment_approval(signatures, False),
        services.reject_comments,
    ],
)
def test_a_comment_taken_down_is_gone_from_the_stored_page_at_once(client, campaign_page, change):
    confirmed_signature(campaign_page.petition, comment="Hjelp, ikke straff.")
    services.set_comment_approval(Signature.objects.all(), True)
    assert "Hjelp, ikke straff." in client.get(campaign_page.url).content.decode()
    change(Signature.objects.all())
    assert "Hjelp, ikke straff." not in client.get(campaign_page.url).content.decode()


def test_the_count_json_is_read_from_the_cache_and_renewed_by_a_confirmation(client, petition):
    Petition.objects.filter(pk=petition.pk).update(signature_count=1233)
    petition.goal = 5000
    petition.save()  # an editor's save renews the count (and keeps the row's count)
    first, first_queries = get(client, count_url(petition))
    assert first_queries == 1
    assert first.json() | {"updated": None} == {
        "count": 1233,
        "count_text": "1\xa0233",
        "goal": 5000,
        "percent": 25,
        "updated": None,
    }
    assert first["Cache-Control"] == "public, max-age=5"
    assert get(client, count_url(petition))[1] == 0
    confirmed_signature(petition)
    second, second_queries = get(client, count_url(petition))
    assert second_queries == 1 and second.json()["count"] == 1234
    assert second.json()["count_text"] == "1\xa0234"


def test_a_withdrawal_renews_the_count(client, petition):
    signature = confirmed_signature(petition)
    assert client.get(count_url(petition)).json()["count"] == 1
    withdraw(signature)
    assert client.get(count_url(petition)).json()["count"] == 0


def test_the_count_is_renewed_again_once_the_change_is_committed(
    petition, django_capture_on_commit_callbacks
):
    # A reader between the change and its commit may store the old count under the new token.
    with django_capture_on_commit_callbacks() as callbacks:
        confirmed_signature(petition)
        token_after_change = services.COUNTS.current()
    assert callbacks
    for callback in callbacks:
        callback()
    assert services.COUNTS.current() != token_after_change


def test_an_unknown_or_overlong_slug_is_404_without_a_cache_entry(client, petition):
    for slug in ("finnes-ikke", "a" * 500):
        assert client.get(reverse("campaigns:count", args=[slug])).status_code == 404
