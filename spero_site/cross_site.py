"""A public form checked by where its request comes from instead of by a CSRF token.

A CSRF token is made for one reader, so a page that carries one is made for each reader and
cannot be stored (spero_site/page_cache.py). The opprop's form does without: signing touches no
session or account, and a signature counts only once its signer confirms it from the e-mail.
What is left to stop is another site's page making its visitors' browsers sign, to get around
the limits per address: every current browser names such a request in Sec-Fetch-Site (older
ones in Origin), and it is refused as Django refuses a bad token. A request with neither header
(a very old browser, a script) is let through; a script could as well have fetched a token.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.http import is_same_domain
from django.views.decorators.csrf import csrf_exempt

from spero_site.views import csrf_failure

# Sec-Fetch-Site for a request from the site's own pages, or one the reader made themselves.
SAME_ORIGIN_FETCH = {"same-origin", "none"}
CROSS_SITE_REASON = "Cross-site form submission refused."


def is_trusted_origin(request, origin):
    """Django's rule for Origin: the site's own, or one of CSRF_TRUSTED_ORIGINS (a leading *.
    admits subdomains)."""
    if origin == f"{request.scheme}://{request.get_host()}":
        return True
    parsed = urlsplit(origin)
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        scheme, netloc = urlsplit(trusted)[:2]
        if scheme == parsed.scheme and is_same_domain(parsed.netloc, netloc.lstrip("*")):
            return True
    return False


def is_cross_site(request):
    """The rule of Go's net/http CrossOriginProtection. Sec-Fetch-Site is set by the browser
    itself, which no page can forge: "same-origin" (or "none", the reader's own doing) is taken
    even with `Origin: null` (a page with no-referrer), anything else only from a trusted origin.
    Without it, an Origin must be trusted; with neither, the request is taken."""
    origin = request.headers.get("Origin")
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in SAME_ORIGIN_FETCH and not (
            origin and is_trusted_origin(request, origin)
        )
    return origin is not None and not is_trusted_origin(request, origin)


def refuse_cross_site(view):
    """For a view taking a public form without a CSRF token: a POST another site made the
    browser send gets the CSRF failure page (403), and the view never runs."""

    @csrf_exempt
    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.method == "POST" and is_cross_site(request):
            return csrf_failure(request, reason=CROSS_SITE_REASON)
        return view(request, *args, **kwargs)

    return checked
