"""HTTP for «Mine data»: ask for a link, see what the site holds, download it, delete it.
Deleting goes through each app's services, which check that the record is the link's."""

import json
import logging
from functools import wraps

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns import services as campaign_services
from campaigns.models import Signature
from contact import services as contact_services
from contact.models import ContactMessage
from donations import retention as donation_retention
from donations.models import DonationIntent
from events import services as event_services
from events.models import Registration
from members import services as member_services
from members.models import Membership
from newsletter import services as newsletter_services
from newsletter.models import Subscriber
from privacy import links, records, tasks
from privacy.forms import LinkRequestForm
from spero_site.abuse import ip_hash, refusal
from spero_site.error_reports import hides_personal_data
from spero_site.private_pages import private

logger = logging.getLogger(__name__)

# Per keyed IP hash and per normalised address. A link works for an hour, so three an hour is
# plenty for a person; the limits stop a script from mailing someone again and again.
REQUEST_LIMIT_PER_IP = (10, 10 * 60)
REQUEST_LIMIT_PER_EMAIL = (3, 60 * 60)
HONEYPOT_FIELD = "website"

# What the data page says after a button was pressed (?done=...).
DONE_MESSAGES = {
    "signature": gettext_lazy("The signature is withdrawn and your details in it are deleted."),
    "registration": gettext_lazy(
        "The registration is cancelled and your details in it are deleted."
    ),
    "donation-deleted": gettext_lazy("The gift was never paid, and it is deleted."),
    "donation-anonymised": gettext_lazy(
        "Your name, e-mail address, message and any national identity number are deleted from "
        "the gift. The amount, dates and references stay as the accounting law requires."
    ),
    "donation-in-progress": gettext_lazy(
        "This gift is still waiting for Vipps, so it cannot be deleted yet. Try again when the "
        "payment has gone through, been cancelled or expired."
    ),
    "contact-message": gettext_lazy("The message is deleted."),
    "subscription": gettext_lazy("Your address is deleted from the newsletter list."),
    "membership-deleted": gettext_lazy("The membership was never confirmed, and it is deleted."),
    "membership-anonymised": gettext_lazy(
        "You have left, and your name, e-mail address, phone and birth year are deleted from "
        "the member register. Paid fees stay as the accounting law requires."
    ),
    "donation-running": gettext_lazy(
        "This monthly gift is still running. Stop the agreement in the Vipps app first, then "
        "delete it here."
    ),
}


def _request_page(request, form, *, sent=False, status=200):
    return render(request, "privacy/request.html", {"form": form, "sent": sent}, status=status)


@hides_personal_data
@require_http_methods(["GET", "POST"])
@private
def request_link(request):
    """Ask for a link. Every valid request gets the same page with the same status, whether the
    site holds anything about the address or not; the background task decides whether to send."""
    if request.method != "POST":
        return _request_page(request, LinkRequestForm())
    if request.POST.get(HONEYPOT_FIELD):
        return _request_page(request, LinkRequestForm(), sent=True)
    form = LinkRequestForm(request.POST)
    if not form.is_valid():
        return _request_page(request, form, status=400)
    identity = links.Identity.of(form.cleaned_data["email"])
    refused = refusal(
        ("privacy-ip", ip_hash(request), *REQUEST_LIMIT_PER_IP),
        ("privacy-email", identity.normalized, *REQUEST_LIMIT_PER_EMAIL),
    )
    if refused:
        form.add_error(None, refused.message)
        return _request_page(request, form, status=refused.status)
    tasks.request_link(identity.address)
    return _request_page(request, LinkRequestForm(), sent=True)


def _invalid_link(request):
    return render(request, "privacy/invalid_link.html", {"form": LinkRequestForm()}, status=400)


def with_identity(view):
    """Read the link's token; a bad or old one gets a page that offers a new link."""

    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        try:
            identity = links.read_token(token)
        except links.InvalidLink:
            return _invalid_link(request)
        return view(request, token, identity, *args, **kwargs)

    return wrapper


@hides_personal_data
@require_GET
@private
@with_identity
def data(request, token, identity):
    found = records.records_of(identity)
    context = {
        "token": token,
        "records": found,
        "done_message": DONE_MESSAGES.get(request.GET.get("done", "")),
        "now": timezone.now(),
    }
    return render(request, "privacy/data.html", context)


@hides_personal_data
@require_GET
@private
@with_identity
def download(request, token, identity):
    content = json.dumps(
        records.export(records.records_of(identity)),
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        indent=2,
    )
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="spero-mine-data.json"'
    return response


def _done(token, message):
    return redirect(reverse("privacy:data", args=[token]) + f"?done={message}")


@hides_personal_data
@require_POST
@private
@with_identity
def erase_signature(request, token, identity, pk):
    try:
        campaign_services.erase_signature(pk, email_normalized=identity.normalized)
    except Signature.DoesNotExist:
        raise Http404 from None
    logger.info("Signature %s erased by its signer («Mine data»)", pk)
    return _done(token, "signature")


@hides_personal_data
@require_POST
@private
@with_identity
def erase_registration(request, token, identity, pk):
    try:
        event_services.erase_registration(pk, email_normalized=identity.normalized)
    except Registration.DoesNotExist:
        raise Http404 from None
    logger.info("Registration %s erased by its registrant («Mine data»)", pk)
    return _done(token, "registration")


@hides_personal_data
@require_POST
@private
@with_identity
def erase_contact_message(request, token, identity, pk):
    try:
        contact_services.erase_message(pk, email_normalized=identity.normalized)
    except ContactMessage.DoesNotExist:
        raise Http404 from None
    logger.info("Contact message %s erased by its sender («Mine data»)", pk)
    return _done(token, "contact-message")


@hides_personal_data
@require_POST
@private
@with_identity
def erase_subscription(request, token, identity, pk):
    try:
        newsletter_services.erase_subscriber(pk, email_normalized=identity.normalized)
    except Subscriber.DoesNotExist:
        raise Http404 from None
    logger.info("Newsletter subscriber %s erased by its owner («Mine data»)", pk)
    return _done(token, "subscription")


@hides_personal_data
@require_POST
@private
@with_identity
def erase_membership(request, token, identity, pk):
    try:
        outcome = member_services.erase_membership(pk, email_normalized=identity.normalized)
    except Membership.DoesNotExist:
        raise Http404 from None
    logger.info("Membership %s erased by its member («Mine data»): %s", pk, outcome)
    return _done(token, f"membership-{outcome}")


@hides_personal_data
@require_POST
@private
@with_identity
def erase_donation(request, token, identity, pk):
    addresses = records.addresses_of(identity)
    try:
        outcome = donation_retention.erase_donation(pk, donor_emails=addresses)
    except DonationIntent.DoesNotExist:
        raise Http404 from None
    except donation_retention.PaymentInProgress:
        return _done(token, "donation-in-progress")
    except donation_retention.GiftStillRunning:
        return _done(token, "donation-running")
    logger.info("Gift %s erased by its donor («Mine data»): %s", pk, outcome)
    return _done(token, f"donation-{outcome}")
