"""Hostile input to the site search (the one public GET form of the pages app) and to page
addresses never gives a 5xx and changes nothing."""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import Page

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["\x00", "%00", "' OR 1=1 --", "<script>", "a" * 10_000, "🦄" * 50, "-1"]),
)


@FUZZ
@given(query=HOSTILE, page_number=HOSTILE)
def test_hostile_searches_never_give_a_server_error(client, demo_site, query, page_number):
    before = Page.objects.count()
    response = client.get("/sok/", {"q": query, "page": page_number})
    assert response.status_code == 200
    assert Page.objects.count() == before


@FUZZ
@given(path=st.text(max_size=80))
def test_hostile_page_addresses_are_not_found(client, demo_site, path):
    response = client.get("/" + quote(path, safe="/"))
    assert response.status_code in (200, 301, 302, 404)
