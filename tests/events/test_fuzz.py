"""Malformed and hostile input to conference registration never gives a 5xx. A bad form comes
back on the conference page with its errors at its fields (400), a rate-limited one with 429, a
good one goes to the check-email page (302). Only a valid form saves a registration, never a
second one for the same normalised address, and no request seats more than the event has or
changes anyone else's registration (tests/events/registration_oracle.py foresees each answer).
The own page and the pages read with a query string are in test_fuzz_own_page.py.

The examples of one test share its database transaction (hypothesis runs them inside one
pytest test), so registrations pile up from example to example: every check compares the
records before and after the request instead of expecting an empty table.
"""

import pytest
from django.core.cache import cache
from hypothesis import event as tally
from hypothesis import example, given
from hypothesis import strategies as st

from tests.events.registration_inputs import as_sent, registration_posts
from tests.events.registration_oracle import check_registration, expected
from tests.fuzzing import EXPANDING_EMAIL, FUZZ, LONGEST_EMAIL, TOO_LONG_EMAIL

pytestmark = pytest.mark.django_db


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


# Each limit at its edge, every run: the fuzzing above meets them only now and then.
EDGES = [
    ("name", "x" * 200, True),
    ("name", " " + "ø" * 200 + "\n", True),
    ("name", "x" * 201, False),
    ("name", "x " * 101, False),  # 201 once runs of spaces are one
    ("name", "Kari\x00", False),
    ("email", LONGEST_EMAIL, True),
    ("email", TOO_LONG_EMAIL, False),
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
