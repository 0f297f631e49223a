"""Admin login lockout with django-axes (settings in spero_site/settings/base.py).

After AXES_FAILURE_LIMIT failed logins with one username from one client, that username is
refused from that client for AXES_COOLOFF_MINUTES, even with the right password; other
usernames, and the same username from elsewhere, are not affected. The counts live in the
shared cache only (no database rows), under the client's keyed pseudonym: axes never sees the
address itself, so neither its cache keys nor its log lines can hold it.
"""

import datetime
import ipaddress
import logging
import sys

from axes.handlers.cache import AxesCacheHandler
from axes.helpers import get_cool_off
from django.shortcuts import render

from spero_site.abuse import ip_hash

logger = logging.getLogger(__name__)

# Unique local IPv6 addresses (fd00::/8) route nowhere: a pseudonym can never be mistaken for,
# or collide with, a real client address.
PSEUDONYM_PREFIX = b"\xfd"


def client_pseudonym(request):
    """AXES_CLIENT_IP_CALLABLE: the client's keyed IP hash (spero_site.abuse.ip_hash), written
    as an IPv6 address so that anything in axes that expects an address gets a valid one."""
    digest = bytes.fromhex(ip_hash(request))
    return str(ipaddress.IPv6Address(PSEUDONYM_PREFIX + digest[:15]))


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the lockout page, in Norwegian, in the admin's look."""
    cool_off = get_cool_off(request) or datetime.timedelta(0)
    minutes = max(1, round(cool_off.total_seconds() / 60))
    return render(request, "spero_site/admin/locked_out.html", {"minutes": minutes}, status=429)


class LockoutCacheHandler(AxesCacheHandler):
    """axes's cache handler, failing closed like the site's other rate limits
    (spero_site/abuse.py): when the cache cannot answer, a login is refused with the lockout
    page instead of ending in a server error. The cache must be the shared one (Redis in
    production, docs/deploy.md), or each process would count on its own."""

    def get_failures(self, request, credentials=None):
        try:
            return super().get_failures(request, credentials)
        except Exception:  # noqa: BLE001 - any cache failure must refuse, not let through
            logger.exception("Login lockout cache unavailable; refusing the login")
            return sys.maxsize

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        try:
            super().user_login_failed(sender, credentials, request, **kwargs)
        except Exception:  # noqa: BLE001
            logger.exception("Login lockout cache unavailable; refusing the login")
            if request is not None:
                request.axes_locked_out = True
                request.axes_credentials = credentials

    def user_logged_in(self, sender, request, user, **kwargs):
        try:
            super().user_logged_in(sender, request, user, **kwargs)
        except Exception:  # noqa: BLE001 - the login itself has succeeded
            logger.exception("Login lockout cache unavailable; failures not reset")
