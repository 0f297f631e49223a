"""References from the demo content to database objects, resolved when a page is built."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PageRef:
    """A page by its path under the home page, e.g. "stopp-stigma" ("" is the home page)."""

    path: str


@dataclass(frozen=True)
class StatisticRef:
    title: str


@dataclass(frozen=True)
class PetitionRef:
    slug: str


@dataclass(frozen=True)
class EventRef:
    slug: str


def resolve(value, pages, statistics):
    """The body data with page and statistic references replaced by their objects."""
    if isinstance(value, PageRef):
        return pages[value.path]
    if isinstance(value, StatisticRef):
        return statistics[value.title]
    if isinstance(value, dict):
        return {key: resolve(item, pages, statistics) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(resolve(item, pages, statistics) for item in value)
    return value
