"""The Wagtail admin runs no inline script, so that its CSP can be `script-src 'self'`
(spero_site/admin_widgets.py). Every admin page this site uses, every edit form of its models
and each widget and panel whose inline script was replaced is rendered here, and its HTML (the
InlinePanel's empty-form templates included) may hold no `<script>` without `src` other than
JSON data, no `on…=` event handler and no `javascript:` link. When a Wagtail upgrade adds an
inline script somewhere, this names the page and the script; see docs/deploy.md."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.admin.panels import FieldPanel, MultipleChooserPanel
from wagtail.admin.widgets import (
    AdminDateInput,
    AdminDateTimeInput,
    AdminPageChooser,
    AdminTimeInput,
)
from wagtail.admin.widgets.workflows import AdminTaskChooser
from wagtail.documents.widgets import AdminDocumentChooser
from wagtail.images.widgets import AdminImageChooser
from wagtail.models import Page
from wagtail.snippets.widgets import AdminSnippetChooser

from campaigns.models import Petition
from events.models import Event
from pages.models import OrganisationSettings, Statistic
from spero_site import admin_widgets
from tests.factories import make_image

pytestmark = pytest.mark.django_db

SCRIPT_DATA_TYPES = {"application/json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction"}


class AdminHTML(HTMLParser):
    """What in a page would run as inline script, and the markers that replace it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inline = []
        self.markers = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.inline.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.inline.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and not attrs.get("src") and attrs.get("type") not in SCRIPT_DATA_TYPES:
            self.inline.append(f"<script {attrs}>")
            self._script = True
        if tag == "template" and "data-spero-init" in attrs:
            self.markers.append((attrs["data-spero-init"], attrs.get("data-spero-init-args")))

    def handle_data(self, data):
        if self._script:
            self.inline[-1] += data.strip()[:200]

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = False


def parse(html):
    parser = AdminHTML()
    parser.feed(str(html))
    parser.close()
    for name, args in parser.markers:
        assert name in admin_widgets.INITIALISERS
        assert isinstance(json.loads(args), list)
    return parser


def assert_no_inline_script(html, where):
    found = parse(html)
    assert found.inline == [], f"{where}: inline script\n" + "\n".join(found.inline)
    return found.markers


def names(markers):
    return {name for name, _ in markers}


# -- every widget and panel whose inline script is replaced ---------------------------------


@pytest.mark.parametrize(
    ("widget", "initialiser"),
    [
        (AdminDateInput(), "initDateChooser"),
        (AdminTimeInput(), "initTimeChooser"),
        (AdminDateTimeInput(), "initDateTimeChooser"),
    ],
)
def test_date_and_time_widgets_render_a_marker(widget, initialiser):
    html = widget.render("when", None, attrs={"id": "id_when"})
    assert html.startswith('<input type="text" name="when"')
    markers = assert_no_inline_script(html, type(widget).__name__)
    [(name, args)] = markers
    assert name == initialiser
    element_id, config = json.loads(args)
    assert element_id == "id_when" and config == widget.get_config()


@pytest.mark.parametrize(
    ("make_widget", "initialiser"),
    [
        (lambda: AdminPageChooser(), "PageChooser"),
        (lambda: AdminImageChooser(), "ImageChooser"),
        (lambda: AdminDocumentChooser(), "DocumentChooser"),
        (lambda: AdminSnippetChooser(Petition), "SnippetChooser"),
        (lambda: AdminTaskChooser(), "createTaskChooser"),
    ],
)
def test_choosers_render_a_marker_with_wagtails_arguments(client, make_widget, initialiser):
    client.get("/admin/login/")  # the admin's URLs and hooks are loaded
    widget = make_widget()
    html = widget.render("chosen", None, attrs={"id": "id_chosen"})
    [(name, args)] = assert_no_inline_script(html, type(widget).__name__)
    assert name == initialiser
    call = f"{name}({', '.join(json.dumps(arg) for arg in json.loads(args))});"
    assert widget.render_js_init("id_chosen", "chosen", None) in (call, f"new {call}")
    # StreamField's choosers come from render_html (telepath starts them): no marker there.
    assert "data-spero-init" not in widget.render_html("chosen", None, {"id": "id_chosen"})


def test_an_unknown_chooser_keeps_wagtails_script():
    class OwnChooser(AdminPageChooser):
        js_constructor = "OwnChooser"

    html = OwnChooser().render("chosen", None, attrs={"id": "id_chosen"})
    assert "<script>new OwnChooser(" in html and "data-spero-init" not in html


def test_the_inline_and_multiple_chooser_panels_render_a_marker(superuser, rf):
    statistic = Statistic.objects.create(title="Selvmord", unit="dødsfall", source_name="FHI")
    statistic.points.create(year=2023, value=650)
    panels = {
        "InlinePanel": Statistic.panels[-1],
        "MultipleChooserPanel": MultipleChooserPanel(
            "points",
            chooser_field_name="year",
            panels=[FieldPanel("year", widget=AdminPageChooser()), FieldPanel("value")],
        ),
    }
    request = rf.get("/admin/")
    request.user = superuser
    for initialiser, panel in panels.items():
        panel = panel.bind_to_model(Statistic)
        form = panel.get_form_class()(instance=statistic, for_user=superuser)
        bound = panel.get_bound_panel(instance=statistic, form=form, request=request)
        markers = assert_no_inline_script(bound.render_html(), initialiser)
        options = [json.loads(args)[0] for name, args in markers if name == initialiser]
        assert [o["formsetPrefix"] for o in options] == ["id_points"], markers


def test_the_python_and_javascript_lists_of_initialisers_are_the_same():
    from django.contrib.staticfiles import finders

    script = Path(finders.find(admin_widgets.SCRIPT)).read_text(encoding="utf-8")
    listed = script.split("const INITIALISERS = {", 1)[1].split("};", 1)[0]
    assert set(re.findall(r"^\s+(\w+):", listed, re.MULTILINE)) == admin_widgets.INITIALISERS


# -- every admin page -----------------------------------------------------------------------

SKIPPED = {
    "wagtailadmin_logout",
    "wagtailadmin_error_test",  # raises on purpose
}


def admin_pages_without_arguments():
    """Every admin URL that takes no argument (listings, add forms, reports, settings)."""

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}".strip(":")
                if not pattern.pattern.regex.groups and name not in SKIPPED:
                    yield name

    admin = next(p for p in get_resolver().url_patterns if str(p.pattern) == "admin/")
    return sorted(set(walk(admin.url_patterns, "admin/", "")))


def html_of(response):
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return None
    return response.content.decode()


def test_no_admin_page_without_arguments_has_an_inline_script(admin_client, demo_site):
    seen = 0
    for name in admin_pages_without_arguments():
        url = reverse(name)
        html = html_of(admin_client.get(url))
        if html is None:
            continue
        assert_no_inline_script(html, url)
        seen += 1
    assert seen > 30  # listings, add forms and reports really were looked at


def edit_views(image):
    """The admin's edit and add forms of this site's models, with the markers each must hold."""
    parents = list(Page.objects.specific())
    pages = parents[1:]  # not the tree's root
    for page in pages:
        yield reverse("wagtailadmin_pages:edit", args=[page.pk]), {"initDateTimeChooser"}
    for model in {type(page) for page in pages}:
        parent = next((p for p in parents if model.can_create_at(p)), None)
        if parent is None:
            continue  # one of a kind (max_count), and it exists
        url = reverse(
            "wagtailadmin_pages:add",
            args=[model._meta.app_label, model._meta.model_name, parent.pk],
        )
        yield url, {"initDateTimeChooser"}
    statistic = Statistic.objects.filter(points__isnull=False).first()
    yield reverse("wagtailsnippets_pages_statistic:edit", args=[statistic.pk]), {"InlinePanel"}
    yield reverse("wagtailsnippets_pages_statistic:add"), {"InlinePanel"}
    petition = Petition.objects.first()
    yield (
        reverse("wagtailsnippets_campaigns_petition:edit", args=[petition.pk]),
        {"initDateTimeChooser"},
    )
    yield reverse("wagtailsnippets_campaigns_petition:add"), {"initDateTimeChooser"}
    event = Event.objects.first()
    yield reverse("wagtailsnippets_events_event:edit", args=[event.pk]), {"initDateTimeChooser"}
    yield reverse("wagtailsnippets_events_event:add"), {"initDateTimeChooser"}
    yield (
        reverse("wagtailsettings:edit", args=["pages", "organisationsettings", demo_site_pk()]),
        {"PageChooser"},
    )
    yield reverse("wagtailimages:edit", args=[image.pk]), set()
    yield reverse("wagtailadmin_workflows:add"), {"createTaskChooser"}
    yield reverse("wagtailredirects:add"), {"PageChooser"}


def demo_site_pk():
    from wagtail.models import Site

    return Site.objects.get(is_default_site=True).pk


def test_the_edit_forms_of_this_sites_models_start_their_widgets_from_markers(
    admin_client, demo_site
):
    assert OrganisationSettings.objects.exists()
    image = make_image()
    page_markers = set()
    for url, expected in edit_views(image):
        html = html_of(admin_client.get(url))
        assert html is not None, url
        markers = names(assert_no_inline_script(html, url))
        assert expected <= markers, (url, markers)
        page_markers |= markers
    # The social image (image), a campaign's petition (snippet) and a conference's event.
    assert {"ImageChooser", "SnippetChooser", "InlinePanel"} <= page_markers
