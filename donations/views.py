"""HTTP for giving. Rules live in donations/services.py, payment in donations/providers/."""

import json
import logging

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from donations import national_id, services
from donations.forms import DonationForm
from donations.models import DonationIntent
from donations.providers import PROVIDERS, offered_providers, vipps_api
from donations.providers.base import PaymentDetails, ProviderRefused, ProviderUnavailable
from spero_site import content
from spero_site.abuse import ip_hash, refusal, within_limits
from spero_site.error_reports import hides_personal_data

logger = logging.getLogger(__name__)

# Per keyed IP hash: donors rarely give twice in ten minutes; a script would.
GIVE_LIMIT_PER_IP = (20, 10 * 60)
# Coming back from Vipps, or asking again, asks Vipps: a reload now and then, not a script.
CHECK_LIMIT_PER_IP = (30, 10 * 60)
HONEYPOT_FIELD = "website"


def _payment_details(organisation):
    return PaymentDetails(
        bank_account=organisation.bank_account, vipps_number=organisation.vipps_number
    )


def payment_settings(request):
    """The organisation's settings that say how it is paid (its account, its Vipps number,
    whether they are the demo's example) and the ways to pay they make possible, as (provider
    name, label): for this app's pages and for members/, which takes fees the same way."""
    organisation = content.organisation(request)
    details = _payment_details(organisation)
    ways = [(provider.name, provider.label_for(details)) for provider in offered_providers(details)]
    return organisation, ways


def donation_form(page, request, data=None):
    organisation = content.organisation(request)
    return DonationForm(
        data,
        presets=page.presets(),
        providers=offered_providers(_payment_details(organisation)),
        offer_tax_deduction=organisation.tax_deduction_approved and national_id.is_available(),
    )


def donation_context(page, request, form=None):
    return {
        "donation_form": form or donation_form(page, request),
        # (name, label) of each way to pay the organisation's settings make possible.
        "payment_ways": payment_settings(request)[1],
    }


def _donation_page():
    page = content.donation_page()
    if page is None:
        raise Http404
    return page


@hides_personal_data
@require_POST
def give(request):
    page = _donation_page()
    form = donation_form(page, request, request.POST)
    status = 400
    if request.POST.get(HONEYPOT_FIELD):
        return redirect(page.url)
    if form.is_valid():
        refused = refusal(("give-ip", ip_hash(request), *GIVE_LIMIT_PER_IP))
        if refused:
            form.add_error(None, refused.message)
            status = refused.status
        else:
            intent = services.create_intent(
                form.donation_data(),
                provider_name=form.cleaned_data["provider"],
                origin_page=page,
                language=get_language() or "nb",
            )
            return _start(request, intent)
    context = page.get_context(request) | donation_context(page, request, form)
    return TemplateResponse(request, page.get_template(request), context, status=status)


def _start(request, intent):
    """Send the donor to the provider, or to the intent's page (how to pay, or what went
    wrong: a provider that does not answer leaves the intent to be started again)."""
    if PROVIDERS[intent.provider].redirects:
        try:
            return redirect(services.start_payment(intent.pk))
        except (ProviderUnavailable, ProviderRefused):
            pass
    return redirect("donations:intent", intent_id=intent.pk)


@hides_personal_data
@require_POST
def start(request, intent_id):
    """«Try again» on the page of a gift that did not reach Vipps: the same payment, with the
    same Idempotency-Key, so a try that did reach Vipps is not made twice."""
    intent = get_object_or_404(DonationIntent, pk=intent_id, status=DonationIntent.Status.CREATED)
    if not within_limits(("give-ip", ip_hash(request), *GIVE_LIMIT_PER_IP)):
        return redirect("donations:intent", intent_id=intent.pk)
    return _start(request, intent)


def _intent_page(request, intent, **context):
    organisation = content.organisation(request)
    return render(
        request,
        "donations/intent.html",
        {
            "intent": intent,
            "organisation": organisation,
            "donation_page": _donation_page(),
            **context,
        },
    )


@require_GET
def intent(request, intent_id):
    """The donor's page for one gift: how to pay it (manual), or how it went. The UUID in the
    address is the key; the page shows no name or e-mail."""
    return _intent_page(request, get_object_or_404(DonationIntent, pk=intent_id))


@require_GET
def returned(request, intent_id):
    """Where Vipps sends the donor back: ask Vipps how the payment went (capturing it when it is
    authorised) and show the answer. The webhook may have brought it already."""
    intent = get_object_or_404(DonationIntent, pk=intent_id)
    unanswered = False
    if within_limits(("gift-check-ip", ip_hash(request), *CHECK_LIMIT_PER_IP)):
        try:
            intent = services.sync_payment(intent.pk, source=services.Source.POLL)
        except (ProviderUnavailable, ProviderRefused):
            unanswered = True
    return _intent_page(request, intent, provider_unanswered=unanswered)


@csrf_exempt
@require_POST
def vipps_webhook(request):
    """Vipps's webhooks (ePayment and Recurring). Refused with 401 unless signed as Vipps
    documents and recent; a payment the site does not know is logged and changes nothing."""
    if not vipps_api.webhook_is_authentic(
        secret=settings.VIPPS_WEBHOOK_SECRET,
        method=request.method,
        path_and_query=request.get_full_path(),
        host=request.get_host(),
        headers=request.headers,
        body=request.body,
    ):
        logger.warning("Refused a Vipps webhook with a bad or old signature")
        return HttpResponse(status=401)
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponse(status=400)
    if not isinstance(payload, dict):
        return HttpResponse(status=400)
    try:
        services.apply_webhook("vipps", payload)
    except services.UnknownReference as unknown:
        logger.warning("Vipps webhook for an unknown reference: %s", unknown)
    return HttpResponse(status=200)
