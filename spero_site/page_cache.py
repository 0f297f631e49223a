"""Whole public pages cached for readers, in the shared cache.

Only Wagtail pages are stored (spero_site/wagtail_hooks.py marks them as they are served), only
as a reader without cookies gets them (no CSRF token, which is made for one reader: the
opprop's form goes without, spero_site/cross_site.py; nothing from a session), only
for an address without a query string (so the entries are bounded by the pages there are), and
only when the answer may be cached (Wagtail marks a restricted page no-store). A stored page
is served to whoever sends no cookie but the CSRF one; with a session (an editor, a visitor in
the middle of a form) the page is made anew.

Every stored page carries the pages' generation (spero_site/generations.py); a change to
anything pages are made from (pages, snippets, settings, images, documents, sites) draws a new
one, so all stored pages are old at once: menus and footers are on every page. A page is also
renewed after PAGE_CACHE_SECONDS, for what changes with time alone (upcoming events becoming
past), or sooner when its model says so (`page_cache_seconds`: the campaign page, whose count
and latest signers change with every confirmation).
"""

import hashlib

from django.conf import settings
from django.http import HttpResponse
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import Page, Site
from wagtail.snippets.models import get_snippet_models

from spero_site.generations import Generation

PAGES = Generation("page-cache:generation")
# Set on the request of a page that may be stored: for how many seconds.
STORE_SECONDS_ATTRIBUTE = "page_cache_seconds"
# Headers that belong to one answer only; the rest of a stored page's headers are replayed.
UNSTORED_HEADERS = {"set-cookie", "date"}
PAGE_PARTS = (Page, Site, AbstractImage, AbstractDocument, BaseSiteSetting, BaseGenericSetting)


def allow_caching(page, request, serve_args, serve_kwargs):
    """Wagtail's before_serve_page hook: what Wagtail serves as a page may be stored. A page with
    view restrictions never is: Wagtail marks its answer (and its password form) no-store."""
    seconds = settings.PAGE_CACHE_SECONDS
    setattr(
        request, STORE_SECONDS_ATTRIBUTE, min(seconds, getattr(page, "page_cache_seconds", seconds))
    )


def makes_pages(instance):
    """Whether pages are made from this: a page, snippet, setting, image, document or site."""
    return isinstance(instance, PAGE_PARTS) or type(instance) in get_snippet_models()


def renew_after_change(sender, instance, **kwargs):
    """post_save and post_delete receiver: every stored page is made anew after a change to
    what pages are made from."""
    if makes_pages(instance):
        PAGES.renew_after_change()


def page_key(request):
    address = request.build_absolute_uri(request.path)
    return "page-cache:page:" + hashlib.sha256(address.encode()).hexdigest()


def may_serve_from_cache(request):
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if request.META.get("QUERY_STRING"):
        return False
    # A CSRF cookie alone says only that the reader once saw a form.
    return set(request.COOKIES) <= {settings.CSRF_COOKIE_NAME}


def may_store(request, response):
    return (
        request.method == "GET"
        and not request.COOKIES
        and getattr(request, STORE_SECONDS_ATTRIBUTE, 0) > 0
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        # A form's token was made for this reader (its cookie is set in the same answer).
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not {"private", "no-store", "no-cache"} & cache_control_words(response)
    )


def cache_control_words(response):
    return {
        part.strip().split("=")[0].lower()
        for part in response.get("Cache-Control", "").split(",")
        if part.strip()
    }


class PageCacheMiddleware:
    """Serves a stored page before the session, CSRF, auth and messages middleware run, and
    stores what Wagtail served to a reader without cookies. After SecurityMiddleware, so the
    HTTPS redirect comes first; the security headers are added to every answer outside it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not may_serve_from_cache(request):
            return self.get_response(request)
        key = page_key(request)
        generation, stored = PAGES.lookup(key)
        if stored is not None:
            return stored_response(stored)
        response = self.get_response(request)
        if may_store(request, response):
            seconds = getattr(request, STORE_SECONDS_ATTRIBUTE)
            PAGES.store(key, generation, page_entry(response), seconds)
        return response


def page_entry(response):
    return {
        "status": response.status_code,
        "headers": [
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in UNSTORED_HEADERS
        ],
        "content": response.content,
    }


def stored_response(stored):
    response = HttpResponse(stored["content"], status=stored["status"])
    for name, value in stored["headers"]:
        response[name] = value
    return response
