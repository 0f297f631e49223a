"""Body blocks as (block type, value) tuples, the shape a page's StreamField takes."""

from pages.demo_content.references import PageRef, StatisticRef


def heading(text, level="h2"):
    return ("heading", {"text": text, "level": level})


def text(html):
    return ("text", html)


def quote(text, speaker, role="", occasion=""):
    return ("quote", {"text": text, "speaker": speaker, "role": role, "occasion": occasion})


def call_to_action(heading, text, button_label, *, page=None, url=""):
    """A teaser linking to a page (by path under the home page) or to an address, never both."""
    if (page is None) == (not url):
        raise ValueError("A call to action links to either a page or an address.")
    return (
        "call_to_action",
        {
            "heading": heading,
            "text": text,
            "page": None if page is None else PageRef(page),
            "url": url,
            "button_label": button_label,
        },
    )


def statistic(title, year=None, display="figure"):
    return ("statistic", {"statistic": StatisticRef(title), "year": year, "display": display})


def partners(heading, text="", names=()):
    return (
        "partners",
        {
            "heading": heading,
            "text": text,
            "partners": [{"name": n, "logo": None, "url": ""} for n in names],
        },
    )
