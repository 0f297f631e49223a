"""Pages of the site as a whole."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

# How long a client is asked to wait after the database was away (a restart takes seconds).
RETRY_AFTER_SECONDS = 30


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form that could not be taken (an old token, another site's form) is
    explained in the site's own page, in Norwegian, with the way back."""
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    """handler500. A database that cannot be reached (a restart, a failover) is a pause, not a
    fault of the page: 503 with Retry-After, so that people and the load balancer try again
    soon. Rendered without a request context, like Django's own, since something is broken."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
