"""While the shared cache (Redis) cannot be reached, pages are made from the database and the
forms refuse in Norwegian rather than take attempts nobody counts (docs/deploy.md, "When a part
fails"); once it answers again, a change made meanwhile is not hidden by an old stored page."""

import socket

import pytest
from django.test import override_settings
from django.urls import reverse

from campaigns.models import Signature
from spero_site import generations


def dead_redis_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"  # closed again: nothing listens there


def dead_caches():
    """The site's two aliases (spero_site/cache.py) on a Redis that is not there."""
    dead = {
        "BACKEND": "spero_site.cache.RedisCache",
        "LOCATION": dead_redis_url(),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    return {"default": {**dead, "FAIL_SOFT": True}, "strict": dead}


@pytest.fixture
def cache_down():
    with override_settings(CACHES=dead_caches()):
        yield


@pytest.mark.usefixtures("cache_down")
def test_pages_are_served_and_the_opprop_refuses_in_norwegian(
    client, home_page, campaign_page, petition, sign_data
):
    assert client.get(home_page.url).status_code == 200
    page = client.get(campaign_page.url)
    assert page.status_code == 200
    assert petition.title in page.content.decode()

    response = client.post(reverse("campaigns:sign", args=[petition.slug]), sign_data)

    assert response.status_code == 503
    assert "Vi kan ikke ta imot skjemaet akkurat nå" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_renewal_made_while_the_cache_was_away_is_written_when_it_answers(db):
    generation = generations.Generation("test:generation")
    token, _ = generation.lookup("test:entry")
    generation.store("test:entry", token, "made before the change", 60)
    assert generation.lookup("test:entry") == (token, "made before the change")

    with override_settings(CACHES=dead_caches()):
        generation.renew()  # the change, while the cache is away
        assert generation.renewal_owed
        assert generation.lookup("test:entry") == (None, None)
        generation.store("test:entry", None, "made while away", 60)

    # Back: the owed renewal goes first, so the entry made before the change is old.
    new_token, entry = generation.lookup("test:entry")
    assert not generation.renewal_owed
    assert new_token != token
    assert entry is None
