"""An oracle for conference registration, for the fuzz tests: from a post alone and the
records before it, what the answer must be and what is stored; and the checks that hold each
fuzzed request to it."""

import html
import string
from unittest import mock

from django.core import validators
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.urls import reverse

from events import services, views
from events.models import Registration
from spero_site.forms import normalize_email
from tests.events.registration_inputs import (
    AFFILIATIONS,
    HONEYPOT,
    NEEDS_ORGANISATION,
    as_sent,
    last,
)
from tests.fuzzing import assert_no_server_error, nb, post

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


def check_registration(client, event, capture, data, encoding="multipart", limited=False):
    """Post `data` and check the answer and the records against the oracle. Returns the
    outcome the oracle foresaw and the status code."""
    url = reverse("events:register", args=[event.slug])
    sent = as_sent(data, encoding)
    errors, stored = expected(sent, event.max_seats_per_registration)
    before, before_totals = records(), totals()
    outcome, seated = foreseen(event, sent, errors, stored, limited)

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

    if outcome == "registered":
        [row] = new
        assert_registered(response, event, Registration.objects.get(pk=row["pk"]), stored, seated)
        assert after_totals["rows"] == before_totals["rows"] + 1
        assert (after_totals["seats"] or 0) == (before_totals["seats"] or 0) + stored["seats"]
    else:
        assert not new
        assert after_totals == before_totals
        assert_not_registered(response, event, outcome, errors)
    return outcome, response.status_code


def foreseen(event, sent, errors, stored, limited):
    """(the outcome of the post, whether a registration it makes gets its seats at once), as
    the records before it say."""
    # (Only a valid address is looked up: PostgreSQL cannot compare text with a NUL byte.)
    already = "email" not in errors and (
        Registration.objects.filter(
            event=event, email_normalized=stored["email_normalized"], status__in=Registration.ACTIVE
        ).exists()
    )
    queue_waits = services.queue(event).exists()
    free = event.capacity - services.seats_taken(event)

    if last(sent, HONEYPOT):
        return "honeypot", False
    if errors:
        return "invalid", False
    if limited:
        return "limited", False
    if already:
        return "repeat", False
    seated = not queue_waits and stored["seats"] <= free
    return ("registered" if seated or event.waiting_list else "full"), seated


def assert_sent_to_check_email(response, event):
    assert response.status_code == 302
    assert response["Location"] == reverse("events:check_email", args=[event.slug])


def assert_registered(response, event, registration, stored, seated):
    assert_sent_to_check_email(response, event)
    for field, value in stored.items():
        assert getattr(registration, field) == value, field
    assert registration.event_id == event.pk
    assert registration.status == ("confirmed" if seated else "waiting")


def assert_not_registered(response, event, outcome, errors):
    if outcome in ("honeypot", "repeat"):
        # The same answer as a new registration: the page never tells who is registered.
        assert_sent_to_check_email(response, event)
        return
    # Refused: the conference page again, with the form and its errors, or, for an event that
    # is full and keeps no waiting list, without the form.
    assert response.status_code == (429 if outcome == "limited" else 400)
    body = response.content.decode()
    assert event.title in body
    if "registration_form" not in response.context:
        assert not event.waiting_list and nb("Fully booked") in body
        return
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
