"""The benchmark's baseline: the cheapest view that does what the signing view must do before
its own work (CSRF check, reading the form body) and answers the same way (302)."""

from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.views.decorators.http import require_POST

BASELINE_REDIRECT = "/opprop/stopp-stigma/sjekk-e-posten/"


@require_POST
def baseline(request):
    if not request.POST.get("email"):
        return HttpResponseBadRequest()
    return HttpResponseRedirect(BASELINE_REDIRECT)
