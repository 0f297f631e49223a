"""The Recurring API v3 of the fake: agreements with their initial charge, later charges, the
donor's and Vipps's own moves on them, and the webhooks that say so."""

import datetime
import json
import secrets
import uuid

from tests.fake_vipps.base import Problem, now


class Recurring:
    """FakeVipps's agreements and charges; it keeps them in `agreements` and `charges` by id."""

    # -- the donor's actions and Vipps's own ----------------------------------------------

    def accept_agreement(self, agreement_id, initial_charge="CHARGED"):
        """The donor accepts the agreement; its initial charge is taken at once."""
        with self._lock:
            agreement = self.agreements[agreement_id]
            agreement["status"] = "ACTIVE"
            agreement["start"] = now()
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
            self.agreements[agreement_id]["stop"] = now()
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

    def agreement_event(self, agreement_id, event):
        return {
            "agreementId": agreement_id,
            "agreementExternalId": self.agreements[agreement_id].get("externalId"),
            "eventType": f"recurring.{event}.v1",
            "occurred": now(),
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
            "occurred": now(),
            "msn": self.msn,
        }

    # -- the API --------------------------------------------------------------------------

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
            "created": now(),
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
