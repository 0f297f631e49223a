"""The statistics bar chart: its geometry (pages/charts.py) and the rendered block, whose SVG and
table must match the figures in the database."""

import re
from decimal import Decimal
from itertools import pairwise
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from pages.blocks import StatisticBlock
from pages.charts import MAX_BAR_WIDTH, bar_chart, nice_ticks, text_width
from pages.models import Statistic, StatisticPoint


def points(pairs):
    return [SimpleNamespace(year=year, value=Decimal(value)) for year, value in pairs]


def plain(text):
    """Text with runs of whitespace (the no-break space of Norwegian numbers too) as one space."""
    return re.sub(r"\s+", " ", text).strip()


# --- geometry ---------------------------------------------------------------------------------


def test_no_points_gives_no_chart():
    assert bar_chart([]) is None


def test_bar_heights_are_proportional_to_values_and_stand_on_the_axis():
    chart = bar_chart(points([(2016, 615), (2017, 595), (2018, 674), (2019, 652)]))
    plot_height = chart.bottom - chart.top
    top_value = float(chart.ticks[-1].value)
    for bar in chart.bars:
        assert bar.height == pytest.approx(float(bar.value) / top_value * plot_height, abs=0.01)
        assert bar.y + bar.height == pytest.approx(chart.bottom, abs=0.01)
        assert bar.y >= chart.top
    tallest = max(chart.bars, key=lambda b: b.height)
    assert tallest.year == 2018


def test_points_in_any_order_are_drawn_by_year():
    chart = bar_chart(points([(2019, 3), (2016, 1), (2017, 2)]))
    assert [b.year for b in chart.bars] == [2016, 2017, 2019]
    assert [b.center for b in chart.bars] == sorted(b.center for b in chart.bars)


@pytest.mark.parametrize(
    "maximum", ["0.5", "1", "7", "12.9", "100", "101", "674", "707", "288414", "332053"]
)
def test_ticks_start_at_zero_and_end_at_the_first_round_value_over_the_maximum(maximum):
    ticks = nice_ticks(Decimal(maximum))
    step = ticks[1] - ticks[0]
    assert ticks[0] == 0
    assert ticks[-1] >= Decimal(maximum) > ticks[-1] - step
    assert all(b - a == step for a, b in pairwise(ticks))
    assert 3 <= len(ticks) - 1 <= 5
    mantissa = step.scaleb(-step.adjusted())  # the step without its power of ten: 1 ≤ m < 10
    assert mantissa in {1, 2, Decimal("2.5"), 5}


@given(st.decimals(min_value="0.01", max_value="999999999999.99", places=2))
def test_ticks_cover_any_maximum(maximum):
    ticks = nice_ticks(maximum)
    assert ticks[0] == 0 and ticks[-1] >= maximum
    assert 4 <= len(ticks) <= 6


def test_years_without_figures_keep_their_place_on_the_axis():
    chart = bar_chart(points([(2016, 10), (2017, 20), (2020, 30), (2022, 40)]))
    one_year = chart.bars[1].center - chart.bars[0].center
    assert chart.bars[2].center - chart.bars[1].center == pytest.approx(3 * one_year, abs=0.02)
    assert chart.bars[3].center - chart.bars[2].center == pytest.approx(2 * one_year, abs=0.02)
    assert [m.year for m in chart.years] == list(range(2016, 2023))
    assert [m.year for m in chart.years if m.label] == [2016, 2017, 2020, 2022]
    assert chart.missing == [(2018, 2019), (2021, 2021)]
    assert chart.missing_label == "2018–2019, 2021"


def test_consecutive_years_have_no_gap():
    chart = bar_chart(points([(2015, 352), (2016, 336)]))
    assert chart.missing == []
    assert chart.missing_label == ""


def test_one_point_gives_one_bar_of_limited_width_inside_the_plot():
    chart = bar_chart(points([(2023, 707)]))
    (bar,) = chart.bars
    assert 0 < bar.width <= MAX_BAR_WIDTH
    assert chart.left <= bar.x and bar.x + bar.width <= chart.right
    assert bar.center == pytest.approx((chart.left + chart.right) / 2, abs=0.01)
    assert 0 < bar.height <= chart.bottom - chart.top
    assert chart.missing == []


def test_equal_values_give_equal_bars():
    chart = bar_chart(points([(2020, 5), (2021, 5), (2022, 5)]))
    heights = {bar.height for bar in chart.bars}
    assert len(heights) == 1 and heights.pop() > 0
    assert chart.ticks[-1].value >= 5


def test_zero_values_give_an_axis_without_bars():
    chart = bar_chart(points([(2020, 0), (2021, 0)]))
    assert [bar.height for bar in chart.bars] == [0, 0]
    assert chart.ticks[0].value == 0 and chart.ticks[-1].value > 0


def test_labels_are_norwegian_numbers():
    with translation.override("nb"):
        chart = bar_chart(points([(2016, "12.00"), (2017, "11.50"), (2018, "12.90")]))
        large = bar_chart(points([(2008, "288414.00"), (2017, "332053.00")]))
    assert [b.label for b in chart.bars] == ["12", "11,5", "12,9"]
    assert [plain(b.label) for b in large.bars] == ["288 414", "332 053"]
    tick_labels = [plain(t.label) for t in large.ticks]
    assert tick_labels[0] == "0"
    assert all(re.fullmatch(r"\d{1,3}( \d{3})*", label) for label in tick_labels)


def test_ticks_are_placed_by_value():
    chart = bar_chart(points([(2020, 40), (2021, 100)]))
    plot_height = chart.bottom - chart.top
    top_value = chart.ticks[-1].value
    for tick in chart.ticks:
        expected = chart.bottom - float(tick.value / top_value) * plot_height
        assert tick.y == pytest.approx(expected, abs=0.01)
    assert chart.ticks[-1].y == pytest.approx(chart.top)


def test_value_labels_are_shown_only_when_they_cannot_overlap():
    few = bar_chart(points([(2013, 234), (2014, 266), (2015, 289)]))
    crowded = bar_chart(points([(year, 288414) for year in range(1990, 2024)]))
    assert few.show_values is True
    assert crowded.show_values is False


def test_year_labels_do_not_overlap_on_a_long_axis():
    chart = bar_chart(points([(year, year - 1900) for year in range(1950, 2024)]))
    shown = [m.x for m in chart.years if m.label]
    assert len(shown) > 2
    assert all(b - a >= text_width("2000") for a, b in pairwise(shown))


# --- the rendered block -----------------------------------------------------------------------

SOURCE_URL = "https://www.fhi.no/hn/helseregistre-og-registre/dodsarsaksregisteret/"
POINT_SOURCE_URL = "https://www.dagsavisen.no/nyheter/selvmord-2023/"
SUICIDES = [
    # year, value, note, own source name, own source url
    (2016, "615", "rate 12.0 per 100 000", "", ""),
    (2017, "595", "", "", ""),
    (2019, "652", "", "", ""),
    (2023, "707", "second-highest year recorded", "Dagsavisen", POINT_SOURCE_URL),
]


@pytest.fixture
def suicides(db):
    statistic = Statistic.objects.create(
        title="Selvmord i Norge",
        unit="dødsfall",
        source_name="Dødsårsaksregisteret, FHI",
        source_url=SOURCE_URL,
    )
    for year, value, note, name, url in SUICIDES:
        StatisticPoint.objects.create(
            statistic=statistic,
            year=year,
            value=Decimal(value),
            note=note,
            source_name=name,
            source_url=url,
        )
    return statistic


def render(statistic, display, year=None):
    block = StatisticBlock()
    value = block.to_python({"statistic": statistic.pk, "year": year, "display": display})
    with translation.override("nb"):
        return BeautifulSoup(block.render(value), "html.parser")


def test_chart_table_lists_every_figure_with_its_note_and_source(suicides):
    soup = render(suicides, "chart")
    table = soup.find("table")
    assert table.caption and "Selvmord i Norge" in table.caption.get_text()
    headers = table.thead.find_all("th")
    assert headers and all(th.get("scope") == "col" for th in headers)

    rows = table.tbody.find_all("tr")
    assert len(rows) == len(SUICIDES)
    for row, (year, value, note, name, url) in zip(rows, SUICIDES, strict=True):
        year_cell = row.find("th")
        value_cell, note_cell, source_cell = row.find_all("td")
        assert year_cell.get("scope") == "row"
        assert plain(year_cell.get_text()) == str(year)
        assert plain(value_cell.get_text()) == value
        assert plain(note_cell.get_text()) == note
        link = source_cell.find("a")
        assert link["href"] == (url or SOURCE_URL)
        assert plain(link.get_text()) == (name or "Dødsårsaksregisteret, FHI")


def test_chart_has_one_bar_per_figure_with_heights_in_the_ratio_of_the_values(suicides):
    soup = render(suicides, "chart")
    bars = soup.select("svg rect.stat-bar")
    assert [int(bar["data-year"]) for bar in bars] == [row[0] for row in SUICIDES]
    heights = [float(bar["height"]) for bar in bars]
    values = [float(row[1]) for row in SUICIDES]
    for height, value in zip(heights, values, strict=True):
        assert height / heights[0] == pytest.approx(value / values[0], rel=1e-3)
    # Bars stand on one baseline, further right for later years, gaps included.
    bottoms = {round(float(b["y"]) + float(b["height"]), 1) for b in bars}
    assert len(bottoms) == 1
    xs = [float(bar["x"]) for bar in bars]
    one_year = xs[1] - xs[0]
    assert xs[2] - xs[1] == pytest.approx(2 * one_year, abs=0.05)
    assert xs[3] - xs[2] == pytest.approx(4 * one_year, abs=0.05)


def test_chart_says_which_years_are_missing(suicides):
    soup = render(suicides, "chart")
    gaps = plain(soup.select_one(".stat-gaps").get_text())
    assert "2018" in gaps and "2020–2022" in gaps
    assert "2020–2022" in soup.find("desc").get_text()


def test_chart_svg_is_one_named_image_and_its_coordinates_are_not_localised(suicides):
    soup = render(suicides, "chart")
    svg = soup.find("svg")
    assert svg["role"] == "img"
    title = soup.find(id=svg["aria-labelledby"])
    assert title.name == "title" and plain(title.get_text()) == "Selvmord i Norge"
    assert soup.find(id=svg["aria-describedby"]).name == "desc"
    for element in svg.find_all(True):
        for attribute in ("x", "y", "x1", "x2", "y1", "y2", "width", "height"):
            if attribute in element.attrs:
                float(element[attribute])  # a decimal comma or a space would fail here
    assert [plain(t.get_text()) for t in svg.select(".stat-year-labels text")] == [
        "2016",
        "2017",
        "2019",
        "2023",
    ]


def test_chart_caption_gives_the_statistics_source(suicides):
    soup = render(suicides, "chart")
    caption = soup.find("figure").find("figcaption")
    link = caption.find("a")
    assert link["href"] == SOURCE_URL
    assert plain(link.get_text()) == "Dødsårsaksregisteret, FHI"


def test_large_and_decimal_values_are_written_the_norwegian_way(db):
    statistic = Statistic.objects.create(
        title="Brukere av antidepressiva", unit="brukere", source_name="Reseptregisteret"
    )
    StatisticPoint.objects.create(statistic=statistic, year=2008, value=Decimal("288414"))
    StatisticPoint.objects.create(statistic=statistic, year=2017, value=Decimal("62.93"))
    chart = render(statistic, "chart")
    values = [plain(td.get_text()) for td in chart.select("tbody tr td:nth-of-type(1)")]
    assert values == ["288 414", "62,93"]
    # A source without an address is named, not linked.
    assert chart.find("figcaption").find("a") is None
    assert "Reseptregisteret" in chart.find("figcaption").get_text()

    figure = render(statistic, "figure", year=2008)
    assert plain(figure.select_one(".stat-number").get_text()) == "288 414"
    assert "2008" in figure.get_text() and "2 008" not in plain(figure.get_text())


def test_figure_shows_the_value_its_year_unit_and_the_points_own_source(suicides):
    soup = render(suicides, "figure", year=2023)
    assert plain(soup.select_one(".stat-number").get_text()) == "707"
    text = plain(soup.get_text())
    assert "dødsfall" in text and "2023" in text and "second-highest year recorded" in text
    link = soup.select_one(".stat-source a")
    assert link["href"] == POINT_SOURCE_URL and plain(link.get_text()) == "Dagsavisen"


def test_figure_without_a_year_shows_the_latest(suicides):
    soup = render(suicides, "figure")
    assert plain(soup.select_one(".stat-number").get_text()) == "707"


def test_figure_falls_back_to_the_statistics_source(suicides):
    soup = render(suicides, "figure", year=2017)
    assert plain(soup.select_one(".stat-number").get_text()) == "595"
    assert soup.select_one(".stat-source a")["href"] == SOURCE_URL


def test_a_missing_figure_is_shown_without_a_number(suicides):
    soup = render(suicides, "figure", year=2018)
    text = plain(soup.get_text())
    assert "Selvmord i Norge" in text and "2018" in text
    assert soup.select_one(".stat-pending") is not None
    assert soup.select_one(".stat-number") is None
    # No figure at all: the only number on show is the year asked for.
    assert re.findall(r"\d+", text) == ["2018"]


def test_a_statistic_without_figures_has_no_chart_and_says_so(db):
    statistic = Statistic.objects.create(
        title="Alkoholutløste dødsfall", unit="dødsfall", source_name="FHI"
    )
    soup = render(statistic, "chart")
    assert soup.find("svg") is None and soup.find("table") is None
    assert soup.select_one(".stat-pending") is not None
    figure = render(statistic, "figure")
    assert figure.select_one(".stat-number") is None
    assert figure.select_one(".stat-pending") is not None


@pytest.mark.parametrize("display", ["chart", "figure"])
def test_nothing_is_loaded_from_another_host_and_nothing_is_inline(suicides, display):
    soup = render(suicides, display)
    assert soup.find("script") is None and soup.find("style") is None
    source_urls = {SOURCE_URL, POINT_SOURCE_URL}
    for element in soup.find_all(True):
        assert "style" not in element.attrs
        assert not any(name.startswith("on") for name in element.attrs)
        for name, attribute in element.attrs.items():
            if not isinstance(attribute, str) or not urlparse(attribute).netloc:
                continue
            # The only addresses on another host are the sources, as links the reader may follow.
            assert element.name == "a" and name == "href" and attribute in source_urls
