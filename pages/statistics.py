"""Statistics: a figure followed over years, each year's figure with where it was published.
Editors keep them as snippets; the statistics block and page show them (pages/charts.py)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.search import index


class Statistic(ClusterableModel):
    """A figure followed over years, such as suicides in Norway, with where it was published."""

    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(
        _("unit"), max_length=60, help_text=_("What is counted, for example “deaths”.")
    )
    source_name = models.CharField(
        _("source"), max_length=200, help_text=_("For example “Cause of Death Registry, NIPH”.")
    )
    source_url = models.URLField(_("source address"), blank=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("unit"),
        MultiFieldPanel([FieldPanel("source_name"), FieldPanel("source_url")], heading=_("Source")),
        InlinePanel("points", heading=_("Figures"), label=_("Figure")),
    ]
    search_fields = [index.SearchField("title"), index.SearchField("description")]

    class Meta:
        verbose_name = _("statistic")
        verbose_name_plural = _("statistics")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def point_for(self, year=None):
        """The figure for a year (the latest when no year is given), or None if it is missing."""
        points = list(self.points.all())
        if year is None:
            return points[-1] if points else None
        return next((p for p in points if p.year == year), None)


class StatisticPoint(models.Model):
    statistic = ParentalKey(Statistic, related_name="points", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_("For example a rate per 100 000.")
    )
    source_name = models.CharField(
        _("reported by"),
        max_length=200,
        blank=True,
        help_text=_("Where this year's figure was published, if not the statistic's source."),
    )
    source_url = models.URLField(_("reported at address"), blank=True)

    panels = [
        FieldPanel("year"),
        FieldPanel("value"),
        FieldPanel("note"),
        FieldPanel("source_name"),
        FieldPanel("source_url"),
    ]

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["statistic", "year"], name="unique_statistic_year")
        ]

    def __str__(self):
        return f"{self.statistic_id}: {self.year}"
