"""The statistics (statistikk.md) with their figures and sources, and the statistics page."""

from dataclasses import dataclass
from decimal import Decimal

from pages.demo_content.body import statistic, text
from pages.demo_content.contact import HELP_NOW
from pages.demo_content.page_spec import PageSpec
from pages.models import Statistic, StatisticPoint, StatisticsPage


@dataclass(frozen=True)
class Source:
    name: str
    url: str = ""


@dataclass(frozen=True)
class Figure:
    year: int
    value: int
    note: str = ""
    reported_by: Source | None = None


@dataclass(frozen=True)
class StatisticSpec:
    title: str
    unit: str
    description: str
    source: Source
    figures: tuple[Figure, ...]


DODSARSAKSREGISTERET = Source("Dødsårsaksregisteret, Folkehelseinstituttet")
RESEPTREGISTERET = Source("Reseptregisteret, Folkehelseinstituttet")

# Where each year's figure was published. statistikk.md lists the reporting sources per statistic,
# not per year; each year is assigned to the report that covers it by date (older years to the
# older report, the latest years to Dagsavisen 30 May 2024).
NPK_2019 = Source("NPK, desember 2019")
DAGSAVISEN_2024 = Source("Dagsavisen, 30.05.2024")
# The address is as the seed gives it, including FHI's own spelling "nakotikautloste".
FHI_NARKOTIKA_2017 = Source(
    "Folkehelseinstituttet: Narkotikautløste dødsfall 2017",
    "https://fhi.no/nyheter/2018/nakotikautloste-dodsfall-2017",
)
FHI_NARKOTIKA_2021 = Source("Folkehelseinstituttet: Narkotikautløste dødsfall 2021")
RUSFELTET = Source("rusfeltet.no (tall fra Folkehelseinstituttet)")
DAGENS_MEDISIN_2018 = Source("Dagens Medisin / Fremover, 2018")

SELVMORD = "Selvmord i Norge"
NARKOTIKA = "Narkotikautløste dødsfall i Norge"
# statistikk.md (FHI's term) says "alkoholutløste"; the old front page said "alkoholrelatert".
# The figures are FHI's alcohol-induced deaths, so the title uses FHI's term.
ALKOHOL = "Alkoholutløste dødsfall i Norge"
ANTIDEPRESSIVA = "Brukere av antidepressiva i Norge"

STATISTICS = (
    StatisticSpec(
        title=SELVMORD,
        unit="selvmord",
        description="Antall selvmord i Norge hvert år, slik de er registrert i "
        "Dødsårsaksregisteret.",
        source=DODSARSAKSREGISTERET,
        figures=(
            Figure(2016, 615, "12,0 per 100 000 innbyggere", NPK_2019),
            Figure(2017, 595, "11,5 per 100 000 innbyggere (aldersjustert)", NPK_2019),
            Figure(2018, 674, "12,9 per 100 000 innbyggere", NPK_2019),
            Figure(2019, 652, "", DAGSAVISEN_2024),
            Figure(2021, 664, "", DAGSAVISEN_2024),
            Figure(2022, 623, "", DAGSAVISEN_2024),
            Figure(
                2023, 707, "Det nest høyeste tallet som er registrert, etter 1988", DAGSAVISEN_2024
            ),
        ),
    ),
    StatisticSpec(
        title=ALKOHOL,
        unit="dødsfall",
        description="Antall dødsfall i Norge hvert år der alkohol var den utløsende årsaken, "
        "ifølge Dødsårsaksregisteret.",
        source=DODSARSAKSREGISTERET,
        # The 2017 figure named on the old front page was not found: left for an editor.
        figures=(
            Figure(2015, 352, "", RUSFELTET),
            Figure(2016, 336, "", RUSFELTET),
            Figure(2022, 395, "", DAGSAVISEN_2024),
            Figure(2023, 450, "", DAGSAVISEN_2024),
        ),
    ),
    StatisticSpec(
        title=NARKOTIKA,
        unit="dødsfall",
        description="Antall dødsfall i Norge hvert år der narkotika var den utløsende årsaken, "
        "ifølge Dødsårsaksregisteret.",
        source=DODSARSAKSREGISTERET,
        figures=(
            Figure(2013, 234, "", FHI_NARKOTIKA_2017),
            Figure(2014, 266, "", FHI_NARKOTIKA_2017),
            Figure(2015, 289, "", FHI_NARKOTIKA_2017),
            Figure(2016, 284, "", FHI_NARKOTIKA_2017),
            Figure(2017, 247, "", FHI_NARKOTIKA_2017),
            Figure(2020, 324, "", FHI_NARKOTIKA_2021),
            Figure(2021, 241, "", FHI_NARKOTIKA_2021),
            Figure(2023, 363, "", DAGSAVISEN_2024),
        ),
    ),
    StatisticSpec(
        title=ANTIDEPRESSIVA,
        unit="brukere",
        description="Antall personer i Norge som fikk utlevert antidepressiva på resept i løpet "
        "av året, ifølge Reseptregisteret.",
        source=RESEPTREGISTERET,
        # The 2018 figure named on the old front page was not found: left for an editor.
        figures=(
            Figure(2008, 288414, "", DAGENS_MEDISIN_2018),
            Figure(2017, 332053, "62,93 per 1 000 innbyggere", DAGENS_MEDISIN_2018),
        ),
    ),
)


STATISTICS_PAGE = PageSpec(
    slug="statistikk",
    parent="",
    model=StatisticsPage,
    title="Statistikk",
    show_in_menus=True,
    search_description="Tall for selvmord, narkotikautløste og alkoholutløste dødsfall og bruk "
    "av antidepressiva i Norge, med kilder.",
    listing_summary="Tall om selvmord, rusrelaterte dødsfall og bruk av antidepressiva i Norge.",
    intro="<p>Tallene viser hvor mange som blir berørt. De kommer fra Folkehelseinstituttets "
    "registre, og kilden står ved hvert tall.</p>",
    body=(
        text(
            "<p>Bak hvert tall står et menneske, og mange pårørende. Mangler tallet for et år, "
            "står det tomt til vi har funnet det i en sikker kilde.</p>"
        ),
        *(statistic(spec.title, display="chart") for spec in STATISTICS),
        *HELP_NOW,
    ),
)


def ensure_statistic(spec, report):
    """The statistic with this title; created with its figures only when there is none."""
    existing = Statistic.objects.filter(title=spec.title).first()
    if existing is not None:
        report.found.append(f"statistic «{spec.title}»")
        return existing
    statistic = Statistic(
        title=spec.title,
        unit=spec.unit,
        description=spec.description,
        source_name=spec.source.name,
        source_url=spec.source.url,
    )
    statistic.points = [
        StatisticPoint(
            year=figure.year,
            value=Decimal(figure.value),
            note=figure.note,
            source_name=figure.reported_by.name if figure.reported_by else "",
            source_url=figure.reported_by.url if figure.reported_by else "",
        )
        for figure in spec.figures
    ]
    statistic.save()
    report.created.append(f"statistic «{spec.title}» ({len(spec.figures)} figures)")
    return statistic
