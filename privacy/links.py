"""The signed link of «Mine data»: who it is for, and for how long. Nothing is stored; the link
holds the address it was sent to, signed with the site's key and its own salt."""

import datetime
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from spero_site.forms import EMAIL_MAX_LENGTH, normalize_email

LINK_SALT = "privacy.mine-data.link"
LINK_MAX_AGE = datetime.timedelta(hours=1)


class InvalidLink(Exception):
    """A link that is forged, damaged or older than LINK_MAX_AGE."""


@dataclass(frozen=True)
class Identity:
    """The address a link was sent to: as the person typed it, and normalised."""

    address: str
    normalized: str

    @classmethod
    def of(cls, address):
        address = address.strip()
        return cls(address=address, normalized=normalize_email(address))


def make_token(identity):
    return signing.dumps({"a": identity.address, "n": identity.normalized}, salt=LINK_SALT)


def read_token(token):
    """The Identity a token was made for. Raises InvalidLink for anything else."""
    try:
        payload = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError, OverflowError) as error:
        raise InvalidLink from error
    if not isinstance(payload, dict):
        raise InvalidLink
    address, normalized = payload.get("a"), payload.get("n")
    if not (isinstance(address, str) and isinstance(normalized, str)):
        raise InvalidLink
    if (
        not address
        or "\x00" in address
        or len(normalized) > EMAIL_MAX_LENGTH
        or normalize_email(address) != normalized
    ):
        raise InvalidLink
    try:
        validate_email(address)
    except ValidationError as error:
        raise InvalidLink from error
    return Identity(address=address, normalized=normalized)
