"""A small client for the Vipps MobilePay APIs the site uses: the access token, ePayment
(create, get, capture) and Recurring v3 (agreements and charges), and the HMAC check of a
webhook. Nothing here knows about donations; donations/providers/vipps.py does.

Every request has a timeout; a timeout, a refused connection or a 5xx raises
ProviderUnavailable (nothing is known: try again with the same Idempotency-Key), a 4xx raises
ProviderRefused with Vipps's problem detail."""

import base64
import hashlib
import hmac
import logging
from email.utils import parsedate_to_datetime

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from donations.providers.base import ProviderRefused, ProviderUnavailable

logger = logging.getLogger(__name__)

# Who is calling, as Vipps asks every integration to say (each at most 30 characters; the
# Vipps-System-* parameters of every definition in tests/vipps_openapi/).
SYSTEM_HEADERS = {
    "Vipps-System-Name": "spero-site",
    "Vipps-System-Version": "1.0",
    "Vipps-System-Plugin-Name": "spero-donations",
    "Vipps-System-Plugin-Version": "1.0",
}
# A token is fetched again this long before Vipps says it expires.
TOKEN_MARGIN_SECONDS = 120
_session = requests.Session()


def is_configured():
    return all(
        (
            settings.VIPPS_CLIENT_ID,
            settings.VIPPS_CLIENT_SECRET,
            settings.VIPPS_SUBSCRIPTION_KEY,
            settings.VIPPS_MERCHANT_SERIAL_NUMBER,
        )
    )


def _send(method, path, *, headers, json=None):
    url = settings.VIPPS_API_URL.rstrip("/") + path
    try:
        response = _session.request(
            method,
            url,
            headers={
                "Ocp-Apim-Subscription-Key": settings.VIPPS_SUBSCRIPTION_KEY,
                "Merchant-Serial-Number": settings.VIPPS_MERCHANT_SERIAL_NUMBER,
                **SYSTEM_HEADERS,
                **headers,
            },
            json=json,
            timeout=settings.VIPPS_TIMEOUT_SECONDS,
        )
    except requests.RequestException as error:
        logger.warning("Vipps did not answer %s %s: %s", method, path, error)
        raise ProviderUnavailable(str(error)) from error
    if response.status_code >= 500:
        logger.warning("Vipps answered %s %s with %s", method, path, response.status_code)
        raise ProviderUnavailable(f"HTTP {response.status_code}")
    if response.status_code >= 400:
        logger.warning(
            "Vipps refused %s %s: %s %s", method, path, response.status_code, response.text[:500]
        )
        raise ProviderRefused(response.status_code, _problem(response))
    try:
        return response.json() if response.content else {}
    except ValueError as error:
        raise ProviderUnavailable("Vipps answered with something that is not JSON") from error


def _problem(response):
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def access_token():
    """A bearer token from the Access Token API, shared through the cache until shortly before
    it expires."""
    key = f"vipps-token:{settings.VIPPS_MERCHANT_SERIAL_NUMBER}"
    token = cache.get(key)
    if token:
        return token
    body = _send(
        "POST",
        "/accesstoken/get",
        headers={
            "client_id": settings.VIPPS_CLIENT_ID,
            "client_secret": settings.VIPPS_CLIENT_SECRET,
        },
    )
    token = body.get("access_token")
    if not token:
        raise ProviderUnavailable("Vipps gave no access token")
    try:
        lifetime = int(body.get("expires_in", 0))
    except (TypeError, ValueError):
        lifetime = 0
    if lifetime > TOKEN_MARGIN_SECONDS:
        cache.set(key, token, timeout=lifetime - TOKEN_MARGIN_SECONDS)
    return token


def call(method, path, *, json=None, idempotency_key=None):
    headers = {"Authorization": f"Bearer {access_token()}"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    return _send(method, path, headers=headers, json=json)


def webhook_is_authentic(*, secret, method, path_and_query, host, headers, body):
    """The check Vipps documents for a webhook (Webhooks API, request authentication): the body's
    SHA-256 matches x-ms-content-sha256, and the Authorization header carries the HMAC-SHA256,
    keyed with the webhook's secret, of "METHOD\\npath?query\\ndate;host;content-hash". The date
    must also be recent, so an old request cannot be played again later."""
    if not secret:
        return False
    date = headers.get("x-ms-date", "")
    content_hash = headers.get("x-ms-content-sha256", "")
    authorization = headers.get("authorization", "")
    expected_hash = base64.b64encode(hashlib.sha256(body).digest()).decode()
    if not hmac.compare_digest(content_hash.encode(), expected_hash.encode()):
        return False
    signed = f"{method}\n{path_and_query}\n{date};{host};{content_hash}"
    signature = base64.b64encode(
        hmac.new(secret.encode(), signed.encode(), hashlib.sha256).digest()
    ).decode()
    expected = f"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={signature}"
    if not hmac.compare_digest(authorization.encode(), expected.encode()):
        return False
    try:
        sent_at = parsedate_to_datetime(date)
    except (TypeError, ValueError):
        return False
    if sent_at.tzinfo is None:
        return False
    age = abs((timezone.now() - sent_at).total_seconds())
    return age <= settings.VIPPS_WEBHOOK_MAX_AGE_SECONDS
