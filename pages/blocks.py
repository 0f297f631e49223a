"""The one body StreamBlock every page shares, and the blocks it is made of.

Each StructBlock carries an icon, a template and a preview value so that editors see it in the
block picker as it will look on the site.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock, ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from newsletter.views import subscribe_form
from pages.charts import bar_chart


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=160)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Heading 2")), ("h3", _("Heading 3"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "pages/blocks/heading_block.html"
        preview_value = {"text": "Håp er kjernen i vårt oppdrag", "level": "h2"}


class RichTextBlock(blocks.RichTextBlock):
    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "pages/blocks/rich_text_block.html"
        preview_value = (
            "<p>Spero er en bruker- og interesseorganisasjon for alle som er berørt av rus "
            "og psykisk helse.</p>"
        )


class FigureBlock(blocks.StructBlock):
    """An image with its alt text (required unless decorative) and an optional caption."""

    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    def get_preview_value(self):
        from wagtail.images import get_image_model

        image = get_image_model().objects.order_by("-created_at").first()
        if image is not None:
            image.contextual_alt_text, image.decorative = image.title, False
        return blocks.StructValue(self, [("image", image), ("caption", "Bildetekst")])

    class Meta:
        icon = "image"
        label = _("Image")
        template = "pages/blocks/figure_block.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    speaker = blocks.CharBlock(label=_("Speaker"), max_length=120)
    role = blocks.CharBlock(label=_("Role or title"), required=False, max_length=160)
    occasion = blocks.CharBlock(label=_("Occasion"), required=False, max_length=160)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "pages/blocks/quote_block.html"
        preview_value = {
            "text": "Psykisk sykdom er ikke en personlig svikt.",
            "speaker": "Gro Harlem Brundtland",
            "role": "Verdens helseorganisasjon",
            "occasion": "",
        }


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False)
    page = blocks.PageChooserBlock(label=_("Link to page"), required=False)
    url = blocks.URLBlock(label=_("Or link to address"), required=False)
    button_label = blocks.CharBlock(label=_("Button text"), max_length=60)

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            message = _("Choose either a page or an address, not both.")
            raise blocks.StructBlockValidationError(
                block_errors={"page": ValidationError(message), "url": ValidationError(message)}
            )
        return value

    class Meta:
        icon = "link"
        label = _("Call to action")
        template = "pages/blocks/call_to_action_block.html"
        preview_value = {
            "heading": "Støtt arbeidet",
            "text": "Hver gave går til bevisstgjøring og forebygging.",
            "url": "https://example.org/",
            "button_label": "Gi en gave",
        }


class StatisticChooserBlock(SnippetChooserBlock):
    """Fetches every chosen statistic in a body with its figures in two queries, however many
    statistic blocks the body has."""

    def __init__(self, **kwargs):
        super().__init__("pages.Statistic", **kwargs)

    def bulk_to_python(self, values):
        objects = self.model_class.objects.prefetch_related("points").in_bulk(values)
        return [objects.get(pk) for pk in values]


class StatisticBlock(blocks.StructBlock):
    """One statistic: its figure for a year, or its whole series as a chart with a table."""

    statistic = StatisticChooserBlock(label=_("Statistic"))
    year = blocks.IntegerBlock(
        label=_("Year"),
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=_("The year to show as a figure. Leave empty for the latest year."),
    )
    display = blocks.ChoiceBlock(
        label=_("Display"),
        choices=[("figure", _("Figure")), ("chart", _("Chart and table"))],
        default="figure",
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        statistic = value["statistic"]
        if statistic is not None:
            points = list(statistic.points.all())
            context["points"] = points
            context["point"] = statistic.point_for(value["year"])
            context["year"] = value["year"] or (context["point"] and context["point"].year)
            if value["display"] == "chart":
                context["chart"] = bar_chart(points)
        return context

    def get_preview_value(self):
        from pages.models import Statistic

        return self.to_python(
            {"statistic": Statistic.objects.values_list("pk", flat=True).first(), "year": None}
        )

    class Meta:
        icon = "table"
        label = _("Statistic")
        template = "pages/blocks/statistic_block.html"


class PartnerBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Name"), max_length=120)
    logo = ImageChooserBlock(label=_("Logo"), required=False)
    url = blocks.URLBlock(label=_("Address"), required=False)

    class Meta:
        icon = "group"
        label = _("Partner")


class PartnersBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    text = blocks.TextBlock(
        label=_("Text"), required=False, help_text=_("For example an invitation to new partners.")
    )
    partners = blocks.ListBlock(PartnerBlock(), label=_("Partners and sponsors"))

    class Meta:
        icon = "group"
        label = _("Partners and sponsors")
        template = "pages/blocks/partners_block.html"
        preview_value = {
            "heading": "Takk til partnere og sponsorer",
            "partners": [{"name": "Selvhjelp Norge", "url": "https://example.org/"}],
        }


class NewsletterSignupBlock(blocks.StructBlock):
    """The newsletter's sign-up form, where an editor wants it (newsletter/views.py)."""

    heading = blocks.CharBlock(label=_("Heading"), max_length=100)
    text = blocks.TextBlock(label=_("Text"), required=False)

    class Meta:
        icon = "mail"
        label = _("Newsletter sign-up")
        template = "pages/blocks/newsletter_signup_block.html"
        preview_value = {
            "heading": "Få nyhetsbrevet",
            "text": "Nytt fra Spero foreningen noen ganger i året.",
        }

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["newsletter_form"] = subscribe_form((parent_context or {}).get("request"))[0]
        return context


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    text = RichTextBlock()
    image = FigureBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    statistic = StatisticBlock()
    partners = PartnersBlock()
    newsletter_signup = NewsletterSignupBlock()

    class Meta:
        template = "pages/blocks/body_block.html"


class NewsletterBodyBlock(blocks.StreamBlock):
    """What a newsletter can hold: the blocks that read the same in an e-mail program as on
    the web (pages/newsletters.py renders each for e-mail too)."""

    heading = HeadingBlock()
    text = RichTextBlock()
    image = FigureBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()

    class Meta:
        template = "pages/blocks/body_block.html"
