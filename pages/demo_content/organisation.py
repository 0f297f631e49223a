"""The default site and the organisation's contact details."""

from wagtail.models import Site

from pages.demo_content.references import PageRef, resolve
from pages.models import HomePage, OrganisationSettings

SITE_NAME = "Spero foreningen"
SITE_HOSTNAME = "localhost"
SITE_PORT = 80


# Contact details from the seed front page, and the privacy statement the footer links to.
# Bank account, Vipps number and organisation number are not in the seeds and stay empty until an
# editor enters them.
ORGANISATION = {
    "phone": "+47 98 36 11 11",
    "email": "post@speroforeningen.no",
    "secondary_email": "post@spero.ngo",
    "address": "Bergen",
    "privacy_page": PageRef("personvern"),
    # Made up, but MOD11-valid, so that the whole bank-transfer flow can be tried; flagged as an
    # example when filled in, so donors are told not to pay to it (docs/donations.md).
    "bank_account": "1234.56.78903",
}


def ensure_site(home, report):
    """The default site, pointed at the home page unless it already has one as its root."""
    site = (
        Site.objects.filter(is_default_site=True).first()
        or Site.objects.filter(hostname=SITE_HOSTNAME, port=SITE_PORT).first()
    )
    if site is None:
        report.created.append("default site")
        return Site.objects.create(
            hostname=SITE_HOSTNAME,
            port=SITE_PORT,
            site_name=SITE_NAME,
            root_page=home,
            is_default_site=True,
        )
    if isinstance(site.root_page.specific, HomePage) and site.is_default_site:
        report.found.append("default site")
        return site
    site.root_page = home
    site.is_default_site = True
    site.site_name = site.site_name or SITE_NAME
    site.save()
    report.created.append("default site's root set to the home page")
    return site


def ensure_organisation_settings(site, pages, statistics, report):
    """Fills the organisation's details where they are still empty."""
    organisation = OrganisationSettings.for_site(site)
    empty = [name for name in ORGANISATION if not getattr(organisation, name)]
    for name in empty:
        setattr(organisation, name, resolve(ORGANISATION[name], pages, statistics))
    if "bank_account" in empty:
        organisation.example_payment_details = True
        empty.append("example_payment_details")
    if empty:
        organisation.save(update_fields=empty)
        report.created.append("organisation details: " + ", ".join(empty))
    else:
        report.found.append("organisation details")
