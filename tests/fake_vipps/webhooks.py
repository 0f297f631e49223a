"""The Webhooks API v1 of the fake: registering a webhook, and sending one signed as Vipps
signs it."""

import base64
import hashlib
import hmac
import json
import uuid
from email.utils import formatdate
from urllib.parse import urlsplit

import requests

from tests import vipps_spec
from tests.fake_vipps.base import Problem


def sign(secret, url, body, date=None):
    """The headers Vipps sends with a webhook of `body` (bytes) to `url`."""
    parts = urlsplit(url)
    path_and_query = parts.path + (f"?{parts.query}" if parts.query else "")
    date = date or formatdate(usegmt=True)
    content_hash = base64.b64encode(hashlib.sha256(body).digest()).decode()
    signed = f"POST\n{path_and_query}\n{date};{parts.netloc};{content_hash}"
    signature = base64.b64encode(
        hmac.new(secret.encode(), signed.encode(), hashlib.sha256).digest()
    ).decode()
    return {
        "x-ms-date": date,
        "x-ms-content-sha256": content_hash,
        "Authorization": (
            f"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={signature}"
        ),
        "Content-Type": "application/json",
    }


class Webhooks:
    """FakeVipps's registered webhooks, in `webhooks`, and its secret, `webhook_secret`."""

    def signed(self, event, url, date=None):
        """The body and headers of a webhook of `event` to `url`, signed with the secret."""
        self.check("webhook", "POST", url, vipps_spec.webhook_problems(event))
        body = json.dumps(event).encode()
        return body, sign(self.webhook_secret, url, body, date)

    def notify(self, event):
        """Send `event` to every registered webhook, when the test asked for that."""
        if not self.send_webhooks:
            return
        for hook in self.webhooks:
            body, headers = self.signed(event, hook["url"])
            requests.post(hook["url"], data=body, headers=headers, timeout=10)

    # -- the API --------------------------------------------------------------------------

    def register_webhook(self, body):
        # "The URL must use HTTPS" (webhooks.v1.yaml, RegisterRequest.url).
        if not str(body.get("url", "")).startswith("https://") or not body.get("events"):
            raise Problem(400, "Validation error", "url must be https and events not empty")
        hook = {"id": str(uuid.uuid4()), "url": body["url"], "events": body["events"]}
        self.webhooks.append(hook)
        return 201, {"id": hook["id"], "secret": self.webhook_secret}

    def list_webhooks(self, body):
        return 200, {"webhooks": self.webhooks}
