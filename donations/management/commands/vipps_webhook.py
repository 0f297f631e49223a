"""Register the site's webhook with Vipps (Webhooks API) for the ePayment and Recurring events
the site acts on, and print the secret to set as VIPPS_WEBHOOK_SECRET. Run once per
environment; `--list` shows what is registered."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from donations.providers import vipps_api
from donations.providers.base import ProviderRefused, ProviderUnavailable

EVENTS = [
    "epayments.payment.authorized.v1",
    "epayments.payment.captured.v1",
    "epayments.payment.aborted.v1",
    "epayments.payment.expired.v1",
    "epayments.payment.terminated.v1",
    "epayments.payment.cancelled.v1",
    "epayments.payment.refunded.v1",
]
RECURRING_EVENTS = [
    "recurring.agreement-stopped.v1",
    "recurring.agreement-expired.v1",
    "recurring.agreement-rejected.v1",
    "recurring.charge-captured.v1",
    "recurring.charge-failed.v1",
    "recurring.charge-canceled.v1",
    "recurring.charge-creation-failed.v1",
]


class Command(BaseCommand):
    help = "Registers the Vipps webhook and prints its secret (VIPPS_WEBHOOK_SECRET)."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="Only list registered webhooks.")

    def handle(self, *args, **options):
        if not vipps_api.is_configured():
            raise CommandError("Vipps is not configured (VIPPS_* in docs/deploy.md).")
        if not options["list"] and not settings.SITE_BASE_URL.startswith("https://"):
            # Vipps sends webhooks to HTTPS addresses only (Webhooks API, RegisterRequest.url).
            raise CommandError(
                f"SITE_BASE_URL must be an https:// address, not {settings.SITE_BASE_URL}."
            )
        try:
            if options["list"]:
                self.stdout.write(json.dumps(vipps_api.call("GET", "/webhooks/v1/webhooks")))
                return
            events = EVENTS + (RECURRING_EVENTS if settings.VIPPS_RECURRING_ENABLED else [])
            body = vipps_api.call(
                "POST",
                "/webhooks/v1/webhooks",
                json={
                    "url": settings.SITE_BASE_URL + reverse("donations:vipps_webhook"),
                    "events": events,
                },
            )
        except (ProviderUnavailable, ProviderRefused) as error:
            raise CommandError(f"Vipps did not register the webhook: {error}") from error
        self.stdout.write(f"Registered webhook {body.get('id')} for {len(events)} events.")
        self.stdout.write(f"Set VIPPS_WEBHOOK_SECRET={body.get('secret')}")
