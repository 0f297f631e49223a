"""Malformed and hostile input to the opprop's form never gives a 5xx: a bad form comes back
with Norwegian errors at its fields, and no request saves more than one signature or changes a
count. The opprop's other URLs (its count and its links) are in test_fuzz_links.py."""

import html
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from hypothesis import event, example, given
from hypothesis import strategies as st

from campaigns.models import Signature
from tests.fuzzing import (
    EXPANDING_EMAIL,
    FUZZ,
    INJECTIONS,
    LONG,
    LONGEST_EMAIL,
    MALFORMED_EMAILS,
    TOO_LONG_EMAIL,
    assert_no_server_error,
    nb,
    post,
)

pytestmark = pytest.mark.django_db

SIGN_FIELDS = ["full_name", "email", "postal_code", "show_publicly", "comment", "consent"]
HONEYPOT = "website"
HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "kari@example.no\x00",
    "\x00kari@example.no",
    LONG,
    TOO_LONG_EMAIL,
    LONGEST_EMAIL,
    EXPANDING_EMAIL,
    "kari@bücher.no",
    "KARI+spam@Gmail.com",
    "k.a.r.i@googlemail.com",
    "+@example.no",
    *MALFORMED_EMAILS,
    "５００３",
    "٥٠٠٣",
    "500",
    "50034",
    "abcd",
    " 5003 ",
    "5003\n",
    "0000",
    "-1",
    "1e9",
    "NaN",
    "0",
    "1",
    "on",
    "off",
    "false",
    "None",
    "[]",
    "{}",
    *INJECTIONS,
    "🙂" * 100,
    "İ" * 200,
]

text_value = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.text(min_size=190, max_size=600),
    st.integers().map(str),
    st.from_regex(r"[0-9]{3,5}", fullmatch=True),
)
field_value = st.one_of(text_value, st.lists(text_value, min_size=0, max_size=3))
extra_fields = st.dictionaries(
    st.one_of(st.sampled_from(["csrfmiddlewaretoken", "petition", "status", "pk"]), st.text()),
    text_value,
    max_size=3,
)


@st.composite
def sign_posts(draw):
    """A valid signature with some of its fields replaced, dropped or doubled, and fields
    added that the form does not know; sent as a browser or as a script would."""
    local = draw(st.from_regex(r"[a-z][a-z0-9.]{0,10}[a-z0-9]", fullmatch=True))
    data = {
        "full_name": "Kari Nordmann",
        "email": f"{local}@example.no",
        "postal_code": "5003",
        "show_publicly": "on",
        "comment": "Stigma må bort.",
        "consent": "on",
        HONEYPOT: "",
    }
    for name in SIGN_FIELDS + [HONEYPOT]:
        action = draw(st.sampled_from(["keep", "keep", "replace", "drop"]))
        if action == "replace":
            data[name] = draw(field_value)
        elif action == "drop":
            del data[name]
    data.update({k: v for k, v in draw(extra_fields).items() if k not in data})
    encoding = draw(st.sampled_from(["multipart", "urlencoded", "json"]))
    return data, encoding


@pytest.fixture
def sign_url(petition):
    return reverse("campaigns:sign", args=[petition.slug])


def state(petition):
    petition.refresh_from_db()
    return Signature.objects.count(), petition.signature_count


def errors_at(body, field):
    """The error texts shown at a field: the list tied to it by id."""
    match = re.search(rf'<ul class="field__errors" id="id_{field}_error">(.*?)</ul>', body, re.S)
    return (
        [html.unescape(e) for e in re.findall(r"<li>(.*?)</li>", match[1], re.S)] if match else []
    )


def assert_errors_shown_at_fields(response):
    """Every error of the form is shown at its field, in the page's language, and the page
    says there are errors."""
    body = response.content.decode()
    form = response.context["signature_form"]
    assert form.errors
    assert 'class="field__errors"' in body
    assert '<div class="form__errors" role="alert">' in body
    with translation.override("nb"):
        expected = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
    # The honeypot is hidden: an error there could not be seen. A filled one, whatever it
    # holds, gets the normal answer (docs/opprop.md).
    assert HONEYPOT not in expected, expected[HONEYPOT]
    for name, messages in expected.items():
        assert name != "__all__", messages  # no limit or closed petition while fuzzing
        assert errors_at(body, name) == messages, (name, messages)
        assert f'aria-describedby="id_{name}_error' in body


@FUZZ
@given(post_data=sign_posts())
@example(post_data=({"postal_code": "５００３", "email": TOO_LONG_EMAIL}, "multipart"))
@example(post_data=({}, "json"))
def test_hostile_signatures_never_give_a_server_error(
    client, campaign_page, petition, sign_url, django_capture_on_commit_callbacks, post_data
):
    data, encoding = post_data
    cache.clear()  # test validation, not the rate limits
    rows, count = state(petition)

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, sign_url, data, encoding)

    assert_no_server_error(response)
    event(f"status {response.status_code}")
    new_rows, new_count = state(petition)
    assert new_count == count  # only confirmation changes the count
    if response.status_code == 302:
        assert response["Location"] == reverse("campaigns:check_email", args=[petition.slug])
        assert new_rows - rows in (0, 1)
    else:
        assert response.status_code == 400
        assert new_rows == rows
        assert_errors_shown_at_fields(response)


OWN_ORIGIN = "http://testserver"
header_values = st.one_of(
    st.none(),
    st.sampled_from([OWN_ORIGIN, "https://testserver", "null", "", "http://testserver:80"]),
    st.text(alphabet=st.characters(codec="latin-1", exclude_categories=["Cc"]), max_size=80),
)
fetch_sites = st.one_of(
    st.none(), st.sampled_from(["same-origin", "none", "same-site", "cross-site"]), header_values
)


@FUZZ
@given(origin=header_values, fetch_site=fetch_sites)
def test_any_origin_and_fetch_metadata_never_give_a_server_error(
    client, campaign_page, petition, sign_url, sign_data, origin, fetch_site
):
    # The form without a CSRF token (spero_site/cross_site.py): taken from the site itself or
    # from a client that names no origin, refused with 403 from anywhere else.
    cache.clear()
    Signature.objects.all().delete()
    headers = {
        name: value
        for name, value in (("Origin", origin), ("Sec-Fetch-Site", fetch_site))
        if value is not None
    }
    response = client.post(sign_url, sign_data, headers=headers)
    assert_no_server_error(response)
    taken = (
        fetch_site in ("same-origin", "none")
        or origin == OWN_ORIGIN
        or (fetch_site is None and origin is None)
    )
    assert response.status_code == (302 if taken else 403), (origin, fetch_site)
    assert Signature.objects.count() == (1 if taken else 0)


def test_a_valid_signature_is_saved_once(client, campaign_page, petition, sign_url, sign_data):
    """The fuzzing above can tell saved from refused: a good form is saved, once."""
    rows, count = state(petition)
    assert post(client, sign_url, sign_data).status_code == 302
    assert post(client, sign_url, sign_data, "urlencoded").status_code == 302
    assert state(petition) == (rows + 1, count)


def test_an_address_that_grows_when_lower_cased(
    client, campaign_page, petition, sign_url, sign_data, django_capture_on_commit_callbacks
):
    """A valid address of 196 characters whose normalised form has 385 (İ lower-cases to
    "i" and a combining dot): it is either refused at the field or saved, never a 500."""
    rows, count = state(petition)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, sign_url, sign_data | {"email": EXPANDING_EMAIL})
    assert_no_server_error(response)
    if response.status_code == 400:
        assert errors_at(response.content.decode(), "email")
        assert state(petition) == (rows, count)
    else:
        assert response.status_code == 302
        assert state(petition) == (rows + 1, count)


def test_a_honeypot_with_a_nul_byte_gets_the_normal_answer(
    client, campaign_page, petition, sign_url, sign_data
):
    """A filled honeypot gets the answer a signer gets and nothing is stored, even when what
    it holds would not pass a field's checks."""
    response = post(client, sign_url, sign_data | {HONEYPOT: "\x00"})
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:check_email", args=[petition.slug])
    assert Signature.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "", "Enter your full name."),
        ("full_name", " \t ", "Enter your full name."),
        ("email", "", "Enter your e-mail address."),
        ("email", "kari@", "Enter an e-mail address like name@example.no."),
        ("postal_code", "", "Enter your postal code."),
        ("postal_code", "abcd", "Enter a postal code of four digits, for example 5003."),
        ("postal_code", "５００３", "Enter a postal code of four digits, for example 5003."),
        ("consent", "", "You must agree before you can sign."),
    ],
)
def test_errors_are_in_norwegian_at_the_field(
    client, campaign_page, petition, sign_url, sign_data, field, value, message
):
    response = post(client, sign_url, sign_data | {field: value})
    assert response.status_code == 400
    assert errors_at(response.content.decode(), field) == [nb(message)]
    assert Signature.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("full_name", "a\x00b"),
        ("full_name", LONG),
        ("email", "kari@example.no\x00"),
        ("email", TOO_LONG_EMAIL),
        ("postal_code", "500"),
        ("postal_code", "50034"),
        ("comment", LONG),
        ("comment", "\x00"),
    ],
)
def test_djangos_own_messages_are_in_norwegian_too(
    client, campaign_page, petition, sign_url, sign_data, field, value
):
    response = post(client, sign_url, sign_data | {field: value})
    assert response.status_code == 400
    shown = errors_at(response.content.decode(), field)
    assert shown
    for message in shown:
        assert not re.search(r"\b(Ensure|Enter|Null characters|characters)\b", message), message
    assert Signature.objects.count() == 0


def test_the_31st_attempt_from_one_address_is_refused(
    client, campaign_page, petition, sign_url, sign_data
):
    for n in range(30):
        response = post(client, sign_url, sign_data | {"email": f"person{n}@example.no"})
        assert response.status_code == 302, n
    rows, count = state(petition)

    response = post(client, sign_url, sign_data | {"email": "person30@example.no"})

    assert response.status_code == 429
    body = response.content.decode()
    assert nb("Too many attempts. Wait a few minutes and try again.") in body
    assert '<div class="form__errors" role="alert">' in body
    assert state(petition) == (rows, count)
    assert not Signature.objects.filter(email="person30@example.no").exists()
    # Another address (another household) is not held back by this one.
    other = client.post(
        sign_url, sign_data | {"email": "other@example.no"}, REMOTE_ADDR="192.0.2.7"
    )
    assert other.status_code == 302


def test_the_sixth_attempt_with_one_email_is_refused(
    client, campaign_page, petition, sign_url, sign_data
):
    for n in range(5):
        address = f"198.51.100.{n}"
        assert client.post(sign_url, sign_data, REMOTE_ADDR=address).status_code == 302
    rows, count = state(petition)
    response = client.post(
        sign_url, sign_data | {"email": "KARI.nordmann+x@example.no"}, REMOTE_ADDR="198.51.100.9"
    )
    assert response.status_code == 429
    assert nb("Too many attempts. Wait a few minutes and try again.") in response.content.decode()
    assert state(petition) == (rows, count)
