"""HTTP for giving. Rules live in donations/services.py, payment in donations/providers/."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from donations import services
from donations.forms import DonationForm
from donations.models import DonationIntent
from donations.providers import enabled_providers
from spero_site.abuse import ip_hash, within_limits

# Per keyed IP hash: donors rarely give twice in ten minutes; a script would.
GIVE_LIMIT_PER_IP = (20, 10 * 60)
HONEYPOT_FIELD = "website"


def donation_context(page, form=None):
    return {
        "donation_form": form or DonationForm(presets=page.presets()),
        "providers": enabled_providers(),
    }


def _donation_page():
    from pages.models import DonationPage

    page = DonationPage.objects.live().first()
    if page is None:
        raise Http404
    return page


@require_POST
def give(request):
    page = _donation_page()
    form = DonationForm(request.POST, presets=page.presets())
    status = 400
    if request.POST.get(HONEYPOT_FIELD):
        return redirect(page.url)
    provider_name = request.POST.get("provider", "manual")
    if provider_name not in {provider.name for provider in enabled_providers()}:
        form.add_error(None, _("Choose a way to pay."))
    elif form.is_valid():
        if not within_limits(("give-ip", ip_hash(request), *GIVE_LIMIT_PER_IP)):
            form.add_error(None, _("Too many attempts. Wait a few minutes and try again."))
            status = 429
        else:
            intent = services.create_intent(
                form.donation_data(),
                provider_name=provider_name,
                origin_page=page,
                language=get_language() or "nb",
            )
            return redirect("donations:intent", intent_id=intent.pk)
    context = page.get_context(request) | donation_context(page, form)
    return TemplateResponse(request, page.get_template(request), context, status=status)


@require_GET
def intent(request, intent_id):
    """The donor's page for one gift: how to pay it (manual), or how it went. The UUID in the
    address is the key; the page shows no name or e-mail."""
    intent = get_object_or_404(DonationIntent, pk=intent_id)
    from pages.models import OrganisationSettings

    organisation = OrganisationSettings.for_request(request)
    return render(
        request,
        "donations/intent.html",
        {"intent": intent, "organisation": organisation, "donation_page": _donation_page()},
    )
