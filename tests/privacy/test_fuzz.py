"""Hostile input to «Mine data» never gives a 5xx: the request form answers 200, 400 or 429 and
mails only a valid address the site knows, once; a token URL answers 4xx for anything but a
token the site made, and a deletion with a bad token or id changes nothing.

The examples of one test share its database transaction, so every check compares the records
before and after the request rather than expecting a fresh table."""

import uuid
from urllib.parse import quote, urlencode

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.http import QueryDict
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from campaigns.models import Petition, Signature
from donations.models import DonationIntent
from events.models import Registration
from privacy import links
from privacy.forms import LinkRequestForm
from spero_site.forms import normalize_email
from tests.privacy.conftest import give, register, sign, token_for

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
KNOWN = "Kari.Nordmann@Example.no"
TRACEBACK_MARKERS = ["Traceback", "Exception Value", "Internal Server Error", "Server Error"]
LONG = "x" * 100_000
# A valid address whose lower-case form is longer than the address (İ lower-cases to two
# characters), as in tests/fuzzing.py.
EXPANDING_EMAIL = "x@" + ".".join(["İ" * 63] * 3) + ".no"
HOSTILE = [
    "",
    " ",
    "\x00",
    "kari.nordmann@example.no\x00",
    "\x00kari.nordmann@example.no",
    "KARI.NORDMANN@EXAMPLE.NO",
    " kari.nordmann+x@example.no ",
    "kari.nordmann@example.no, ola@example.no",
    "kari.nordmann@example.no\r\nBcc: ola@example.no",
    "kari.nordmann@example.no\n",
    LONG,
    LONG + "@example.no",
    "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".no",
    EXPANDING_EMAIL,
    "kari@bücher.no",
    "kari@",
    "@example.no",
    "kari@@example.no",
    "<script>alert(1)</script>@example.no",
    "{{ 7|add:7 }}{% debug %}",
    "' OR 1=1 --",
    "\u202ekari@example.no",
    "\ufeffkari@example.no",
    "🙂" * 100 + "@example.no",
    "İ" * 200,
    "%00",
]
text_value = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=60),
    st.text(min_size=200, max_size=2000),
    st.emails().map(str),
)
field_value = st.one_of(text_value, st.lists(text_value, min_size=0, max_size=3))


def no_traceback(response):
    body = response.content.decode(errors="replace")
    return not any(marker in body for marker in TRACEBACK_MARKERS)


@pytest.fixture
def known(petition, event):
    return {
        "signature": sign(petition, KNOWN),
        "registration": register(event, KNOWN),
        "donation": give(KNOWN),
    }


def snapshot():
    return (
        list(Signature.objects.order_by("pk").values()),
        list(Registration.objects.order_by("pk").values()),
        list(DonationIntent.objects.order_by("pk").values()),
        list(Petition.objects.order_by("pk").values_list("signature_count", flat=True)),
    )


@st.composite
def request_posts(draw):
    data = {}
    for name in ["email", "website", "csrfmiddlewaretoken", "extra"]:
        action = draw(st.sampled_from(["valid", "replace", "drop"]))
        if action == "replace":
            data[name] = draw(field_value)
        elif action == "valid" and name == "email":
            data[name] = draw(st.sampled_from([KNOWN, "ola@example.no"]))
        elif action == "valid" and name == "website":
            data[name] = ""
    return data


@FUZZ
@given(data=request_posts())
@example(data={"email": "kari.nordmann@example.no\x00", "website": ""})
@example(data={"email": LONG, "website": ""})
@example(data={"email": EXPANDING_EMAIL, "website": ""})
@example(data={"email": [KNOWN, "ola@example.no"], "website": ""})
@example(data={"email": KNOWN, "website": ["", "x"]})
def test_the_request_form_never_fails_and_mails_only_a_known_valid_address(
    client, known, django_capture_on_commit_callbacks, data
):
    cache.clear()  # no rate limit carried over from an earlier example
    mail.outbox.clear()
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:request"), data)
    assert response.status_code in (200, 400), response.status_code
    assert no_traceback(response)
    assert snapshot() == before
    if response.status_code == 400:
        assert not mail.outbox  # invalid input sends nothing
        return
    posted = QueryDict(urlencode(data, doseq=True))
    form = LinkRequestForm(posted)
    expected = (
        not posted.get("website")
        and form.is_valid()
        and normalize_email(form.cleaned_data["email"]) == normalize_email(KNOWN)
    )
    assert len(mail.outbox) == (1 if expected else 0)
    if mail.outbox:
        (message,) = mail.outbox
        (recipient,) = message.to
        assert normalize_email(recipient) == normalize_email(KNOWN)
        assert "\n" not in recipient and "\x00" not in recipient


tokens = st.one_of(
    st.sampled_from(["", "\x00", "a\x00b", LONG, "..", ".", "%2F", "🙂", "x:y:z", "::"]),
    st.text(min_size=1, max_size=300),
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:", max_size=200
    ),
    st.builds(
        lambda payload: signing.dumps(payload, salt=links.LINK_SALT),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=40),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.sampled_from(["a", "n", "x"]), inner, max_size=3)
            ),
            max_leaves=6,
        ),
    ),
)


@FUZZ
@given(token=tokens, pk=st.one_of(st.integers(min_value=0), st.just(None)))
@example(token="a\x00b", pk=None)
@example(token=LONG, pk=None)
@example(
    token=signing.dumps({"a": "x\x00@example.no", "n": "x\x00@example.no"}, salt=links.LINK_SALT),
    pk=None,
)
@example(token=signing.dumps({"a": "", "n": "@"}, salt=links.LINK_SALT), pk=None)
def test_a_token_url_never_fails_and_changes_nothing(client, known, token, pk):
    before = snapshot()
    quoted = quote(token, safe="")
    paths = [f"/mine-data/{quoted}/", f"/mine-data/{quoted}/mine-data.json"]
    posts = [
        f"/mine-data/{quoted}/slett/signatur/{pk if pk is not None else known['signature'].pk}/",
        f"/mine-data/{quoted}/slett/pamelding/{known['registration'].pk}/",
        f"/mine-data/{quoted}/slett/gave/{known['donation'].pk}/",
    ]
    for path in paths:
        response = client.get(path)
        assert 400 <= response.status_code < 500, (path, response.status_code)
        assert no_traceback(response)
    for path in posts:
        response = client.post(path)
        assert 400 <= response.status_code < 500, (path, response.status_code)
        assert no_traceback(response)
    assert snapshot() == before


@FUZZ
@given(
    kind=st.sampled_from(["signatur", "pamelding", "gave"]),
    pk=st.one_of(
        st.integers(min_value=0),
        st.text(max_size=40),
        st.uuids().map(str),
        st.sampled_from(["-1", "1e3", "0x10", "١", "\x00", "9" * 400]),
    ),
)
def test_a_forged_id_with_a_good_token_is_a_404_and_changes_nothing(client, known, kind, pk):
    before = snapshot()
    mine = {
        "signatur": str(known["signature"].pk),
        "pamelding": str(known["registration"].pk),
        "gave": str(known["donation"].pk),
    }
    text = str(pk)
    if kind == "gave" and text == mine[kind]:
        return  # the uuid converter takes lower-case hex only
    if kind != "gave" and text.isascii() and text.isdigit() and int(text) == int(mine[kind]):
        return  # the int converter reads "007" as 7
    url = f"/mine-data/{token_for(KNOWN)}/slett/{kind}/{quote(str(pk), safe='')}/"
    response = client.post(url)
    assert response.status_code == 404, (url, response.status_code)
    assert snapshot() == before


def test_uuid_forms_of_someone_elses_gift_are_404(client, known):
    other = give("ola@example.no", name="Ola Hansen")
    for form in [str(other.pk), str(other.pk).upper(), str(uuid.uuid4())]:
        url = f"/mine-data/{token_for(KNOWN)}/slett/gave/{form}/"
        assert client.post(url).status_code == 404
    assert DonationIntent.objects.filter(pk=other.pk).exists()
