"""Vipps MobilePay: one-off gifts through the ePayment API (WEB_REDIRECT, captured as soon as
they are authorised) and monthly gifts through the Recurring API v3 (an agreement with a first
charge, then a charge a month from donations.services.create_due_charges). This module speaks
Vipps's vocabulary and answers in the intent's (base.Outcome); donations.services decides."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from donations.models import RECURRING_MONTHS, DonationCharge, DonationIntent
from donations.providers import vipps_api
from donations.providers.base import Outcome, Provider, Started

logger = logging.getLogger(__name__)

Status = DonationIntent.Status
ChargeStatus = DonationCharge.Status

# ePayment: a payment's state (GET) or a webhook's event name, and the intent's status.
PAYMENT_STATES = {
    "ABORTED": Status.ABORTED,
    "EXPIRED": Status.EXPIRED,
    "TERMINATED": Status.FAILED,
}
PAYMENT_EVENTS = {
    **PAYMENT_STATES,
    "CAPTURED": Status.PAID,
    "REFUNDED": Status.REFUNDED,
    "CANCELLED": Status.FAILED,
}
# Recurring: a charge's status (GET) or the last part of a charge webhook's event type.
CHARGE_STATES = {
    "CHARGED": ChargeStatus.CHARGED,
    "FAILED": ChargeStatus.FAILED,
    "CANCELLED": ChargeStatus.CANCELLED,
    "REFUNDED": ChargeStatus.REFUNDED,
    "PARTIALLY_REFUNDED": ChargeStatus.REFUNDED,
}
CHARGE_EVENTS = {
    "charge-captured": ChargeStatus.CHARGED,
    "charge-failed": ChargeStatus.FAILED,
    "charge-creation-failed": ChargeStatus.FAILED,
    "charge-canceled": ChargeStatus.CANCELLED,
    "charge-cancelled": ChargeStatus.CANCELLED,
}
# An agreement that ends: before its first charge the gift never started (this status),
# after it the monthly gift ends.
AGREEMENT_ENDINGS = {
    "STOPPED": Status.ABORTED,
    "agreement-stopped": Status.ABORTED,
    "agreement-rejected": Status.ABORTED,
    "EXPIRED": Status.EXPIRED,
    "agreement-expired": Status.EXPIRED,
}
# A monthly charge must be due at least this many days after it is made (Recurring API).
CHARGE_MIN_DAYS_AHEAD = 2


@dataclass(frozen=True)
class WebhookNews:
    """What one webhook says: which intent (by its provider reference) or which charge (by
    the agreement and charge ids), and the news."""

    intent_reference: str
    charge_reference: str = ""
    outcome: Outcome = Outcome()
    charge_status: str | None = None


def _ore(amount):
    try:
        return int((amount or {}).get("value", 0))
    except (AttributeError, TypeError, ValueError):
        return 0


def _payment_outcome(body, intent):
    """The intent's news from an ePayment payment (the GET or capture answer)."""
    state = body.get("state")
    aggregate = body.get("aggregate") or {}
    detail = {"state": state, "pspReference": body.get("pspReference", "")}
    if _ore(aggregate.get("refundedAmount")) > 0:
        return Outcome(Status.REFUNDED, detail=detail)
    if _ore(aggregate.get("capturedAmount")) >= intent.amount_ore:
        return Outcome(Status.PAID, detail=detail)
    if state == "AUTHORIZED":
        return Outcome(authorized=True, detail=detail)
    return Outcome(PAYMENT_STATES.get(state), detail=detail)


class VippsProvider(Provider):
    name = "vipps"
    label = _("Vipps")
    redirects = True

    def is_enabled(self):
        return vipps_api.is_configured()

    def supports(self, frequency):
        return frequency not in RECURRING_MONTHS or settings.VIPPS_RECURRING_ENABLED

    def prepare(self, intent):
        return Status.CREATED

    def _return_url(self, intent):
        path = intent.return_path or reverse("donations:returned", args=[intent.pk])
        return settings.SITE_BASE_URL + path

    def begin(self, intent):
        if intent.recurring:
            return self._create_agreement(intent)
        reference = str(intent.pk)
        body = vipps_api.call(
            "POST",
            "/epayment/v1/payments",
            idempotency_key=str(intent.idempotency_key),
            json={
                "amount": {"currency": intent.currency, "value": intent.amount_ore},
                "paymentMethod": {"type": "WALLET"},
                "reference": reference,
                "returnUrl": self._return_url(intent),
                "userFlow": "WEB_REDIRECT",
                "paymentDescription": intent.description or str(_("Gift to Spero foreningen")),
            },
        )
        return Started(redirect_url=body["redirectUrl"], reference=reference)

    def _create_agreement(self, intent):
        yearly = intent.frequency == DonationIntent.Frequency.YEARLY
        product = intent.description or str(_("Monthly gift to Spero foreningen"))
        body = vipps_api.call(
            "POST",
            "/recurring/v3/agreements",
            idempotency_key=str(intent.idempotency_key),
            json={
                "interval": {"unit": "YEAR" if yearly else "MONTH", "count": 1},
                "pricing": {"type": "LEGACY", "amount": intent.amount_ore, "currency": "NOK"},
                "initialCharge": {
                    "amount": intent.amount_ore,
                    "description": product,
                    "transactionType": "DIRECT_CAPTURE",
                    # Not orderId: Vipps would make it the chargeId, which is at most 15
                    # characters (recurring.v3.yaml, ChargeReference); externalId names the
                    # gift in the settlement reports instead.
                    "externalId": str(intent.pk),
                },
                "merchantRedirectUrl": self._return_url(intent),
                "merchantAgreementUrl": self._return_url(intent)
                if intent.return_path
                else settings.SITE_BASE_URL + reverse("donations:intent", args=[intent.pk]),
                "productName": product,
                "externalId": str(intent.pk),
            },
        )
        return Started(
            redirect_url=body["vippsConfirmationUrl"],
            reference=body["agreementId"],
            first_charge_reference=body.get("chargeId") or "",
        )

    def fetch(self, intent):
        """Ask Vipps how the intent's payment stands (the poll)."""
        if intent.recurring:
            return self._fetch_agreement(intent)
        body = vipps_api.call("GET", f"/epayment/v1/payments/{intent.provider_reference}")
        return _payment_outcome(body, intent)

    def _fetch_agreement(self, intent):
        agreement = vipps_api.call("GET", f"/recurring/v3/agreements/{intent.provider_reference}")
        status = agreement.get("status")
        detail = {"agreement": status}
        if status in AGREEMENT_ENDINGS:
            return Outcome(AGREEMENT_ENDINGS[status], ended=True, detail=detail)
        first = intent.charges.order_by("due_date", "pk").first()
        if status != "ACTIVE" or intent.status == Status.PAID or first is None:
            return Outcome(detail=detail)
        charge_status = self.fetch_charge(intent, first)
        if charge_status == ChargeStatus.CHARGED:
            return Outcome(Status.PAID, detail=detail)
        if charge_status in (ChargeStatus.FAILED, ChargeStatus.CANCELLED):
            return Outcome(Status.FAILED, detail=detail)
        return Outcome(detail=detail)

    def capture(self, intent):
        """Capture the whole authorised amount (idempotent: the key is the intent's)."""
        body = vipps_api.call(
            "POST",
            f"/epayment/v1/payments/{intent.provider_reference}/capture",
            idempotency_key=f"capture-{intent.idempotency_key}",
            json={"modificationAmount": {"currency": intent.currency, "value": intent.amount_ore}},
        )
        return _payment_outcome(body, intent)

    def create_charge(self, intent, charge):
        """Ask Vipps for one month's charge; returns its chargeId."""
        body = vipps_api.call(
            "POST",
            f"/recurring/v3/agreements/{intent.provider_reference}/charges",
            idempotency_key=f"charge-{intent.idempotency_key.hex[:24]}-{charge.due_date:%Y%m%d}",
            json={
                "amount": charge.amount_ore,
                "description": intent.description or str(_("Monthly gift to Spero foreningen")),
                "due": charge.due_date.isoformat(),
                "retryDays": 5,
                "transactionType": "DIRECT_CAPTURE",
                "externalId": f"{intent.pk}-{charge.due_date:%Y%m%d}",
            },
        )
        return body["chargeId"]

    def fetch_charge(self, intent, charge):
        """A charge's status in the charge's own words, or None while it is not settled."""
        body = vipps_api.call(
            "GET",
            f"/recurring/v3/agreements/{intent.provider_reference}/charges/"
            f"{charge.provider_reference}",
        )
        return CHARGE_STATES.get(body.get("status"))

    def read_webhook(self, payload):
        """The news in a webhook's JSON body, or None when it is none of ours or says nothing."""
        if str(payload.get("msn", "")) not in ("", settings.VIPPS_MERCHANT_SERIAL_NUMBER):
            return None
        if "agreementId" in payload:
            return self._read_recurring_webhook(payload)
        reference = payload.get("reference")
        name = payload.get("name")
        if not isinstance(reference, str) or not isinstance(name, str):
            return None
        if payload.get("success") is False:
            return None
        detail = {"event": name, "pspReference": str(payload.get("pspReference", ""))[:100]}
        if name == "AUTHORIZED":
            return WebhookNews(reference, outcome=Outcome(authorized=True, detail=detail))
        if name not in PAYMENT_EVENTS:
            return None
        return WebhookNews(reference, outcome=Outcome(PAYMENT_EVENTS[name], detail=detail))

    def _read_recurring_webhook(self, payload):
        agreement_id = payload.get("agreementId")
        event_type = payload.get("eventType")
        if not isinstance(agreement_id, str) or not isinstance(event_type, str):
            return None
        # "recurring.charge-captured.v1" → "charge-captured"
        event = event_type.removeprefix("recurring.").rsplit(".", 1)[0]
        detail = {"event": event_type[:100]}
        if event in CHARGE_EVENTS:
            charge_id = payload.get("chargeId")
            if not isinstance(charge_id, str):
                return None
            return WebhookNews(
                agreement_id,
                charge_reference=charge_id,
                outcome=Outcome(detail=detail),
                charge_status=CHARGE_EVENTS[event],
            )
        if event in AGREEMENT_ENDINGS:
            return WebhookNews(
                agreement_id,
                outcome=Outcome(AGREEMENT_ENDINGS[event], ended=True, detail=detail),
            )
        return None
