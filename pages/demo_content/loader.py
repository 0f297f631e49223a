"""Puts the demo content in the database: what is missing is created and published."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page

from pages.demo_content.campaign import CAMPAIGN, PETITION, ensure_petition
from pages.demo_content.conference import CONFERENCE, EVENT, EVENTS, ensure_event
from pages.demo_content.contact import CONTACT
from pages.demo_content.donation import DONATION
from pages.demo_content.home import HOME
from pages.demo_content.membership import MEMBERSHIP, ensure_membership_kinds
from pages.demo_content.news import CONFERENCE_NEWS, NEWS
from pages.demo_content.organisation import ensure_organisation_settings, ensure_site
from pages.demo_content.privacy import PRIVACY
from pages.demo_content.references import EventRef, PetitionRef, resolve
from pages.demo_content.statistics import STATISTICS, STATISTICS_PAGE, ensure_statistic
from pages.demo_content.vision import VISION
from pages.models import HomePage

# Parents before children; the home page's children in menu order.
PAGES = (
    HOME,
    VISION,
    CAMPAIGN,
    STATISTICS_PAGE,
    EVENTS,
    CONFERENCE,
    NEWS,
    CONFERENCE_NEWS,
    CONTACT,
    DONATION,
    MEMBERSHIP,
    PRIVACY,
)


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)

    def lines(self):
        yield f"Created {len(self.created)}: " + (", ".join(self.created) or "nothing")
        yield f"Found and left as they were {len(self.found)}: " + (
            ", ".join(self.found) or "nothing"
        )


def load_demo_content():
    """Creates what is missing of the demo content and returns a report of what it did."""
    report = Report()
    with transaction.atomic():
        root = ensure_tree_roots(report)
        statistics = {spec.title: ensure_statistic(spec, report) for spec in STATISTICS}
        snippets = {
            PetitionRef(PETITION["slug"]): ensure_petition(report),
            EventRef(EVENT["slug"]): ensure_event(report),
        }
        ensure_membership_kinds(report)
        pages, created = ensure_pages(root, report, snippets)
        for spec in PAGES:
            if spec.path in created:
                publish(pages[spec.path], spec, pages, statistics)
        site = ensure_site(pages[""], report)
        remove_welcome_page()
        ensure_organisation_settings(site, pages, statistics, report)
    return report


def ensure_tree_roots(report):
    """The locale, root page and root collection Wagtail's migrations make, if a flush removed
    them. Returns the root page."""
    if not Locale.objects.exists():
        code = get_supported_content_language_variant(settings.LANGUAGE_CODE)
        Locale.objects.create(language_code=code)
        report.created.append(f"locale {code}")
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
        report.created.append("root collection")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root"))
        report.created.append("root page")
    return root


def ensure_pages(root, report, snippets):
    """Every page in PAGES, found by slug under its parent or created as a draft.

    Returns the pages by path and the set of paths created in this run (to be filled and
    published once every page they may link to exists).
    """
    pages, created = {}, set()
    for spec in PAGES:
        label = f"page /{spec.path}/".replace("//", "/")
        if spec.parent is None:
            # One home page (max_count = 1): any existing one is the home page, whatever its slug.
            parent, existing = root, HomePage.objects.first()
        else:
            parent = pages[spec.parent]
            existing = parent.get_children().filter(slug=spec.slug).specific().first()
        if existing is not None:
            pages[spec.path] = existing
            report.found.append(label)
            continue
        page = spec.model(
            title=spec.title,
            slug=spec.slug,
            search_description=spec.search_description,
            listing_summary=spec.listing_summary,
            intro=spec.intro,
            show_in_menus=spec.show_in_menus,
            live=False,
            **{
                name: snippets[value] if isinstance(value, PetitionRef | EventRef) else value
                for name, value in spec.fields.items()
            },
        )
        pages[spec.path] = parent.add_child(instance=page)
        created.add(spec.path)
        report.created.append(label)
    return pages, created


def publish(page, spec, pages, statistics):
    page.body = resolve(list(spec.body), pages, statistics)
    page.save_revision().publish()


def remove_welcome_page():
    """Deletes Wagtail's placeholder "Welcome to your new Wagtail site!" page, if untouched."""
    placeholders = Page.objects.filter(
        depth=2,
        slug="home",
        numchild=0,
        content_type=ContentType.objects.get_for_model(Page),
    ).exclude(sites_rooted_here__isnull=False)
    for page in placeholders:
        page.delete()
