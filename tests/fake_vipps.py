"""A fake Vipps MobilePay on loopback, speaking the documented APIs the site uses, so that the
site's own HTTP client is tested as it runs in production:

- Access Token API: POST /accesstoken/get (client_id, client_secret, subscription key, MSN);
- ePayment API v1: create (Idempotency-Key, WEB_REDIRECT), get, capture;
- Recurring API v3: create agreement (with an initial charge), get agreement, create charge,
  get charge;
- Webhooks API v1: register (returns the secret) and list; webhooks signed as Vipps documents
  (x-ms-date, x-ms-content-sha256, HMAC-SHA256 over "POST\\npath\\ndate;host;hash");
- the donor's side: a landing page per payment and agreement where the donor approves or
  cancels, then is sent back to returnUrl / merchantRedirectUrl.

Every request, every answer and every webhook is validated against Vipps's published API
definitions (tests/vipps_openapi/, through tests/vipps_spec.py): a request they do not allow is
refused with 400, and whatever they find is kept in `violations`, which fails the test that used
the fake (the `fake_vipps` fixture). Beyond that the fake knows its tokens and credentials, and
answers a repeated Idempotency-Key with the first answer again, as Vipps does. Tests steer it
with the donor's actions (approve, abort, expire, accept_agreement, ...), with `delay` (an
answer that comes too late) and `fail_next` (5xx answers), and read `calls` to see what the
site asked.

Run on its own for trying the Vipps flow by hand with `make run`:
    .venv/bin/python -m tests.fake_vipps --port 8089
then start the site with VIPPS_API_URL=http://127.0.0.1:8089 and the printed credentials.
"""

import base64
import contextlib
import datetime
import hashlib
import hmac
import html
import json
import re
import secrets
import threading
import time
import uuid
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import requests

from tests import vipps_spec

REFERENCE = re.compile(r"^[a-zA-Z0-9-]{8,64}$")
IDEMPOTENCY_KEY = re.compile(r"^[a-zA-Z0-9-]{1,50}$")


class Problem(Exception):
    def __init__(self, status, title, detail=""):
        super().__init__(title)
        self.status, self.title, self.detail = status, title, detail


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


class FakeVipps:
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

        class Handler(_Handler):
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

    # -- the donor's actions and Vipps's own ----------------------------------------------

    def approve(self, reference):
        """The donor approves the payment in the app: the amount is reserved."""
        self._set_payment_state(reference, "AUTHORIZED", "AUTHORIZED")

    def abort(self, reference):
        self._set_payment_state(reference, "ABORTED", "ABORTED")

    def expire(self, reference):
        self._set_payment_state(reference, "EXPIRED", "EXPIRED")

    def _set_payment_state(self, reference, state, event):
        with self._lock:
            payment = self.payments[reference]
            payment["state"] = state
            if state == "AUTHORIZED":
                payment["authorized"] = payment["amount"]["value"]
        self.notify(self.payment_event(reference, event))

    def accept_agreement(self, agreement_id, initial_charge="CHARGED"):
        """The donor accepts the agreement; its initial charge is taken at once."""
        with self._lock:
            agreement = self.agreements[agreement_id]
            agreement["status"] = "ACTIVE"
            agreement["start"] = _now()
            charge_id = agreement["initialChargeId"]
            if charge_id:
                self.charges[charge_id]["status"] = initial_charge
        if charge_id:
            self.notify(self.charge_event(agreement_id, charge_id, initial_charge))

    def reject_agreement(self, agreement_id):
        self.stop_agreement(agreement_id, event="agreement-rejected")

    def stop_agreement(self, agreement_id, event="agreement-stopped"):
        with self._lock:
            self.agreements[agreement_id]["status"] = "STOPPED"
            self.agreements[agreement_id]["stop"] = _now()
        self.notify(self.agreement_event(agreement_id, event))

    def expire_agreement(self, agreement_id):
        with self._lock:
            self.agreements[agreement_id]["status"] = "EXPIRED"
        self.notify(self.agreement_event(agreement_id, "agreement-expired"))

    def settle_charge(self, charge_id, status="CHARGED"):
        """The due date came: Vipps charged the donor (or failed to)."""
        with self._lock:
            self.charges[charge_id]["status"] = status
            agreement_id = self.charges[charge_id]["agreementId"]
        self.notify(self.charge_event(agreement_id, charge_id, status))

    # -- webhooks -------------------------------------------------------------------------

    def payment_event(self, reference, name, amount=None):
        """An ePayment webhook's body; `amount` for a payment this fake does not know."""
        return {
            "msn": self.msn,
            "reference": reference,
            "pspReference": secrets.token_hex(8),
            "name": name,
            "amount": amount or self.payments[reference]["amount"],
            "timestamp": _now(),
            "idempotencyKey": None,
            "success": True,
        }

    def agreement_event(self, agreement_id, event):
        return {
            "agreementId": agreement_id,
            "agreementExternalId": self.agreements[agreement_id].get("externalId"),
            "eventType": f"recurring.{event}.v1",
            "occurred": _now(),
            "actor": "USER",
            "msn": self.msn,
        }

    def charge_event(self, agreement_id, charge_id, status):
        event = {"CHARGED": "charge-captured", "FAILED": "charge-failed"}.get(
            status, "charge-canceled"
        )
        charge = self.charges[charge_id]
        return {
            "agreementId": agreement_id,
            "chargeId": charge_id,
            "amount": charge["amount"],
            "amountCaptured": charge["amount"] if status == "CHARGED" else 0,
            "chargeType": charge["type"],
            "currency": "NOK",
            "eventType": f"recurring.{event}.v1",
            "occurred": _now(),
            "msn": self.msn,
        }

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

    def create_payment(self, body):
        amount = body.get("amount") or {}
        reference = body.get("reference", "")
        if (
            amount.get("currency") != "NOK"
            or not isinstance(amount.get("value"), int)
            or amount["value"] < 100
            or not REFERENCE.fullmatch(str(reference))
            or body.get("userFlow") != "WEB_REDIRECT"
            or not str(body.get("returnUrl", "")).startswith("http")
            or (body.get("paymentMethod") or {}).get("type") != "WALLET"
        ):
            raise Problem(400, "Validation error", json.dumps(body))
        if reference in self.payments:
            raise Problem(409, "A payment with this reference already exists")
        self.payments[reference] = {
            "amount": amount,
            "state": "CREATED",
            "authorized": 0,
            "captured": 0,
            "refunded": 0,
            "returnUrl": body["returnUrl"],
            "pspReference": secrets.token_hex(8),
        }
        return 201, {"redirectUrl": f"{self.url}/landing/{reference}", "reference": reference}

    def _payment_body(self, reference):
        payment = self.payments[reference]

        def money(value):
            return {"currency": "NOK", "value": value}

        return {
            "aggregate": {
                "authorizedAmount": money(payment["authorized"]),
                "cancelledAmount": money(0),
                "capturedAmount": money(payment["captured"]),
                "refundedAmount": money(payment["refunded"]),
            },
            "amount": payment["amount"],
            "state": payment["state"],
            "paymentMethod": {"type": "WALLET"},
            "profile": {},
            "pspReference": payment["pspReference"],
            "reference": reference,
        }

    def get_payment(self, body, reference):
        if reference not in self.payments:
            raise Problem(404, "Payment not found")
        return 200, self._payment_body(reference)

    def capture(self, body, reference):
        payment = self.payments.get(reference)
        if payment is None:
            raise Problem(404, "Payment not found")
        value = (body.get("modificationAmount") or {}).get("value")
        if payment["state"] != "AUTHORIZED":
            raise Problem(400, "Payment is not authorized", payment["state"])
        if not isinstance(value, int) or value <= 0:
            raise Problem(400, "Validation error")
        if payment["captured"] + value > payment["authorized"]:
            raise Problem(400, "Capture amount too high")
        payment["captured"] += value
        return 200, self._payment_body(reference)

    def create_agreement(self, body):
        pricing = body.get("pricing") or {}
        interval = body.get("interval") or {}
        initial = body.get("initialCharge")
        if (
            pricing.get("type") != "LEGACY"
            or pricing.get("currency") != "NOK"
            or not isinstance(pricing.get("amount"), int)
            or interval not in ({"unit": "MONTH", "count": 1}, {"unit": "YEAR", "count": 1})
            or not body.get("productName")
            or not str(body.get("merchantRedirectUrl", "")).startswith("http")
            or not str(body.get("merchantAgreementUrl", "")).startswith("http")
        ):
            raise Problem(400, "Validation error", json.dumps(body))
        agreement_id = f"agr_{secrets.token_hex(5)}"
        charge_id = None
        if initial:
            charge_id = self._new_charge(
                agreement_id, initial, type="INITIAL", status="PENDING", due=datetime.date.today()
            )
        self.agreements[agreement_id] = {
            **body,
            "uuid": str(uuid.uuid4()),
            "created": _now(),
            "status": "PENDING",
            "initialChargeId": charge_id,
        }
        return 201, {
            "agreementId": agreement_id,
            "uuid": self.agreements[agreement_id]["uuid"],
            "vippsConfirmationUrl": f"{self.url}/landing/agreement/{agreement_id}",
            "chargeId": charge_id,
        }

    def _new_charge(self, agreement_id, body, *, type, status, due):  # noqa: A002 - Vipps's name
        """A charge as Recurring keeps it; its id is the merchant's orderId when one was given
        (recurring.v3.yaml, CreateChargeV3.orderId), else one of Vipps's own."""
        charge_id = body.get("orderId") or f"chr-{secrets.token_hex(5)}"
        if charge_id in self.charges:
            raise Problem(409, "Conflict", "orderId is already used")
        self.charges[charge_id] = {
            "agreementId": agreement_id,
            "amount": body["amount"],
            "description": body["description"],
            "status": status,
            "due": due.isoformat(),
            "type": type,
            "transactionType": body["transactionType"],
            "retryDays": body.get("retryDays", 0),
            "externalId": body.get("externalId") or charge_id,
        }
        return charge_id

    def get_agreement(self, body, agreement_id):
        agreement = self.agreements.get(agreement_id)
        if agreement is None:
            raise Problem(404, "Agreement not found")
        return 200, {
            "id": agreement_id,
            "uuid": agreement["uuid"],
            "status": agreement["status"],
            "pricing": agreement["pricing"],
            "interval": {
                **agreement["interval"],
                "text": "hvert år" if agreement["interval"]["unit"] == "YEAR" else "hver måned",
            },
            "productName": agreement["productName"],
            "countryCode": "NO",
            "created": agreement["created"],
            "start": agreement.get("start"),
            "stop": agreement.get("stop"),
            "merchantAgreementUrl": agreement["merchantAgreementUrl"],
            "merchantRedirectUrl": agreement["merchantRedirectUrl"],
            "externalId": agreement.get("externalId") or agreement_id,
        }

    def create_charge(self, body, agreement_id):
        agreement = self.agreements.get(agreement_id)
        if agreement is None:
            raise Problem(404, "Agreement not found")
        if agreement["status"] != "ACTIVE":
            raise Problem(400, "Agreement is not active", agreement["status"])
        try:
            due = datetime.date.fromisoformat(body.get("due", ""))
        except (TypeError, ValueError) as error:
            raise Problem(400, "Validation error") from error
        if due < datetime.date.today() + datetime.timedelta(days=2):
            raise Problem(400, "Charge due too soon")
        amount = body.get("amount")
        if not isinstance(amount, int) or amount > agreement["pricing"]["amount"]:
            raise Problem(400, "Charge amount too high")
        charge_id = self._new_charge(agreement_id, body, type="RECURRING", status="DUE", due=due)
        return 201, {"chargeId": charge_id}

    def get_charge(self, body, agreement_id, charge_id):
        charge = self.charges.get(charge_id)
        if charge is None or charge["agreementId"] != agreement_id:
            raise Problem(404, "Charge not found")
        captured = charge["amount"] if charge["status"] == "CHARGED" else 0
        return 200, {
            "id": charge_id,
            "agreementId": agreement_id,
            "externalId": charge["externalId"],
            "amount": charge["amount"],
            "currency": "NOK",
            "description": charge["description"],
            "status": charge["status"],
            "due": f"{charge['due']}T00:00:00Z",
            "retryDays": charge["retryDays"],
            "type": charge["type"],
            "transactionType": charge["transactionType"],
            "transactionId": str(5_000_000_000 + int(charge_id.encode().hex()[:8], 16)),
            "summary": {"captured": captured, "refunded": 0, "cancelled": 0},
            "history": [],
        }

    def register_webhook(self, body):
        # "The URL must use HTTPS" (webhooks.v1.yaml, RegisterRequest.url).
        if not str(body.get("url", "")).startswith("https://") or not body.get("events"):
            raise Problem(400, "Validation error", "url must be https and events not empty")
        hook = {"id": str(uuid.uuid4()), "url": body["url"], "events": body["events"]}
        self.webhooks.append(hook)
        return 201, {"id": hook["id"], "secret": self.webhook_secret}

    def list_webhooks(self, body):
        return 200, {"webhooks": self.webhooks}

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


def _success_type(path):
    """The content type each API's definition gives its answers."""
    return (
        "application/json;charset=UTF-8" if path.startswith("/accesstoken/") else "application/json"
    )


def _problem_answer(path, problem):
    """A refusal in the shape and content type each API's definition gives it: RFC 7807 problem
    details, as application/problem+json in ePayment and Webhooks, as plain JSON in Recurring."""
    body = {
        "type": "https://developer.vippsmobilepay.com/docs/knowledge-base/errors",
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail or problem.title,
        "instance": path,
    }
    if path.startswith("/recurring/"):
        body["contextId"] = str(uuid.uuid4())
        return "application/json;charset=UTF-8", json.dumps(body)
    body["traceId"] = str(uuid.uuid4())
    return "application/problem+json", json.dumps(body)


def _now():
    return datetime.datetime.now(datetime.UTC).isoformat().replace("+00:00", "Z")


class _Handler(BaseHTTPRequestHandler):
    vipps = None
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def _read(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _reply(self, status, content_type, text, location=None):
        payload = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        if location:
            self.send_header("Location", location)
        self.end_headers()
        self.wfile.write(payload)

    def _landing(self, body=None):
        path = urlsplit(self.path).path
        match = re.fullmatch(r"/landing/(agreement/)?([^/]+)", path)
        if not match:
            return False
        kind = "agreement" if match.group(1) else "payment"
        choice = None
        if body is not None:
            choice = (parse_qs(body.decode()).get("choice") or ["cancel"])[0]
        self._reply(*self.vipps.landing(kind, match.group(2), choice))
        return True

    def _api(self, method, raw):
        vipps = self.vipps
        if vipps.delay and not vipps.delay_after_processing:
            time.sleep(vipps.delay)
        headers = {key.lower(): value for key, value in self.headers.items()}
        path = urlsplit(self.path).path
        try:
            wrong = vipps.check(
                "request", method, path, vipps_spec.request_problems(method, path, headers, raw)
            )
            if wrong:
                # As Vipps would: a request its definition does not allow is refused.
                raise Problem(400, "Bad Request", "; ".join(wrong)[:1000])
            body = json.loads(raw) if raw else {}
            status, answer = vipps.handle(method, path, headers, body)
            content_type = _success_type(path)
            text = json.dumps(answer)
        except Problem as problem:
            status = problem.status
            content_type, text = _problem_answer(path, problem)
        except ValueError:
            status, (content_type, text) = 400, _problem_answer(path, Problem(400, "Invalid JSON"))
        vipps.check(
            "answer",
            method,
            path,
            vipps_spec.response_problems(method, path, headers, raw, status, text, content_type),
        )
        if vipps.delay and vipps.delay_after_processing:
            time.sleep(vipps.delay)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._reply(status, content_type, text)  # unless the site gave up waiting

    def _serve(self, method, raw):
        """Vipps's pages for the donor, or one of its APIs; nothing else is here."""
        if self._landing(raw if method == "POST" else None):
            return
        if vipps_spec.definition_for(urlsplit(self.path).path) is None:
            self._reply(404, "text/plain", "Not found")
        else:
            self._api(method, raw)

    def do_GET(self):  # noqa: N802 - the base class's name
        self._serve("GET", b"")

    def do_POST(self):  # noqa: N802 - the base class's name
        self._serve("POST", self._read())


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="A fake Vipps MobilePay on loopback.")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--webhooks", action="store_true", help="send webhooks when registered")
    options = parser.parse_args()
    fake = FakeVipps().start(options.port)
    fake.send_webhooks = options.webhooks
    for name, value in fake.site_settings().items():
        print(f"{name}={value}")
    threading.Event().wait()
