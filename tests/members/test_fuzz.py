"""Hostile input to joining never gives a 5xx or a second membership for one address, and
forged member links never change anyone (hypothesis). The examples share one database
transaction, so what is saved is compared before and after."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members.models import Membership, MembershipFee

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hostile = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            "\x00",
            "1",
            "3",
            "-1",
            "99999999999999999999",
            "kari@example.no",
            "5003",
            "1999",
            "on",
            "x" * 400,
        ]
    ),
)
FIELDS = ["kind", "name", "email", "phone", "postal_code", "birth_year", "consent", "website"]


@FUZZ
@given(data=st.dictionaries(st.sampled_from(FIELDS), hostile))
def test_joining_never_fails_and_keeps_one_membership_per_address(client, demo_site, data):
    cache.clear()
    before = set(Membership.objects.values_list("pk", "email_normalized", "status"))
    response = client.post(reverse("join_membership"), data)
    assert response.status_code in (302, 400)
    after = list(Membership.objects.values_list("email_normalized", flat=True))
    assert len(after) == len(set(after))
    if response.status_code == 400 or data.get("website"):
        assert set(Membership.objects.values_list("pk", "email_normalized", "status")) == before


@FUZZ
@given(
    token=st.text(max_size=200).filter(lambda t: "/" not in t and t.strip()),
    provider=hostile,
)
def test_forged_member_links_change_nobody(client, demo_site, token, provider):
    before = sorted(Membership.objects.values_list("pk", "status"))
    for name in ("members:confirm", "members:resign", "members:pay"):
        response = client.post(reverse(name, args=[token]), {"provider": provider})
        assert response.status_code in (400, 403, 404)
    assert client.get(reverse("members:own", args=[token])).status_code == 404
    assert sorted(Membership.objects.values_list("pk", "status")) == before
    assert not MembershipFee.objects.exists()
