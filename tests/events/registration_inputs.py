"""The input the fuzz tests of conference registration send: hostile values and values near
each field's own rules, and whole posts built from them; and what of a post the view reads."""

import string

from hypothesis import strategies as st

from events.models import Registration
from tests.fuzzing import (
    EXPANDING_EMAIL,
    INJECTIONS,
    LONG,
    LONGEST_EMAIL,
    MALFORMED_EMAILS,
    TOO_LONG_EMAIL,
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


HOSTILE = [
    "",
    " ",
    "\t\r\n",
    "\x00",
    "a\x00b",
    LONG,
    *INJECTIONS,
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
        *MALFORMED_EMAILS,
        "kari@bücher.no",
        '"kari nordmann"@example.no',
        "kari@[127.0.0.1]",
        "kari@localhost",
        EXPANDING_EMAIL,
        LONGEST_EMAIL,
        TOO_LONG_EMAIL,
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
