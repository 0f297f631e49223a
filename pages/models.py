"""Editorial content: page types, statistics and the organisation's site settings.

No personal data lives here. Pages that carry a form (the opprop, conference registration,
donations) get it from their own app.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model_string
from wagtail.models import Page
from wagtail.search import index

from contact.forms import ContactForm
from contact.views import SENT_PARAMETER
from pages.blocks import BodyBlock
from pages.pagination import page_of
from pages.validators import validate_account_number, validate_organisation_number


class BasePage(Page):
    """Fields every page shares: sharing (SEO title and description come from Page) and listing."""

    social_image = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("share image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown when the page is shared. At least 1200 × 630 pixels."),
    )
    social_text = models.CharField(
        _("share text"),
        max_length=300,
        blank=True,
        help_text=_("Shown when the page is shared. Falls back to the search description."),
    )
    listing_summary = models.CharField(
        _("listing summary"),
        max_length=300,
        blank=True,
        help_text=_("Short text shown where this page is listed or teased."),
    )
    intro = RichTextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel(
            [FieldPanel("social_image"), FieldPanel("social_text")], heading=_("Sharing")
        ),
        FieldPanel("listing_summary"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.SearchField("listing_summary"),
    ]

    class Meta:
        abstract = True

    @property
    def summary(self):
        return self.listing_summary or self.search_description


class HomePage(BasePage):
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("tagline"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("tagline")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "pages.StandardPage",
        "pages.CampaignPage",
        "pages.StatisticsPage",
        "pages.EventIndexPage",
        "pages.DonationPage",
        "pages.ContactPage",
        "pages.NewsIndexPage",
        "pages.NewsletterIndexPage",
        "pages.MembershipPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")


class StandardPage(BasePage):
    """Vision, about, the privacy statement: text and blocks, nothing else."""

    parent_page_types = ["pages.HomePage", "pages.StandardPage"]
    subpage_types = ["pages.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")


class CampaignPage(BasePage):
    hashtag = models.CharField(
        _("hashtag"), max_length=60, blank=True, help_text=_("For example #StigmaEndsWithMe.")
    )
    petition = models.ForeignKey(
        "campaigns.Petition",
        verbose_name=_("petition"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The opprop whose form, count and signers this page shows."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("hashtag"),
        FieldPanel("petition"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]

    parent_page_types = ["pages.HomePage"]
    subpage_types = []
    # A stored copy (spero_site/page_cache.py) is made anew this often, so that new signers
    # appear among the latest; its count is brought up to date at once by its script.
    page_cache_seconds = 30

    class Meta:
        verbose_name = _("campaign page")
        verbose_name_plural = _("campaign pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.petition_id:
            from campaigns.views import petition_context

            context.update(petition_context(self.petition))
        return context


class StatisticsPage(BasePage):
    """Statistics are chosen in the body with statistic blocks shown as chart and table."""

    parent_page_types = ["pages.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("statistics page")
        verbose_name_plural = _("statistics pages")


class EventIndexPage(BasePage):
    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.ConferencePage"]
    max_count = 1

    class Meta:
        verbose_name = _("event list")
        verbose_name_plural = _("event lists")

    def conferences(self):
        """The published conference pages: (upcoming, soonest first; past, latest first)."""
        conferences = list(
            ConferencePage.objects.child_of(self)
            .live()
            .public()
            .select_related("event")
            .order_by("event__starts_at")
        )
        now = timezone.now()
        upcoming = [c for c in conferences if not c.event.is_over(now)]
        return upcoming, [c for c in reversed(conferences) if c.event.is_over(now)]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["upcoming"], context["past"] = self.conferences()
        return context


class ConferencePage(BasePage):
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.PROTECT,
        related_name="conference_pages",
        help_text=_("When and where, and the registration this page shows."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("event"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.RelatedFields("event", [index.SearchField("venue"), index.SearchField("organiser")]),
    ]

    parent_page_types = ["pages.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("conference page")
        verbose_name_plural = _("conference pages")

    def get_context(self, request, *args, **kwargs):
        from events.views import event_context

        context = super().get_context(request, *args, **kwargs)
        return context | event_context(self.event)


def validate_preset_amounts(value):
    if preset_amounts(value) is None:
        raise ValidationError(
            _("Write whole kroner separated by commas, for example 200, 500, 1000.")
        )


def preset_amounts(text):
    """[200, 500, 1000] from "200, 500, 1000"; None when the text is not such a list."""
    parts = [part.strip().replace(" ", "") for part in text.split(",") if part.strip()]
    if not all(part.isascii() and part.isdigit() and len(part) <= 7 for part in parts):
        return None
    return [int(part) for part in parts]


class DonationPage(BasePage):
    preset_amounts = models.CharField(
        _("suggested amounts (kr)"),
        max_length=100,
        default="200, 500, 1000",
        validators=[validate_preset_amounts],
        help_text=_("Shown as choices on the form; the donor can also write another amount."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("preset_amounts"),
        FieldPanel("body"),
    ]

    parent_page_types = ["pages.HomePage"]
    subpage_types = []
    max_count = 1

    def presets(self):
        return preset_amounts(self.preset_amounts) or []

    def get_context(self, request, *args, **kwargs):
        from donations.views import donation_context

        context = super().get_context(request, *args, **kwargs)
        return context | donation_context(self, request)

    class Meta:
        verbose_name = _("donation page")
        verbose_name_plural = _("donation pages")


class ContactPage(BasePage):
    """The organisation's contact details and the contact form (contact/)."""

    parent_page_types = ["pages.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("contact page")
        verbose_name_plural = _("contact pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.setdefault("contact_form", ContactForm())
        context["contact_sent"] = request.GET.get(SENT_PARAMETER) == "1"
        context["contact_retention_days"] = settings.CONTACT_RETENTION_DAYS
        return context


class NewsIndexPage(BasePage):
    articles_per_page = 10

    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.ArticlePage"]
    max_count = 1

    class Meta:
        verbose_name = _("news list")
        verbose_name_plural = _("news lists")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = ArticlePage.objects.child_of(self).live().order_by("-date", "-pk")
        context["articles"] = page_of(articles, request, self.articles_per_page)
        return context


class ArticlePage(BasePage):
    date = models.DateField(_("publication date"), default=timezone.localdate)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]

    parent_page_types = ["pages.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")


@register_setting(icon="home")
class OrganisationSettings(BaseSiteSetting):
    """Contact and payment details, shown in the footer, on the contact and the donation page."""

    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    secondary_email = models.EmailField(_("other e-mail"), blank=True)
    address = models.TextField(_("address"), blank=True)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=11,
        blank=True,
        validators=[validate_organisation_number],
    )
    bank_account = models.CharField(
        _("bank account"), max_length=13, blank=True, validators=[validate_account_number]
    )
    vipps_number = models.CharField(_("Vipps number"), max_length=10, blank=True)
    example_payment_details = models.BooleanField(
        _("the account and number are examples"),
        default=False,
        help_text=_(
            "Ticked by the demo content, whose bank account is made up: donors are told not to "
            "pay to it. Untick it when you enter the organisation's real account."
        ),
    )
    tax_deduction_approved = models.BooleanField(
        _("approved for tax deduction"),
        default=False,
        help_text=_(
            "Tick only when Skatteetaten has approved the organisation for tax deduction of "
            "gifts. Donors can then give their national identity number for the deduction."
        ),
    )
    facebook_url = models.URLField(_("Facebook"), blank=True)
    instagram_url = models.URLField(_("Instagram"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy statement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Linked from the footer of every page."),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("secondary_email"),
                FieldPanel("address"),
                FieldPanel("organisation_number"),
                FieldPanel("privacy_page"),
            ],
            heading=_("Contact"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("bank_account"),
                FieldPanel("vipps_number"),
                FieldPanel("example_payment_details"),
                FieldPanel("tax_deduction_approved"),
            ],
            heading=_("Donations"),
        ),
        MultiFieldPanel(
            [FieldPanel("facebook_url"), FieldPanel("instagram_url"), FieldPanel("linkedin_url")],
            heading=_("Social media"),
        ),
    ]

    class Meta:
        verbose_name = _("organisation details")

    @property
    def social_links(self):
        links = [
            ("Facebook", self.facebook_url),
            ("Instagram", self.instagram_url),
            ("LinkedIn", self.linkedin_url),
        ]
        return [(name, url) for name, url in links if url]


# Statistics, and the newsletter and membership pages, live in their own modules; imported here
# so that Django finds the models.
from pages.membership import MembershipPage  # noqa: E402, F401
from pages.newsletters import NewsletterIndexPage, NewsletterPage  # noqa: E402, F401
from pages.statistics import Statistic, StatisticPoint  # noqa: E402, F401
