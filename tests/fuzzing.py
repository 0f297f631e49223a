"""What the fuzz tests of the public forms share: hypothesis's settings for them, a post sent as
a browser or a script sends it, the check that no answer is a server error, and the Norwegian
a message must have."""

import json
from urllib.parse import urlencode

from django.utils import translation
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# The examples of one test share its fixtures and its database transaction.
FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TRACEBACK_MARKERS = ["Traceback", "Exception Value", "Internal Server Error", "Server Error"]

LONG = "x" * 10_000
# A valid address whose lower-case form is longer than the address (İ lower-cases to two
# characters): 196 characters, 385 once normalised.
EXPANDING_EMAIL = "x@" + ".".join(["İ" * 63] * 3) + ".no"
LONGEST_EMAIL = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".no"  # 254
TOO_LONG_EMAIL = "a" * 288 + "@example.no"  # 300 characters
# Addresses with a part missing or doubled, two addresses, or a header after the address.
MALFORMED_EMAILS = [
    "kari@",
    "@example.no",
    "kari@@example.no",
    "kari@ex ample.no",
    "kari@example.no, ola@example.no",
    "kari@example.no\r\nBcc: ola@example.no",
]
# Text that means something to HTML, to templates, to SQL or in a URL, or turns text around.
INJECTIONS = [
    "<script>alert(1)</script>",
    "{{ 7|add:7 }}{% debug %}",
    "' OR 1=1 --",
    "%00",
    "\u202eevil",
    "\ufeff",
]


def tokens(alphabet):
    """Texts for a token in a link's path: anything of one to 300 characters, anything of 2000 to
    3000, or what looks like a real token, of the characters `alphabet` (a regex class) allows."""
    anything = st.characters(codec="utf-8", exclude_characters="/")
    return st.one_of(
        st.text(alphabet=anything, min_size=1, max_size=300),
        st.from_regex(rf"[{alphabet}]{{1,120}}", fullmatch=True),
        st.text(alphabet=anything, min_size=2000, max_size=3000),
    )


def post(client, url, data, encoding="multipart"):
    """`data` as a browser's form (multipart or urlencoded) or as a script's JSON."""
    if encoding == "urlencoded":
        return client.post(
            url, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded"
        )
    if encoding == "json":
        return client.post(url, json.dumps(data), content_type="application/json")
    return client.post(url, data)


def assert_no_server_error(response):
    assert response.status_code < 500, response.status_code
    body = response.content.decode(errors="replace")
    for marker in TRACEBACK_MARKERS:
        assert marker not in body


def nb(message):
    """The Norwegian translation of one of the site's own messages; it must have one."""
    with translation.override("nb"):
        translated = translation.gettext(message)
    assert translated != message, f"no Norwegian translation of {message!r}"
    return translated
