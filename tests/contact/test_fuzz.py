"""Malformed and hostile input to the contact form never gives a 5xx: a bad form comes back
with its errors (400), a good one is stored once and redirected (302), a rate-limited one gets
429. The examples share one database transaction, so counts are compared before and after."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contact.models import ContactMessage
from tests.contact.conftest import message

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FIELDS = ["name", "email", "subject", "message", "website"]
hostile_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", " ", "\x00", "a\x00b", "<script>x</script>", "x" * 6000, "💥" * 100]),
)


@FUZZ
@given(
    data=st.dictionaries(st.sampled_from(FIELDS), hostile_text),
    lists=st.booleans(),
)
def test_no_input_gives_a_server_error_or_a_second_record(client, contact_page, data, lists):
    cache.clear()  # the rate limit is tested on its own
    before = ContactMessage.objects.count()
    payload = {**message(), **data}
    if lists:
        payload = {key: [value, value] for key, value in payload.items()}
    response = client.post(reverse("contact_message"), payload)
    assert response.status_code in (302, 400), response.status_code
    stored = ContactMessage.objects.count() - before
    if response.status_code == 400 or data.get("website"):
        assert stored == 0
    else:
        assert stored == 1
