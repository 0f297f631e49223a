"""Wagtail's admin without inline scripts, so that its Content-Security-Policy can be
`script-src 'self'` (docs/deploy.md).

Wagtail starts its date pickers, choosers and inline panels with an inline `<script>` right
after their markup. Here, and in the templates in spero_site/templates/wagtailadmin/, an inert
`<template data-spero-init="NAME" data-spero-init-args="[JSON]">` stands in its place, and
static/js/admin-init.js (on every admin page, by the insert_global_admin_js hook in
spero_site/wagtail_hooks.py) calls NAME(...args) once, from a fixed list of initialisers.

The templates live in the app (not in templates/) because Django's default form renderer, which
renders the date widgets, only searches the apps' template folders; spero_site comes before
wagtail.admin in INSTALLED_APPS.
"""

import json

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail.admin.widgets import BaseChooser
from wagtail.admin.widgets.workflows import AdminTaskChooser

# The only names a marker may carry; static/js/admin-init.js has the same list (a test compares).
INITIALISERS = frozenset(
    {
        "initDateChooser",
        "initTimeChooser",
        "initDateTimeChooser",
        "InlinePanel",
        "MultipleChooserPanel",
        "Chooser",
        "PageChooser",
        "ImageChooser",
        "DocumentChooser",
        "SnippetChooser",
        "createTaskChooser",
    }
)

SCRIPT = "js/admin-init.js"


def init_marker(name, *args):
    """The inert element that admin-init.js turns into `NAME(...args)`."""
    if name not in INITIALISERS:
        raise ValueError(f"{name!r} is not an admin initialiser")
    return format_html(
        '<template data-spero-init="{}" data-spero-init-args="{}"></template>',
        name,
        json.dumps(args),
    )


def global_admin_js():
    return format_html('<script src="{}"></script>', static(SCRIPT))


_wagtail_render = BaseChooser.render


def chooser_initialiser(widget, id_, name, value_data):
    """(name, args) of what BaseChooser.render_js_init would have written, or None for a chooser
    whose start-up script this does not know (it keeps Wagtail's inline script, which the CSP
    blocks and tests/test_admin_inline_scripts.py reports)."""
    own_js = type(widget).render_js_init
    if own_js is BaseChooser.render_js_init and widget.js_constructor in INITIALISERS:
        options = widget.get_js_init_options(id_, name, value_data)
        return widget.js_constructor, (id_, options)
    if own_js is AdminTaskChooser.render_js_init:
        return "createTaskChooser", (id_,)
    return None


def render_chooser(self, name, value, attrs=None, renderer=None):
    """BaseChooser.render with a marker instead of `<script>new Chooser(id, options)</script>`.
    Only render() changes: telepath (StreamField) builds its choosers from render_html() and
    starts them itself, so they carry no marker and are never started twice."""
    id_ = (attrs or {}).get("id")
    value_data = self.get_value_data(value) if id_ else None
    initialiser = id_ and chooser_initialiser(self, id_, name, value_data)
    if not initialiser:
        return _wagtail_render(self, name, value, attrs, renderer)
    widget_html = self.render_html(name, value_data, attrs)
    return mark_safe(widget_html + init_marker(initialiser[0], *initialiser[1]))  # noqa: S308


def install():
    """Replaces BaseChooser.render once for every chooser (page, image, document, snippet, task
    and those of ChooserViewSets), in one place instead of a widget per field."""
    BaseChooser.render = render_chooser
