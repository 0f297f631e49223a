"""What domain apps need from the pages that show them, without importing pages: the page app
sits above them (README, "Layout") and registers its lookups here at start-up
(pages.apps.PagesConfig.ready). A domain app asks, for example, for the page that shows a
petition, to show its form again with the errors, or for the donation page to link to."""

from django.core.exceptions import ImproperlyConfigured

_lookups = {}


def register(**lookups):
    """Called once by the page app with `page_showing`, `donation_page` and `organisation`."""
    _lookups.update(lookups)


def _lookup(name):
    try:
        return _lookups[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"No installed app registered the content lookup {name!r} "
            "(pages.apps.PagesConfig.ready does)."
        ) from None


def page_showing(obj):
    """The live page that shows a domain object (a petition, an event), or None."""
    return _lookup("page_showing")(obj)


def donation_page():
    """The live donation page, or None."""
    return _lookup("donation_page")()


def organisation(request):
    """The organisation's settings for the request's site: its name and contact details, bank
    account, Vipps number and whether gifts give a tax deduction."""
    return _lookup("organisation")(request)
