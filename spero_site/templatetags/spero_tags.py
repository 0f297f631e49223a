from django import template
from django.utils.formats import number_format
from wagtail.models import Site

register = template.Library()


def _site(context):
    request = context.get("request")
    return Site.find_for_request(request) if request else None


@register.simple_tag(takes_context=True)
def menu_items(context):
    """(page, aria-current) for the home page's live children marked "show in menus": "page"
    for the page being shown, "true" for the section it is in."""
    site = _site(context)
    if site is None:
        return []
    current = context.get("page")
    current_path = getattr(current, "path", "")
    items = []
    for item in site.root_page.get_children().live().in_menu():
        state = None
        if current_path == item.path:
            state = "page"
        elif current_path.startswith(item.path):
            state = "true"
        items.append((item, state))
    return items


@register.simple_tag(takes_context=True)
def site_root(context):
    site = _site(context)
    return site.root_page if site else None


@register.simple_tag
def breadcrumb_pages(page):
    """Ancestors from the home page down to the page's parent."""
    return page.get_ancestors().filter(depth__gt=1)


@register.filter
def number(value):
    """A figure the Norwegian way: 288 414 and 12,9 (no decimals when there are none)."""
    if value is None or value == "":
        return ""
    decimals = 0 if value == int(value) else 2
    formatted = number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return formatted.rstrip("0").rstrip(",") if decimals else formatted
