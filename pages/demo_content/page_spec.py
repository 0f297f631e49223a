"""What the loader needs to know of a demo page."""

from dataclasses import dataclass, field

from wagtail.models import Page


@dataclass(frozen=True)
class PageSpec:
    """One page: where it goes, its model and its content.

    ``parent`` is the path of the parent under the home page ("" for the home page itself, None
    only for the home page, which sits under the tree's root).
    """

    slug: str
    parent: str | None
    model: type[Page]
    title: str
    search_description: str
    listing_summary: str
    intro: str = ""
    body: tuple = ()
    fields: dict = field(default_factory=dict, hash=False)
    show_in_menus: bool = False

    @property
    def path(self):
        if self.parent is None:
            return ""
        return f"{self.parent}/{self.slug}".strip("/")
