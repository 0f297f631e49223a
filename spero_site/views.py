"""Pages of the site as a whole."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form that could not be taken (an old token, another site's form) is
    explained in the site's own page, in Norwegian, with the way back."""
    return render(request, "403_csrf.html", status=403)
