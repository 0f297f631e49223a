"""Malformed and hostile input to conference registration never gives a 5xx. A bad form comes
back on the conference page with its errors at its fields (400), a rate-limited one with 429, a
good one goes to the check-email page (302). Only a valid form saves a registration, never a
second one for the same normalised address, and no request seats more than the event has or
changes anyone else's registration. The own page answers 404 for every unknown token and does
nothing for an action it does not know.

The examples of one test share its database transaction (hypothesis runs them inside one
pytest test), so registrations pile up from example to example: every check compares the
records before and after the request instead of expecting an empty table.
"""

import html
import json
import string
from unittest import mock
from urllib.parse import quote, urlencode

import pytest
from django.core import validators
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import event as tally
from hypothesis import strategies as st

from events import services, views
from events.models import Registration
from spero_site.forms import normalize_email
from tests.events.conftest import person

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

FIELDS = [
    "name",
    "email",
    "phone",
    "affiliation",
    "organisation",
    "seats",
    "dietary_needs",
    "accessibility_needs",
    "consent",
]
HONEYPOT = "website"
AFFILIATIONS = set(Registration.Affiliation.values)
NEEDS_ORGANISATION = {"municipality", "voluntary", "community"}
TRACEBACK_MARKERS = ["Traceback", "Exception Value", "Internal Server Error", "Server Error"]
ACTIONS = {"cancel", "accept"}

LONG = "x" * 10_000
# A valid address whose lower-case form is longer than the address (İ lower-cases to two
# characters): 196 characters, 385 once normalised.
EXPANDING_EMAIL = "x@" + ".".join(["İ" * 63] * 3) + ".no"
HOSTILE = [
    "",
    " ",
    "\t\r\n",
    "\x00",
    "a\x00b",
    LONG,
    "<script>alert(1)</script>",
    "{{ 7|add:7 }}{% debug %}",
    "' OR 1=1 --",
    "%00",
    "\u202eevil",
    "\ufeff",
    "\u00a0",
    "\x1c\x1d\x1e\x1f",
    "🙂" * 100,
    "İ" * 200,
    "None",
    "null",
    "[]",
    "{}",
    "true",
    "false",
    "on",
    "off",
    "0",
    "1",
    "-1",
    "NaN",
    "1e9",
]
# Values near each field's own rules: valid ones, and ones just over an edge.
NEAR = {
    "name": [
        "Kari Nordmann",
        "  Kari \t  Nordmann \n",
        "K",
        "Æsa Øvrebø Ålvik",
        "x" * 200,
        "x" * 201,
        " " + "x" * 200 + " ",
        "Ola " * 50,
        "x " * 101,
        "Kari\x00",
        "İ" * 200,
    ],
    "email": [
        "kari@example.no",
        " kari@example.no ",
        "KARI@EXAMPLE.NO",
        "kari+tag@example.no",
        "k.a.r.i@gmail.com",
        "kari@googlemail.com",
        "kari@example.no\x00",
        "\x00kari@example.no",
        "kari@",
        "@example.no",
        "kari@@example.no",
        "kari@ex ample.no",
        "kari@example.no, ola@example.no",
        "kari@example.no\r\nBcc: ola@example.no",
        "kari@bücher.no",
        '"kari nordmann"@example.no',
        "kari@[127.0.0.1]",
        "kari@localhost",
        EXPANDING_EMAIL,
        "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".no",  # 254
        "a" * 288 + "@example.no",  # 300
    ],
    "phone": [
        "",
        "412 34 567",
        "41234567",
        "+4741234567",
        "+47 412 34 567",
        "0047 412.34.567",
        "412-34-567",
        "412\u00a034\u00a0567",
        "412\u200b34567",
        "4 1 2 3 4 5 6 7",
        " . - ",
        "+46 412 34 567",
        "+47+4741234567",
        "00474123",
        "4123456",
        "412345678",
        "４１２３４５６７",
        "٤١٢٣٤٥٦٧",
        "+47 . . . 41234567 ",
        "+47  .  .  41234567",
        "1" * 21,
        "41234567\x00",
    ],
    "affiliation": [
        *sorted(AFFILIATIONS),
        "Individual",
        " individual",
        "individual ",
        "municipality\x00",
        "alien",
        "",
    ],
    "organisation": [
        "Bergen kommune",
        "  Bergen \t kommune ",
        "x" * 200,
        "x" * 201,
        " " + "x" * 200 + " ",
        "\x00",
        " ",
        "",
    ],
    "seats": [
        "1",
        "2",
        "3",
        "4",
        "5",
        "0",
        "-1",
        " 2",
        "2 ",
        "1.0",
        "٢",
        "²",
        "２",
        "99999999999999999999",
        "",
    ],
    "dietary_needs": ["Vegetar", "x" * 500, "x" * 501, " " + "x" * 500 + " ", "a\r\nb", "\x00"],
    "accessibility_needs": ["Rullestol", "x" * 500, "x" * 501, "\t\x00", "\n" * 600],
    "consent": ["on", "off", "true", "True", "false", "FALSE", "0", "1", "", " ", "\x00", "ja"],
    HONEYPOT: ["", " ", "\x00", "0", "https://spam.example"],
}

# Texts at the edges of the limits (200 for names, 500 for needs), of characters of one, two or
# four bytes, sometimes padded with whitespace that is stripped before the length is checked.
edge_lengths = st.builds(
    lambda n, c, pad: pad + c * n + pad,
    st.sampled_from([199, 200, 201, 499, 500, 501]),
    st.sampled_from(["x", "ø", "🙂"]),
    st.sampled_from(["", " ", "\n\t"]),
)
text_value = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.text(min_size=190, max_size=600),
    edge_lengths,
    st.integers().map(str),
    st.from_regex(r"[0-9 +.-]{6,14}", fullmatch=True),
)


def field_value(name):
    """Near the field's own rules, anything at all, or several values under one name."""
    near = st.sampled_from(NEAR[name])
    return st.one_of(near, text_value, st.lists(st.one_of(near, text_value), max_size=3))


# Addresses that often meet again, by another spelling, so that a second registration for the
# same normalised address is tried; and fresh ones, so that seats fill up.
SAME_PERSON = [
    "Kari.Nordmann@Example.no",
    "kari.nordmann@example.no",
    "kari.nordmann+igjen@example.no",
    " KARI.NORDMANN@EXAMPLE.NO ",
    "olanordmann@gmail.com",
    "Ola.Nord.Mann+x@googlemail.com",
]
emails = st.one_of(
    st.sampled_from(SAME_PERSON),
    st.from_regex(r"[a-z][a-z0-9.]{0,10}[a-z0-9]", fullmatch=True).map(
        lambda local: f"{local}@example.no"
    ),
)
# Fields the form does not know: whoever tries to set a status, a priority or a token by
# posting it gets nothing for it.
extra_fields = st.dictionaries(
    st.one_of(
        st.sampled_from(
            ["csrfmiddlewaretoken", "status", "priority", "token", "event", "email_normalized"]
        ),
        st.text(alphabet=string.ascii_letters + string.digits + "_-[]. ", min_size=1, max_size=12),
    ).filter(lambda key: key not in FIELDS and key != HONEYPOT),
    text_value,
    max_size=3,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)


@st.composite
def registration_posts(draw):
    """A valid registration with some of its fields replaced, dropped or doubled, and fields
    added that the form does not know; sent as a browser or as a script would."""
    data = {
        "name": "Kari Nordmann",
        "email": draw(emails),
        "phone": "412 34 567",
        "affiliation": "municipality",
        "organisation": "Bergen kommune",
        "seats": draw(st.sampled_from(["1", "2", "3", "4"])),
        "dietary_needs": "Vegetar",
        "accessibility_needs": "",
        "consent": "on",
        HONEYPOT: "",
    }
    # One field, often, with a value near its own rules; then a few more with anything.
    focus = draw(st.sampled_from([None, *FIELDS, HONEYPOT]))
    if focus is not None:
        data[focus] = draw(st.sampled_from(NEAR[focus]))
    for name in draw(st.sets(st.sampled_from([*FIELDS, HONEYPOT]), max_size=4)):
        if draw(st.integers(0, 3)):
            data[name] = draw(field_value(name))
        else:
            del data[name]
    data.update(draw(extra_fields))
    encoding = draw(st.sampled_from(["multipart"] * 3 + ["urlencoded"] * 2 + ["json"]))
    if encoding == "json":
        # Wrong types: a script that sends JSON instead of a form.
        data.update(draw(st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=3)))
    return data, encoding


def post(client, url, data, encoding="multipart"):
    if encoding == "urlencoded":
        return client.post(
            url, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded"
        )
    if encoding == "json":
        return client.post(url, json.dumps(data), content_type="application/json")
    return client.post(url, data)


def as_sent(data, encoding):
    """What the view's request.POST holds: every name with its values in order. A JSON body
    fills no form; an empty list sends nothing."""
    if encoding == "json":
        return {}
    sent = {name: value if isinstance(value, list) else [value] for name, value in data.items()}
    return {name: values for name, values in sent.items() if values}


def last(sent, name):
    """The value a form field reads: the last one sent under its name, or None."""
    values = sent.get(name)
    return values[-1] if values else None


# An oracle for the form, written from the rules (Django's fields and docs/events.md), not from
# events/forms.py: which fields a post must be refused at, and what a valid one is stored as.


def text_problem(value, max_length):
    """A CharField's verdict on its stripped value: None when empty, else True when it is too
    long or holds a NUL byte."""
    value = (value or "").strip()
    if not value:
        return None
    return len(value) > max_length or "\x00" in value


def valid_address(value):
    try:
        validators.validate_email(value)
    except ValidationError:
        return False
    return True


def phone_number(value):
    """A Norwegian number of eight digits, in any grouping by spaces, dots or hyphens and
    optionally after +47 or 0047, as "412 34 567"; "" for none; None when refused."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > 20 or "\x00" in value:
        return None
    digits = "".join(c for c in value if not (c.isspace() or c in ".-"))
    if not digits:
        return ""
    for prefix in ("+47", "0047", ""):
        rest = digits[len(prefix) :] if digits.startswith(prefix) else ""
        if len(rest) == 8 and set(rest) <= set(string.digits):
            return f"{rest[:3]} {rest[3:5]} {rest[5:]}"
    return None


def expected(sent, most):
    """(fields refused, what a valid post is stored as)."""
    errors = set()
    name = " ".join((last(sent, "name") or "").split())
    if not name or len(name) > 200 or "\x00" in name:
        errors.add("name")

    email = (last(sent, "email") or "").strip()
    if (
        not email
        or len(email) > 254
        or "\x00" in email
        or not valid_address(email)
        or len(normalize_email(email)) > 254
    ):
        errors.add("email")

    phone = phone_number(last(sent, "phone"))
    if phone is None:
        errors.add("phone")

    affiliation = last(sent, "affiliation")
    if affiliation not in AFFILIATIONS:
        errors.add("affiliation")

    organisation = last(sent, "organisation")
    if text_problem(organisation, 200):
        errors.add("organisation")
        organisation = ""
    organisation = " ".join((organisation or "").split())
    if affiliation in NEEDS_ORGANISATION and not organisation:
        errors.add("organisation")

    seats = 1
    if most > 1:
        seats = last(sent, "seats")
        if seats not in {str(n) for n in range(1, most + 1)}:
            errors.add("seats")
        else:
            seats = int(seats)

    needs = {}
    for field in ("dietary_needs", "accessibility_needs"):
        if text_problem(last(sent, field), 500):
            errors.add(field)
        needs[field] = (last(sent, field) or "").strip()

    # A checkbox: unchecked when not sent, when empty or when "false" (Django's CheckboxInput).
    consent = last(sent, "consent")
    if consent is None or consent == "" or consent.lower() == "false":
        errors.add("consent")

    stored = {
        "name": name,
        "email": email,
        "email_normalized": normalize_email(email),
        "phone": phone,
        "affiliation": affiliation,
        "organisation": organisation,
        "seats": seats,
        **needs,
        "priority": 0,
    }
    return errors, stored


def nb(message):
    """The Norwegian translation of one of the site's own messages; it must have one."""
    with translation.override("nb"):
        translated = translation.gettext(message)
    assert translated != message, f"no Norwegian translation of {message!r}"
    return translated


def assert_no_server_error(response):
    assert response.status_code < 500, response.status_code
    body = response.content.decode(errors="replace")
    for marker in TRACEBACK_MARKERS:
        assert marker not in body


def records():
    """Every registration as it stands, by pk."""
    return {
        row["pk"]: row
        for row in Registration.objects.values(
            "pk", "event_id", "token", "status", "seats", "email_normalized", "priority"
        )
    }


def totals():
    return Registration.objects.aggregate(rows=Count("pk"), seats=Sum("seats"))


def assert_invariants(event):
    event.refresh_from_db()
    assert services.seats_taken(event) <= event.capacity
    doubled = (
        Registration.objects.filter(event=event, status__in=Registration.ACTIVE)
        .exclude(email_normalized="")
        .values("email_normalized")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not doubled.exists(), list(doubled)


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(
    params=[
        {"max_seats_per_registration": 4, "waiting_list": True},
        {"max_seats_per_registration": 1, "waiting_list": True},
        {"max_seats_per_registration": 4, "waiting_list": False},
    ],
    ids=["groups-of-4", "one-seat-each", "groups-without-waiting-list"],
)
def fuzz_event(request, event, conference_page):
    for field, value in request.param.items():
        setattr(event, field, value)
    event.save()
    return event


# 1. The registration form


@FUZZ
@given(post_data=registration_posts(), limited=st.booleans())
@example(post_data=({}, "multipart"), limited=False)
@example(post_data=({}, "json"), limited=False)
@example(post_data=({"email": "kari@example.no\x00", "consent": "on"}, "multipart"), limited=False)
@example(
    post_data=(
        {
            "name": "Kari Nordmann",
            "email": EXPANDING_EMAIL,
            "affiliation": "individual",
            "seats": "1",
            "consent": "on",
        },
        "multipart",
    ),
    limited=False,
)
@example(
    post_data=(
        {"name": "K", "email": "k@example.no", "affiliation": "other", "seats": "1"},
        "json",
    ),
    limited=True,
)
def test_hostile_registrations(
    client, fuzz_event, django_capture_on_commit_callbacks, post_data, limited
):
    data, encoding = post_data
    cache.clear()  # test validation and seats here; rate limits only when `limited`
    outcome, status = check_registration(
        client, fuzz_event, django_capture_on_commit_callbacks, data, encoding, limited
    )
    tally(f"{outcome} {status}")


def check_registration(client, event, capture, data, encoding="multipart", limited=False):
    """Post `data` and check the answer and the records against the oracle. Returns the
    outcome the oracle foresaw and the status code."""
    url = reverse("events:register", args=[event.slug])
    sent = as_sent(data, encoding)
    errors, stored = expected(sent, event.max_seats_per_registration)
    before, before_totals = records(), totals()
    # (Only a valid address is looked up: PostgreSQL cannot compare text with a NUL byte.)
    already = "email" not in errors and (
        Registration.objects.filter(
            event=event, email_normalized=stored["email_normalized"], status__in=Registration.ACTIVE
        ).exists()
    )
    queue_waits = services.queue(event).exists()
    free = event.capacity - services.seats_taken(event)

    limit = (0, 600) if limited else views.REGISTER_LIMIT_PER_IP
    with (
        mock.patch.object(views, "REGISTER_LIMIT_PER_IP", limit),
        capture(execute=True),
    ):
        response = post(client, url, data, encoding)

    assert_no_server_error(response)
    after, after_totals = records(), totals()
    assert_invariants(event)
    # Nobody cancels and no time passes here: no existing registration changes.
    assert {pk: after[pk] for pk in before} == before
    new = [after[pk] for pk in after.keys() - before.keys()]

    if last(sent, HONEYPOT):
        outcome = "honeypot"
    elif errors:
        outcome = "invalid"
    elif limited:
        outcome = "limited"
    elif already:
        outcome = "repeat"
    elif (not queue_waits and stored["seats"] <= free) or event.waiting_list:
        outcome = "registered"
    else:
        outcome = "full"
    result = outcome, response.status_code

    if outcome == "registered":
        assert response.status_code == 302
        assert response["Location"] == reverse("events:check_email", args=[event.slug])
        [row] = new
        registration = Registration.objects.get(pk=row["pk"])
        for field, value in stored.items():
            assert getattr(registration, field) == value, field
        assert registration.event_id == event.pk
        seated = not queue_waits and stored["seats"] <= free
        assert registration.status == ("confirmed" if seated else "waiting")
        assert after_totals["rows"] == before_totals["rows"] + 1
        assert (after_totals["seats"] or 0) == (before_totals["seats"] or 0) + stored["seats"]
        return result

    assert not new
    assert after_totals == before_totals
    if outcome in ("honeypot", "repeat"):
        # The same answer as a new registration: the page never tells who is registered.
        assert response.status_code == 302
        assert response["Location"] == reverse("events:check_email", args=[event.slug])
        return result

    # Refused: the conference page again, with the form and its errors, or, for an event that
    # is full and keeps no waiting list, without the form.
    assert response.status_code == (429 if outcome == "limited" else 400)
    body = response.content.decode()
    assert event.title in body
    if "registration_form" not in response.context:
        assert not event.waiting_list and nb("Fully booked") in body
        return result
    form = response.context["registration_form"]
    assert '<div class="form__errors" role="alert">' in body
    if outcome == "invalid":
        assert set(form.errors) == errors
        for field in errors:
            assert f'id="id_{field}_error"' in body, field
            assert f'aria-describedby="id_{field}_error' in body, field
    elif outcome == "limited":
        assert set(form.errors) == {"__all__"}
        assert nb("Too many attempts. Wait a few minutes and try again.") in body
    else:
        assert set(form.errors) == {"__all__"}
        assert html.escape(nb("The event is full, and it keeps no waiting list.")) in body
    return result


# Each limit at its edge, every run: the fuzzing above meets them only now and then.
EDGES = [
    ("name", "x" * 200, True),
    ("name", " " + "ø" * 200 + "\n", True),
    ("name", "x" * 201, False),
    ("name", "x " * 101, False),  # 201 once runs of spaces are one
    ("name", "Kari\x00", False),
    ("email", "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".no", True),
    ("email", "a" * 288 + "@example.no", False),
    ("email", EXPANDING_EMAIL, False),
    ("phone", "+47  . .  412 34 567", True),  # 20 characters
    ("phone", "+47  . .  412 34  567", False),  # 21
    ("phone", "412\u00a034\u00a0567", True),
    ("phone", "４１２３４５６７", False),
    ("organisation", "x" * 200, True),
    ("organisation", "x" * 201, False),
    ("organisation", " \t ", False),  # a municipality must be named
    ("seats", "4", True),
    ("seats", "5", False),
    ("seats", "04", False),
    ("dietary_needs", "x" * 500, True),
    ("dietary_needs", "\t" + "🙂" * 500 + " ", True),
    ("dietary_needs", "x" * 501, False),
    ("accessibility_needs", "x" * 500, True),
    ("accessibility_needs", "x" * 501, False),
    ("accessibility_needs", "a\x00", False),
    ("consent", "false", False),
    ("consent", "", False),
]


@pytest.mark.parametrize(("field", "value", "valid"), EDGES)
def test_each_limit_at_its_edge(
    client,
    event,
    conference_page,
    form_data,
    django_capture_on_commit_callbacks,
    field,
    value,
    valid,
):
    event.max_seats_per_registration = 4
    event.save()
    data = {**form_data, "seats": "1", field: value}
    outcome, status = check_registration(client, event, django_capture_on_commit_callbacks, data)
    assert (outcome, status) == (("registered", 302) if valid else ("invalid", 400))


def test_the_oracle_accepts_the_valid_form(form_data):
    """The fuzzing above can tell valid from refused: the flow tests' form passes the oracle."""
    sent = as_sent({**form_data, "seats": "2"}, "multipart")
    errors, stored = expected(sent, 4)
    assert not errors
    assert stored["email_normalized"] == "kari.nordmann@example.no"
    assert stored["seats"] == 2


# 2. The own page


@pytest.fixture
def registrations(event):
    """One of each: confirmed, offered, waiting, cancelled, and one anonymised."""
    seated = [services.register(event.pk, person(n)) for n in range(1, 11)]
    offered = services.register(event.pk, person(11))
    services.cancel(seated[0])  # the seat is offered to number 11
    waiting = services.register(event.pk, person(12))
    Registration.objects.filter(pk=seated[1].pk).update(anonymised_at=timezone.now())
    found = {
        "confirmed": seated[2],
        "offered": offered,
        "waiting": waiting,
        "cancelled": seated[0],
        "anonymised": seated[1],
    }
    for status, registration in found.items():
        registration.refresh_from_db()
        if status != "anonymised":
            assert registration.status == status
    return found


tokens = st.one_of(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_characters="/"), min_size=1, max_size=300
    ),
    st.from_regex(r"[A-Za-z0-9_\-]{1,120}", fullmatch=True),
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_characters="/"), min_size=2000, max_size=3000
    ),
)
# A real token, almost.
MUTATIONS = {
    "upper": str.upper,
    "swapcase": str.swapcase,
    "shorter": lambda token: token[:-1],
    "longer": lambda token: token + "A",
    "space": lambda token: token + " ",
    "nul": lambda token: token + "\x00",
    "nul-inside": lambda token: token[:10] + "\x00" + token[10:],
    "percent": lambda token: token + "%00",
    "fullwidth": lambda token: token.translate(
        {ord(c): ord(c) + 0xFEE0 for c in string.ascii_letters}
    ),
}
action_value = st.one_of(
    st.sampled_from(
        [
            "cancel",
            "accept",
            "Cancel",
            "ACCEPT",
            " cancel",
            "cancel ",
            "cancel\x00",
            "accept\x00",
            "avbryt",
            "confirm",
            "delete",
            "",
        ]
    ),
    text_value,
)
actions = st.one_of(st.none(), action_value, st.lists(action_value, max_size=3))


@FUZZ
@given(
    target=st.sampled_from(
        ["unknown", "mutated", "anonymised", "confirmed", "offered", "waiting", "cancelled"]
    ),
    token=tokens,
    mutation=st.sampled_from(sorted(MUTATIONS)),
    of=st.sampled_from(["confirmed", "offered", "waiting"]),
    action=actions,
    encoding=st.sampled_from(["multipart", "urlencoded", "json"]),
    done=st.one_of(st.none(), st.sampled_from(sorted(views.DONE_MESSAGES)), text_value),
)
@example(
    target="unknown",
    token="\x00",
    mutation="nul",
    of="confirmed",
    action="cancel",
    encoding="multipart",
    done=None,
)
@example(
    target="mutated",
    token="x",
    mutation="nul",
    of="offered",
    action="accept",
    encoding="multipart",
    done=None,
)
@example(
    target="confirmed",
    token="x",
    mutation="nul",
    of="confirmed",
    action=[],
    encoding="multipart",
    done=None,
)
@example(
    target="offered",
    token="x",
    mutation="nul",
    of="offered",
    action=["accept", "x"],
    encoding="urlencoded",
    done="\x00",
)
def test_the_own_page_with_arbitrary_tokens_and_actions(
    client, event, registrations, target, token, mutation, of, action, encoding, done
):
    if target == "mutated":
        token = MUTATIONS[mutation](registrations[of].token)
    elif target != "unknown":
        token = registrations[target].token
    live = {r.token for r in Registration.objects.filter(anonymised_at__isnull=True)}
    known = token in live
    sent_action = (action or [None])[-1] if isinstance(action, list) else action
    if known:
        assume(sent_action not in ACTIONS)  # a real button press is the flow tests' business
    tally(f"{target} known={known}")
    url = f"/pamelding/min/{quote(token, safe='')}/"
    data = {} if action is None else {"action": action}
    before, before_totals = records(), totals()

    page = client.get(url, {} if done is None else {"done": done})
    assert_no_server_error(page)
    response = post(client, url, data, encoding)
    assert_no_server_error(response)

    assert records() == before
    assert totals() == before_totals
    if not known:
        assert (page.status_code, response.status_code) == (404, 404)
        return
    assert page.status_code == 200
    assert event.title in page.content.decode()
    # An action it does not know: back to the page, with nothing done and nothing said.
    assert response.status_code == 302
    assert response["Location"] == reverse("events:registration", args=[token])


def test_a_token_with_a_nul_byte_is_not_found(client, registrations):
    """PostgreSQL cannot compare a text with a NUL byte; the page must still answer 404."""
    token = registrations["confirmed"].token
    for url in (f"/pamelding/min/{token}%00/", "/pamelding/min/%00/"):
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "cancel"}).status_code == 404
    registrations["confirmed"].refresh_from_db()
    assert registrations["confirmed"].status == "confirmed"


# 3. Pages read with hostile query strings

query_strings = st.one_of(
    st.text(max_size=200).map(lambda text: quote(text, safe="=&;+%")),
    st.lists(st.tuples(text_value, text_value), max_size=6).map(urlencode),
    st.sampled_from(
        [
            "done=cancelled",
            "done=%00",
            "done=%FF%FE",
            "%FF=%FF",
            "done=accepted&done=expired&done=nope",
            "&&&",
            "=",
            "%",
            "%%",
            "%G0",
            "done[]=x",
            "page=-1",
            "page=99999999999999999999",
            "p=1;q=2",
            "x=" + "y" * 10_000,
        ]
    ),
)
MANY_FIELDS = "&".join(f"f{n}=1" for n in range(10_001))


@settings(FUZZ, max_examples=60)
@given(query=query_strings)
@example(query=MANY_FIELDS)
def test_pages_with_hostile_query_strings(client, event, conference_page, registrations, query):
    before = records()
    urls = [
        reverse("events:check_email", args=[event.slug]),
        conference_page.url,
        reverse("events:registration", args=[registrations["waiting"].token]),
    ]
    for url in urls:
        response = client.get(f"{url}?{query}")
        assert_no_server_error(response)
        tally(f"status {response.status_code}")
        if query == MANY_FIELDS:
            # More fields than Django reads is refused wherever the query is read.
            assert response.status_code in (200, 400), (url, response.status_code)
        else:
            assert response.status_code == 200, (url, response.status_code)
            assert event.title in response.content.decode()
    assert records() == before


def test_the_own_page_keeps_its_message_for_a_known_done(client, registrations):
    url = reverse("events:registration", args=[registrations["waiting"].token])
    body = client.get(url, {"done": "left"}).content.decode()
    assert html.escape(nb("You have left the waiting list.")) in body
    assert '<p class="notice" role="status">' in body
