"""HTTP for joining, confirming, the member's own page (paying the fee, resigning). The join
page (pages.MembershipPage) shows the form; its POST comes here through pages/views.py, which
knows the page. Rules live in members/services.py; payment in donations/."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from donations import services as donation_services
from donations.models import DonationIntent
from donations.providers import PROVIDERS
from donations.providers.base import ProviderRefused, ProviderUnavailable
from donations.views import payment_settings
from members import services
from members.forms import JoinForm, PayForm
from members.models import MembershipKind, MembershipSettings, MemberStatus
from spero_site.abuse import ip_hash, refusal, within_limits
from spero_site.cross_site import refuse_cross_site
from spero_site.error_reports import hides_personal_data
from spero_site.forms import normalize_email
from spero_site.private_pages import private

# Per keyed IP hash and per address: a person joins once, a family a few times; a script more.
JOIN_LIMIT_PER_IP = (10, 10 * 60)
JOIN_LIMIT_PER_EMAIL = (3, 60 * 60)
# Paying and coming back from Vipps ask Vipps: now and then, not a script.
PAY_LIMIT_PER_IP = (20, 10 * 60)
HONEYPOT_FIELD = "website"
PENDING = DonationIntent.Status.PENDING


def join_form(request, data=None):
    wording = MembershipSettings.for_request(request)
    form = JoinForm(data, kinds=services.offered_kinds(), consent_text=wording.consent_text)
    return form, wording


def join_context(request, form=None):
    """What pages.MembershipPage needs to show the form."""
    return {"membership_form": form or join_form(request)[0]}


def _join_page(request, page, form, status):
    context = page.get_context(request) | join_context(request, form)
    return TemplateResponse(request, page.get_template(request), context, status=status)


@hides_personal_data
def join(request, page):
    """A new member from the form on `page`."""
    if request.POST.get(HONEYPOT_FIELD):
        return redirect("members:check_email")
    form, wording = join_form(request, request.POST)
    if not form.is_valid():
        return _join_page(request, page, form, 400)
    refused = refusal(
        ("join-ip", ip_hash(request), *JOIN_LIMIT_PER_IP),
        ("join-email", normalize_email(form.cleaned_data["email"]), *JOIN_LIMIT_PER_EMAIL),
    )
    if refused:
        form.add_error(None, refused.message)
        return _join_page(request, page, form, refused.status)
    try:
        services.join(
            form.join_data(), consent_version=wording.consent_version, ip_hash=ip_hash(request)
        )
    except MembershipKind.DoesNotExist:
        # Staff stopped offering the kind between showing the form and taking it.
        form.add_error("kind", _("Choose one of the kinds of membership shown."))
        return _join_page(request, page, form, 400)
    return redirect("members:check_email")


@require_GET
def check_email(request):
    return render(request, "members/check_email.html", {"days": services.CONFIRM_WITHIN.days})


@hides_personal_data
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows a button; only its POST confirms, so a mail scanner's visit changes nothing."""
    if request.method != "POST":
        return render(request, "members/confirm.html")
    try:
        membership = services.confirm(token)
    except services.InvalidLink:
        return render(request, "members/invalid_link.html", status=400)
    return redirect("members:own", token=services.member_token(membership))


YEARLY_WAY = "vipps_yearly"


def _pay_ways(request):
    """The ways to pay a fee: the organisation's, and a yearly Vipps agreement where Vipps
    Recurring is enabled."""
    organisation, ways = payment_settings(request)
    if "vipps" in dict(ways) and PROVIDERS["vipps"].supports(DonationIntent.Frequency.YEARLY):
        ways = [*ways, (YEARLY_WAY, _("Vipps, every year"))]
    return organisation, ways


def _own_page(request, token, membership, *, status=200, **context):
    organisation, ways = _pay_ways(request)
    year = services.fee_year()
    member_status = services.status_of(membership)
    fees = list(services.fees_of(membership))
    waiting_transfer = next(
        (
            fee.payment
            for fee in fees
            if fee.year == year
            and fee.payment.provider == "manual"
            and fee.payment.status == PENDING
        ),
        None,
    )
    return render(
        request,
        "members/own.html",
        {
            "token": token,
            "membership": membership,
            "member_status": member_status,
            "year": str(year),  # a year, not a number: no thousands separator
            "fees": fees,
            "paid_this_year": member_status == MemberStatus.ACTIVE,
            "waiting_transfer": waiting_transfer,
            "organisation": organisation,
            "pay_ways": ways,
            "agreement_running": services.running_agreements(membership.pk).exists(),
            **context,
        },
        status=status,
    )


def _member(view):
    """The member of the link in the address, or the invalid-link page."""

    def wrapper(request, token, *args, **kwargs):
        try:
            membership = services.membership_for(token)
        except services.InvalidLink:
            return render(request, "members/invalid_link.html", status=404)
        return view(request, token, membership, *args, **kwargs)

    return wrapper


@hides_personal_data
@private
@require_GET
@_member
def own(request, token, membership):
    """The member's own page: the membership, its fees, how to pay this year's, and resigning.
    The signed key in the address is the only key."""
    return _own_page(request, token, membership)


@hides_personal_data
@private
@refuse_cross_site
@require_POST
@_member
def pay(request, token, membership):
    """Pay this year's fee the way chosen: off to Vipps, or back to the page with the account
    and the KID."""
    form = PayForm(request.POST, ways=_pay_ways(request)[1])
    if not form.is_valid():
        return _own_page(request, token, membership, status=400, pay_error=True)
    if not within_limits(("member-pay-ip", ip_hash(request), *PAY_LIMIT_PER_IP)):
        return _own_page(request, token, membership, status=429, pay_error=True)
    try:
        way = form.cleaned_data["provider"]
        payment = services.ask_for_fee(
            membership.pk,
            provider_name="vipps" if way == YEARLY_WAY else way,
            yearly=way == YEARLY_WAY,
        )
    except (services.AlreadyPaid, services.NotConfirmed, KeyError):
        return redirect("members:own", token=token)
    if PROVIDERS[payment.provider].redirects:
        try:
            return redirect(donation_services.start_payment(payment.pk))
        except (ProviderUnavailable, ProviderRefused):
            return _own_page(request, token, membership, status=503, provider_unanswered=True)
    return redirect("members:own", token=token)


@hides_personal_data
@private
@require_GET
@_member
def returned(request, token, membership):
    """Where Vipps sends the member back: ask Vipps how the fee's payment went (the webhook may
    have told already) and show the page."""
    unanswered = False
    if within_limits(("member-pay-ip", ip_hash(request), *PAY_LIMIT_PER_IP)):
        for payment in services.waiting_vipps_payments(membership):
            try:
                donation_services.sync_payment(payment.pk)
            except (ProviderUnavailable, ProviderRefused):
                unanswered = True
    return _own_page(request, token, membership, provider_unanswered=unanswered)


@hides_personal_data
@private
@refuse_cross_site
@require_http_methods(["GET", "POST"])
@_member
def resign(request, token, membership):
    """GET asks; only the button's POST resigns."""
    if request.method != "POST":
        return render(request, "members/resign.html", {"token": token, "membership": membership})
    services.resign(membership.pk)
    return render(
        request,
        "members/resigned.html",
        {"days": settings.MEMBERSHIP_RESIGNED_RETENTION_DAYS},
    )
