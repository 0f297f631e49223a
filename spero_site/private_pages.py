"""Pages whose address is a person's key («Mine data», a member's own page): nothing of them is
kept by a browser or proxy, indexed, or sent on as a referrer."""

from functools import wraps

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache


def _private(response):
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def private(view):
    """_private for every answer of `view`, its 404s too (their address holds the link)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            response = render(request, "404.html", status=404)
        return _private(response)

    return never_cache(wrapper)
