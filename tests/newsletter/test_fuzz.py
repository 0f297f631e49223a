"""Hostile input to the newsletter's sign-up never gives a 5xx or a second subscriber for one
address, and forged links never change anyone (hypothesis). The examples share one database
transaction, so counts are compared before and after."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.models import Subscriber

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hostile = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", "\x00", "kari@example.no", "KARI@example.no", "x" * 400, "on"]),
)


@FUZZ
@given(
    data=st.dictionaries(st.sampled_from(["email", "first_name", "consent", "website"]), hostile)
)
def test_sign_up_never_fails_and_keeps_one_row_per_address(client, home_page, data):
    cache.clear()
    before = set(Subscriber.objects.values_list("email_normalized", flat=True))
    response = client.post(reverse("newsletter:signup"), data)
    assert response.status_code in (302, 400)
    after = list(Subscriber.objects.values_list("email_normalized", flat=True))
    assert len(after) == len(set(after))
    if response.status_code == 400 or data.get("website"):
        assert set(after) == before


@FUZZ
@given(token=st.text(max_size=200).filter(lambda t: "/" not in t and t.strip()))
def test_forged_links_change_nobody(client, home_page, token):
    before = sorted(Subscriber.objects.values_list("pk", "status"))
    for name in ("newsletter:confirm", "newsletter:unsubscribe"):
        assert client.post(reverse(name, args=[token])).status_code in (400, 404)
    assert sorted(Subscriber.objects.values_list("pk", "status")) == before
