"""The lookups this app registers in spero_site.content for the domain apps below it, which may
not import pages (README, "Layout")."""

from campaigns.models import Petition
from events.models import Event
from pages.models import CampaignPage, ConferencePage, DonationPage, OrganisationSettings

# The page type that shows each kind of domain object, and its field that chooses the object.
PAGE_SHOWING = {Petition: (CampaignPage, "petition"), Event: (ConferencePage, "event")}


def page_showing(obj):
    page_model, field = PAGE_SHOWING[type(obj)]
    return page_model.objects.live().filter(**{field: obj}).first()


def donation_page():
    return DonationPage.objects.live().first()


LOOKUPS = {
    "page_showing": page_showing,
    "donation_page": donation_page,
    "organisation": OrganisationSettings.for_request,
}
