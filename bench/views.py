"""The benchmark's baselines: the cheapest views Django answers here through the whole
middleware stack, one for each kind of request the benchmark measures.

- `baseline` (POST) does what the signing view must do before its own work (CSRF check,
  reading the form body) and answers the same way (302);
- `baseline_get` (GET) answers a small HTML page with no database, template or cache: what every
  public page costs before Wagtail finds and renders it.
"""

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.views.decorators.http import require_GET, require_POST

BASELINE_REDIRECT = "/opprop/stopp-stigma/sjekk-e-posten/"
BASELINE_GET_BODY = (
    '<!DOCTYPE html>\n<html lang="nb"><head><meta charset="utf-8"><title>Spero</title></head>'
    "<body><p>Spero foreningen</p></body></html>\n"
)


@require_POST
def baseline(request):
    if not request.POST.get("email"):
        return HttpResponseBadRequest()
    return HttpResponseRedirect(BASELINE_REDIRECT)


@require_GET
def baseline_get(request):
    return HttpResponse(BASELINE_GET_BODY)
