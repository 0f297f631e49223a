"""FakeVipps itself: its credentials and records, its server on loopback, the access token,
the routing of each API call (with Idempotency-Key) and the donor's landing pages; the APIs'
own calls are in epayment.py, recurring.py and webhooks.py."""

import base64
import html
import re
import secrets
import threading
import time
from http.server import ThreadingHTTPServer

from tests.fake_vipps.base import Problem
from tests.fake_vipps.epayment import EPayment
from tests.fake_vipps.recurring import Recurring
from tests.fake_vipps.server import RequestHandler
from tests.fake_vipps.webhooks import Webhooks

IDEMPOTENCY_KEY = re.compile(r"^[a-zA-Z0-9-]{1,50}$")


class FakeVipps(EPayment, Recurring, Webhooks):
    def __init__(self):
        self.client_id = "fake-client-id"
        self.client_secret = "fake-client-secret"  # noqa: S105 - a test double's own
        self.subscription_key = "fake-subscription-key"
        self.msn = "123456"
        self.webhook_secret = base64.b64encode(secrets.token_bytes(48)).decode()
        self.tokens = set()
        self.payments = {}
        self.agreements = {}
        self.charges = {}
        self.webhooks = []
        self.idempotent = {}
        self.calls = []
        # What the published definitions do not allow, in a request the site sent, an answer
        # this fake gave or a webhook it signed: (what, method, path, findings).
        self.violations = []
        self.delay = 0.0
        self.delay_after_processing = False
        self.fail_next = 0
        self.send_webhooks = False
        self._lock = threading.Lock()
        self._server = None

    # -- running --------------------------------------------------------------------------

    def start(self, port=0):
        fake = self

        class Handler(RequestHandler):
            vipps = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def site_settings(self):
        """The site's settings that point it at this fake."""
        return {
            "VIPPS_API_URL": self.url,
            "VIPPS_CLIENT_ID": self.client_id,
            "VIPPS_CLIENT_SECRET": self.client_secret,
            "VIPPS_SUBSCRIPTION_KEY": self.subscription_key,
            "VIPPS_MERCHANT_SERIAL_NUMBER": self.msn,
            "VIPPS_WEBHOOK_SECRET": self.webhook_secret,
        }

    def calls_to(self, method, path_pattern):
        return [c for c in self.calls if c[0] == method and re.fullmatch(path_pattern, c[1])]

    # -- the published definitions --------------------------------------------------------

    def check(self, what, method, path, problems):
        """Keep what the definitions found wrong; returns it."""
        if problems:
            with self._lock:
                self.violations.append((what, method, path, problems))
        return problems

    def assert_as_published(self):
        """Fail with every finding, one per line, unless there is none."""
        lines = [
            f"{what} {method} {path}: {finding}"
            for what, method, path, findings in self.violations
            for finding in findings
        ]
        assert not lines, "Not as Vipps publishes it:\n" + "\n".join(lines)

    # -- the API --------------------------------------------------------------------------

    def handle(self, method, path, headers, body):
        self.calls.append((method, path, headers, body))
        if self.fail_next:
            self.fail_next -= 1
            raise Problem(503, "Service Unavailable")
        if path == "/accesstoken/get" and method == "POST":
            return 200, self._access_token(headers)
        self._authenticate(headers)
        route = self._route(method, path)
        if route is None:
            raise Problem(404, "Not Found")
        handler, args = route
        key = headers.get("idempotency-key")
        needs_key = handler in _NEEDS_IDEMPOTENCY
        if needs_key and (not key or not IDEMPOTENCY_KEY.fullmatch(key)):
            raise Problem(400, "Missing or invalid Idempotency-Key")
        # One request at a time, as one payment's requests are at Vipps: a key sent twice at
        # the same moment gets the first answer, not a second capture.
        with self._lock:
            if needs_key and (path, key) in self.idempotent:
                return self.idempotent[(path, key)]
            answer = handler(self, body, *args)
            if needs_key:
                self.idempotent[(path, key)] = answer
        return answer

    def _access_token(self, headers):
        if (
            headers.get("client_id") != self.client_id
            or headers.get("client_secret") != self.client_secret
            or headers.get("ocp-apim-subscription-key") != self.subscription_key
            or headers.get("merchant-serial-number") != self.msn
        ):
            raise Problem(401, "Unauthorized")
        token = base64.b64encode(secrets.token_bytes(48)).decode()
        self.tokens.add(token)
        now = int(time.time())
        # Every field a string, as the Access Token API's definition has them.
        return {
            "token_type": "Bearer",
            "expires_in": "3600",
            "ext_expires_in": "0",
            "expires_on": str(now + 3600),
            "not_before": str(now),
            "resource": "00000002-0000-0000-c000-000000000000",
            "access_token": token,
        }

    def _authenticate(self, headers):
        auth = headers.get("authorization", "")
        if (
            not auth.startswith("Bearer ")
            or auth.removeprefix("Bearer ") not in self.tokens
            or headers.get("ocp-apim-subscription-key") != self.subscription_key
            or headers.get("merchant-serial-number") != self.msn
        ):
            raise Problem(401, "Unauthorized")

    def _route(self, method, path):
        for route_method, pattern, handler in _ROUTES:
            match = re.fullmatch(pattern, path)
            if match and route_method == method:
                return handler, match.groups()
        return None

    # -- the landing pages ----------------------------------------------------------------

    def landing(self, kind, key, choice=None):
        """The donor's page at Vipps: GET shows it, POST with a choice acts and sends the
        donor back to the site."""
        if kind == "payment":
            target = self.payments.get(key)
            back = target and target["returnUrl"]
        else:
            target = self.agreements.get(key)
            back = target and target["merchantRedirectUrl"]
        if target is None:
            return 404, "text/html", "<p>Unknown payment</p>", None
        if choice is None:
            page = (
                '<!doctype html><html lang="nb"><title>Fake Vipps</title><main>'
                f"<h1>Vipps</h1><p>{html.escape(key)}</p>"
                '<form method="post"><button name="choice" value="approve">Godkjenn</button>'
                '<button name="choice" value="cancel">Avbryt</button></form></main></html>'
            )
            return 200, "text/html; charset=utf-8", page, None
        if kind == "payment":
            (self.approve if choice == "approve" else self.abort)(key)
        else:
            (self.accept_agreement if choice == "approve" else self.reject_agreement)(key)
        return 302, "text/plain", "", back


_ROUTES = [
    ("POST", r"/epayment/v1/payments", FakeVipps.create_payment),
    ("GET", r"/epayment/v1/payments/([^/]+)", FakeVipps.get_payment),
    ("POST", r"/epayment/v1/payments/([^/]+)/capture", FakeVipps.capture),
    ("POST", r"/recurring/v3/agreements", FakeVipps.create_agreement),
    ("GET", r"/recurring/v3/agreements/([^/]+)", FakeVipps.get_agreement),
    ("POST", r"/recurring/v3/agreements/([^/]+)/charges", FakeVipps.create_charge),
    ("GET", r"/recurring/v3/agreements/([^/]+)/charges/([^/]+)", FakeVipps.get_charge),
    ("POST", r"/webhooks/v1/webhooks", FakeVipps.register_webhook),
    ("GET", r"/webhooks/v1/webhooks", FakeVipps.list_webhooks),
]
_NEEDS_IDEMPOTENCY = {
    FakeVipps.create_payment,
    FakeVipps.capture,
    FakeVipps.create_agreement,
    FakeVipps.create_charge,
}
