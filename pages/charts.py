"""Geometry of the statistics bar chart, computed here so that it can be tested; the markup is in
templates/pages/includes/statistic_chart.svg.html.

Gaps: the x axis is a continuous axis of years. Every year from the first figure to the last gets
a slot of the same width and each bar stands in its own year's slot, so 2017 and 2020 are three
slots apart and the two empty slots between them show that 2018 and 2019 have no figure. Every
year has a tick mark on the axis; years with a figure are labelled. The missing years are also
listed in words (under the chart and in its description), so a gap is not told by spacing alone.

The y axis starts at zero and ends at the first "nice" tick (1, 2, 2.5 or 5 times a power of ten)
at or above the largest value, so a bar's height is proportional to its value.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from itertools import pairwise

from spero_site.templatetags.spero_tags import number

# The SVG's own coordinate system; the SVG scales to the width CSS gives it.
WIDTH = 560
HEIGHT = 300
FONT_SIZE = 14
CHAR_WIDTH = 0.65 * FONT_SIZE  # a digit's width in a wide sans-serif, to decide what fits
TOP = 28  # room for the value label over the tallest bar
BOTTOM = 36  # room for the year labels
RIGHT = 16
MAX_BAR_WIDTH = 48
LABEL_GAP = 6  # space between neighbouring labels and between a label and what it names
NICE_FACTORS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


@dataclass(frozen=True)
class Bar:
    year: int
    value: Decimal
    label: str  # the value, Norwegian style
    x: float
    y: float
    width: float
    height: float
    center: float
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Tick:
    value: Decimal
    label: str
    y: float


@dataclass(frozen=True)
class YearMark:
    year: int
    x: float
    label: str  # empty for a year without a figure, or when the label would overlap another


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    bars: list[Bar]
    ticks: list[Tick]
    years: list[YearMark]
    show_values: bool  # value labels over the bars, only when none of them would overlap
    missing: list[tuple[int, int]]  # runs of years without a figure, first and last

    @property
    def first_year(self):
        return self.bars[0].year

    @property
    def last_year(self):
        return self.bars[-1].year

    @property
    def year_label_y(self):
        return self.bottom + FONT_SIZE + LABEL_GAP

    @property
    def tick_mark_end(self):
        return self.bottom + LABEL_GAP

    @property
    def tick_label_x(self):
        return _r(self.left - LABEL_GAP)

    @property
    def missing_label(self):
        """The missing years in words: "2018–2019, 2022"."""
        return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in self.missing)


def nice_ticks(maximum):
    """Tick values from zero to the first round number at or above `maximum`, 3 to 5 steps."""
    maximum = Decimal(maximum)
    if maximum <= 0:
        return [Decimal(0), Decimal(1)]
    raw = maximum / 5
    magnitude = Decimal(1).scaleb(raw.adjusted())  # the power of ten at or below raw
    step = next(magnitude * f for f in NICE_FACTORS if magnitude * f >= raw)
    count = int((maximum / step).to_integral_value(rounding=ROUND_CEILING))
    return [(step * i).normalize() for i in range(count + 1)]


def text_width(text):
    return len(text) * CHAR_WIDTH


def bar_chart(points):
    """The chart for points with `year` and `value` (any order), or None when there are none."""
    points = sorted(points, key=lambda p: p.year)
    if not points:
        return None

    ticks = nice_ticks(max(p.value for p in points))
    top_value = ticks[-1]
    tick_labels = [number(t) for t in ticks]
    left = max(text_width(label) for label in tick_labels) + 2 * LABEL_GAP
    right, top, bottom = WIDTH - RIGHT, TOP, HEIGHT - BOTTOM
    plot_height = bottom - top

    first, last = points[0].year, points[-1].year
    span = last - first + 1
    labels = [number(p.value) for p in points]
    widest_value = max(text_width(label) for label in labels)
    # Inset the bars just enough for the first and last value labels to stand centred over them
    # (half a label = half a slot + the inset); never more than half a label.
    inset = max(0.0, (widest_value * span - (right - left)) / (2 * (span - 1))) if span > 1 else 0
    slot = (right - left - 2 * inset) / span
    bar_width = min(slot * 0.7, MAX_BAR_WIDTH)

    def center(year):
        return left + inset + (year - first + 0.5) * slot

    def y_of(value):
        # Counts and rates are not negative; a negative value would get no bar, its label stays.
        return bottom - float(max(Decimal(value), Decimal(0)) / top_value) * plot_height

    bars = []
    for p, label in zip(points, labels, strict=True):
        half = text_width(label) / 2
        y = y_of(p.value)
        bars.append(
            Bar(
                year=p.year,
                value=p.value,
                label=label,
                x=_r(center(p.year) - bar_width / 2),
                y=_r(y),
                width=_r(bar_width),
                height=_r(bottom - y),
                center=_r(center(p.year)),
                # kept inside the plot so that a wide label does not run into the y axis labels
                label_x=_r(min(max(center(p.year), left + half), right - half)),
                label_y=_r(y - LABEL_GAP),
            )
        )

    centers = [b.center for b in bars]
    distances = [b - a for a, b in pairwise(centers)]
    show_values = all(d >= widest_value + LABEL_GAP for d in distances)

    return BarChart(
        width=WIDTH,
        height=HEIGHT,
        left=_r(left),
        right=right,
        top=top,
        bottom=bottom,
        bars=bars,
        ticks=[
            Tick(value=t, label=label, y=_r(y_of(t)))
            for t, label in zip(ticks, tick_labels, strict=True)
        ],
        years=_year_marks(bars, range(first, last + 1), center),
        show_values=show_values,
        missing=_missing_runs([p.year for p in points]),
    )


def _year_marks(bars, years, center):
    """A mark under every year, labelled left to right, skipping a label that would overlap
    the last one shown."""
    labelled, last_x = set(), None
    for b in bars:
        if last_x is None or b.center - last_x >= text_width(str(b.year)) + LABEL_GAP:
            labelled.add(b.year)
            last_x = b.center
    return [YearMark(year=y, x=_r(center(y)), label=str(y) if y in labelled else "") for y in years]


def _missing_runs(years):
    return [(a + 1, b - 1) for a, b in pairwise(years) if b - a > 1]


def _r(value):
    # Two decimals are plenty for the screen and keep the markup short.
    return round(float(value), 2)
