"""The ePayment API v1 of the fake: create, get and capture a payment, the donor's answer to it
in the app, and the webhook that says so."""

import json
import re
import secrets

from tests.fake_vipps.base import Problem, now

REFERENCE = re.compile(r"^[a-zA-Z0-9-]{8,64}$")


def money(value):
    return {"currency": "NOK", "value": value}


class EPayment:
    """FakeVipps's payments; it keeps them in `payments` by reference."""

    # -- the donor's actions --------------------------------------------------------------

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

    def payment_event(self, reference, name, amount=None):
        """An ePayment webhook's body; `amount` for a payment this fake does not know."""
        return {
            "msn": self.msn,
            "reference": reference,
            "pspReference": secrets.token_hex(8),
            "name": name,
            "amount": amount or self.payments[reference]["amount"],
            "timestamp": now(),
            "idempotencyKey": None,
            "success": True,
        }

    # -- the API --------------------------------------------------------------------------

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
