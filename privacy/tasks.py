"""The «Mine data» e-mail, sent in the background so that a request for an address the site
holds nothing about looks, and takes, the same as one for an address it knows.

The request hands the address to the task through the shared cache under a random key, and the
task is queued with that key alone: the database queue (django_tasks_db keeps every task's
arguments) never holds an address, and the cache holds it for at most HANDOFF_SECONDS. The task
looks the address up and sends the link only when the site holds something about it.
"""

import logging
import secrets

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from privacy import links, records
from spero_site.cache import strict_cache as cache

logger = logging.getLogger(__name__)

# An address waits this long for the worker; after that the person asks again.
HANDOFF_SECONDS = int(links.LINK_MAX_AGE.total_seconds())


def _handoff_key(key):
    return f"privacy:link-request:{key}"


def request_link(address):
    """Queue the link for `address` (a valid e-mail address) once the transaction commits. The
    caller learns nothing of whether it will be sent."""
    key = secrets.token_urlsafe(24)
    try:
        cache.set(_handoff_key(key), address, timeout=HANDOFF_SECONDS)
    except Exception:  # noqa: BLE001 - the person gets the same answer, and can ask again
        logger.exception("Cache unavailable; a «Mine data» link was not queued")
        return
    transaction.on_commit(lambda: send_link.enqueue(key))


def link_message(identity):
    token = links.make_token(identity)
    context = {
        "link": settings.SITE_BASE_URL + reverse("privacy:data", args=[token]),
        "hours": int(links.LINK_MAX_AGE.total_seconds() // 3600),
        "request_url": settings.SITE_BASE_URL + reverse("privacy:request"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        return EmailMessage(
            subject=_("Your data at Spero foreningen"),
            body=render_to_string("privacy/emails/link.txt", context),
            to=[identity.address],
        )


@task()
def send_link(key):
    """Send the link for the address handed over under `key`, if the site holds anything about
    it. Returns nothing, so that the task's stored result says nothing either."""
    try:
        address = cache.get(_handoff_key(key))
        cache.delete(_handoff_key(key))
    except Exception:  # noqa: BLE001
        logger.exception("Cache unavailable; a «Mine data» link was not sent")
        return
    if not isinstance(address, str) or not address:
        return  # taken by an earlier run of the same task, or expired
    identity = links.Identity.of(address)
    if not records.holds_anything(identity):
        return
    try:
        link_message(identity).send()
    except Exception as error:  # noqa: BLE001 - the error would name the address
        logger.warning("Could not send a «Mine data» link (%s)", type(error).__name__)
