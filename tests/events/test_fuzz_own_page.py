"""Hostile input to a person's own registration page never gives a 5xx: it answers 404 for
every unknown token and does nothing for an action it does not know; and the registration pages
read with hostile query strings answer as without them.

The examples of one test share its database transaction, so every check compares the records
before and after the request instead of expecting an empty table.
"""

import html
import string
from urllib.parse import quote, urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import assume, example, given, settings
from hypothesis import event as tally
from hypothesis import strategies as st

from events import services, views
from events.models import Registration
from tests.events.conftest import person
from tests.events.registration_inputs import text_value
from tests.events.registration_oracle import records, totals
from tests.fuzzing import FUZZ, assert_no_server_error, nb, post, tokens

pytestmark = pytest.mark.django_db

ACTIONS = {"cancel", "accept"}


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


registration_tokens = tokens(r"A-Za-z0-9_\-")
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


def own_page_example(**values):
    """A case the fuzzing below always tries. Unless it says otherwise: posted as a form, the
    page read with no «done», a "mutated" token with a NUL byte added (and "x" for a token that
    is replaced by a registration's own)."""
    return example(
        **{"token": "x", "mutation": "nul", "encoding": "multipart", "done": None, **values}
    )


@FUZZ
@given(
    target=st.sampled_from(
        ["unknown", "mutated", "anonymised", "confirmed", "offered", "waiting", "cancelled"]
    ),
    token=registration_tokens,
    mutation=st.sampled_from(sorted(MUTATIONS)),
    of=st.sampled_from(["confirmed", "offered", "waiting"]),
    action=actions,
    encoding=st.sampled_from(["multipart", "urlencoded", "json"]),
    done=st.one_of(st.none(), st.sampled_from(sorted(views.DONE_MESSAGES)), text_value),
)
@own_page_example(target="unknown", token="\x00", of="confirmed", action="cancel")
@own_page_example(target="mutated", of="offered", action="accept")
@own_page_example(target="confirmed", of="confirmed", action=[])
@own_page_example(
    target="offered", of="offered", action=["accept", "x"], encoding="urlencoded", done="\x00"
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
