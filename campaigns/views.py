"""HTTP for the opprop. Rules live in campaigns/services.py."""

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns import services
from campaigns.forms import SignatureForm
from campaigns.models import Petition, Signature
from spero_site import content
from spero_site.abuse import ip_hash, refusal
from spero_site.cross_site import refuse_cross_site
from spero_site.error_reports import hides_personal_data
from spero_site.forms import normalize_email
from spero_site.templatetags.spero_tags import number

LATEST_SIGNERS = 10
# Per keyed IP hash and per normalised e-mail: generous for families and offices behind one
# address, tight enough to stop a script.
SIGN_LIMIT_PER_IP = (30, 10 * 60)
SIGN_LIMIT_PER_EMAIL = (5, 60 * 60)
# A field people never see (templates/campaigns/includes/petition.html); software that fills in
# every field gives itself away, and gets the same answer as everyone else.
HONEYPOT_FIELD = "website"


def petition_context(petition, form=None):
    """What a campaign page needs to show a petition: its form (while open), count and the
    latest signers who chose to be shown."""
    context = {"petition": petition, "petition_open": petition.is_open()}
    if context["petition_open"]:
        context["signature_form"] = form or SignatureForm()
        context["signature_form"].show_consent_of(petition)
    if petition.show_signers:
        context["latest_signers"] = list(
            Signature.objects.filter(
                petition=petition, status=Signature.Status.CONFIRMED, show_publicly=True
            )
            .order_by("-confirmed_at", "-pk")
            .only("full_name", "place", "comment", "comment_approved", "confirmed_at")[
                :LATEST_SIGNERS
            ]
        )
    return context


def _campaign_page(petition):
    page = content.page_showing(petition)
    if page is None:
        raise Http404
    return page


@hides_personal_data
@refuse_cross_site
@require_POST
def sign(request, slug):
    """Signing is the one write a surge brings, so its usual path reads nothing but the form:
    the petition is loaded only to show the form again. The form carries no CSRF token, so that
    the campaign page can be stored for every reader (spero_site/cross_site.py)."""
    if request.POST.get(HONEYPOT_FIELD):
        get_object_or_404(Petition.objects.only("pk"), slug=slug)
        return redirect("campaigns:check_email", slug=slug)
    form = SignatureForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.signature_data()
        signer_ip_hash = ip_hash(request)
        refused = refusal(
            ("sign-ip", signer_ip_hash, *SIGN_LIMIT_PER_IP),
            ("sign-email", normalize_email(data.email), *SIGN_LIMIT_PER_EMAIL),
        )
        if refused:
            form.add_error(None, refused.message)
            status = refused.status
        else:
            try:
                services.sign(slug, data, ip_hash=signer_ip_hash)
            except Petition.DoesNotExist:
                raise Http404 from None
            except services.PetitionClosed:
                form.add_error(None, _("This petition is closed and takes no more signatures."))
            else:
                return redirect("campaigns:check_email", slug=slug)
    petition = get_object_or_404(Petition, slug=slug)
    page = _campaign_page(petition)
    context = page.get_context(request) | petition_context(petition, form)
    return TemplateResponse(request, page.get_template(request), context, status=status)


@require_GET
def check_email(request, slug):
    petition = get_object_or_404(Petition, slug=slug)
    return render(request, "campaigns/check_email.html", {"petition": petition})


def _link_with_button(request, slug, token, action, template, done_view):
    """A link from a signer's e-mail: GET shows a page with a button, and only the button's
    POST acts, so a mail scanner that follows links changes nothing."""
    petition = get_object_or_404(Petition, slug=slug)
    if request.method != "POST":
        return render(request, template, {"petition": petition})
    try:
        action(token)
    except services.InvalidLink:
        return render(request, "campaigns/invalid_link.html", {"petition": petition}, status=400)
    except services.PetitionClosed:
        return render(request, "campaigns/closed.html", {"petition": petition}, status=410)
    return redirect(done_view, slug=slug)


@hides_personal_data
@require_http_methods(["GET", "POST"])
def confirm(request, slug, token):
    return _link_with_button(
        request, slug, token, services.confirm, "campaigns/confirm.html", "campaigns:thanks"
    )


@require_GET
def thanks(request, slug):
    petition = get_object_or_404(Petition, slug=slug)
    return render(
        request,
        "campaigns/thanks.html",
        {
            "petition": petition,
            "share_url": _campaign_page(petition).full_url,
            "donation_page": content.donation_page(),
        },
    )


@hides_personal_data
@require_http_methods(["GET", "POST"])
def withdraw(request, slug, token):
    return _link_with_button(
        request, slug, token, services.withdraw, "campaigns/withdraw.html", "campaigns:withdrawn"
    )


@require_GET
def withdrawn(request, slug):
    petition = get_object_or_404(Petition, slug=slug)
    return render(request, "campaigns/withdrawn.html", {"petition": petition})


@require_GET
@cache_control(public=True, max_age=5)
def count(request, slug):
    """The live count, from the shared cache (campaigns.services.live_count); the campaign page's
    script (static/js/petition-count.js) shows it, formatted as the page does."""
    try:
        values = services.live_count(slug)
    except Petition.DoesNotExist:
        raise Http404 from None
    return JsonResponse(values | {"count_text": number(values["count"])})
