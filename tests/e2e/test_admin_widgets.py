"""Wagtail's admin widgets work under `script-src 'self'` (spero_site/admin_widgets.py and
static/js/admin-init.js): logged in as a superuser, the date pickers of an event, a petition and
a page's publishing schedule open, the page, image, snippet and task choosers open their modal
(one, so nothing was started twice), the inline panels add a form whose widgets work too, the
preview panel shows the page and its checks run, and the browser reports no
Content-Security-Policy violation and no script error. StreamField's widgets are left to
telepath: no marker starts one of them."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect
from wagtail.models import Site

from campaigns.models import Petition
from events.models import Event
from pages.models import CampaignPage, Statistic, StatisticsPage
from tests.e2e.conftest import same_origin
from tests.e2e.test_admin import PASSWORD, log_in

# Before any of the page's scripts: records CSP violations, and every start of a widget that
# goes through the globals admin-init.js calls (telepath's choosers do not; its date pickers do).
RECORDER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:` +
    `${event.lineNumber} ${event.sample}`);
});
window.__starts = [];
const record = (name, args) => {
  const first = args[0];
  window.__starts.push([name, typeof first === "string" ? first : first && first.formsetPrefix]);
};
for (const name of ["initDateChooser", "initTimeChooser", "initDateTimeChooser",
                    "createTaskChooser"]) {
  let fn;
  Object.defineProperty(window, name, {
    configurable: true,
    get: () => fn && ((...args) => { record(name, args); return fn(...args); }),
    set: (value) => { fn = value; },
  });
}
for (const name of ["InlinePanel", "MultipleChooserPanel", "Chooser", "PageChooser",
                    "ImageChooser", "DocumentChooser", "SnippetChooser"]) {
  let cls;
  Object.defineProperty(window, name, {
    configurable: true,
    get: () => cls,
    set: (value) => {
      cls = new Proxy(value, {
        construct(target, args, newTarget) {
          record(name, args);
          return Reflect.construct(target, args, newTarget);
        },
      });
    },
  });
}
"""

MARKER_IDS = """[...document.querySelectorAll("template[data-spero-init]")].map((marker) => {
  const first = JSON.parse(marker.dataset.speroInitArgs)[0];
  return typeof first === "string" ? first : first.formsetPrefix;
})"""


@pytest.fixture
def admin(page, site):
    get_user_model().objects.create_superuser("admin", "admin@example.org", PASSWORD)
    page.add_init_script(RECORDER)
    page.script_errors = []
    page.on("pageerror", lambda error: page.script_errors.append(f"{page.url}: {error}"))
    page.on(
        "console",
        lambda message: (
            page.script_errors.append(f"{page.url}: {message.text[:200]}")
            if message.type == "error"
            else None
        ),
    )
    log_in(page, "admin")
    # The dashboard a superuser lands on: no call to releases.wagtail.org (the CSP would refuse
    # it; WAGTAIL_ENABLE_UPDATE_CHECK is off) and no other refusal or error.
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__csp") == [], page.evaluate("window.__csp")
    assert page.script_errors == [], page.script_errors
    assert same_origin(page, site.url) == []
    return page


def script_src(response):
    policy = response.headers["content-security-policy"]
    return next(part.split()[1:] for part in policy.split(";") if part.split()[0] == "script-src")


def open_admin(page, url):
    response = page.goto(url)
    assert response.ok, url
    assert script_src(response) == ["'self'"], url
    page.wait_for_load_state("load")
    return response


def assert_started_once(page):
    """No CSP violation or script error; every marker on the page started, each widget once;
    none inside a StreamField (telepath starts those itself)."""
    assert page.evaluate("window.__csp") == [], page.evaluate("window.__csp")
    assert page.script_errors == [], "\n".join(page.script_errors)
    started = [element_id for _, element_id in page.evaluate("window.__starts")]
    assert len(started) == len(set(started)), started
    markers = page.evaluate(MARKER_IDS)
    assert markers and set(markers) <= set(started), (markers, started)
    assert not [element_id for element_id in started if "body-" in element_id], started
    return started


def assert_picker_opens(page, field_id):
    field = page.locator(f"#{field_id}")
    field.click()
    picker = page.locator(".xdsoft_datetimepicker:visible")
    picker.first.wait_for()
    assert picker.count() == 1, field_id
    picker.locator(".xdsoft_date:not(.xdsoft_disabled)").nth(10).click()
    assert field.input_value(), field_id  # the picker filled in the field
    field.blur()  # leaving the field closes it
    picker.first.wait_for(state="hidden")


def assert_chooser_opens(page, field_id):
    """The chooser's button opens its modal, and one modal only."""
    chooser = page.locator(f"#{field_id}-chooser")
    if "blank" not in (chooser.get_attribute("class") or "").split():
        chooser.locator("[data-w-dropdown-target='toggle']").click()
    chooser.locator("[data-chooser-action-choose]:visible").click()
    modal = page.locator(".modal:visible")
    modal.locator(".modal-body header, .modal-body h1, .modal-body form").first.wait_for()
    assert modal.count() == 1, field_id
    modal.locator("button.close, [data-dismiss='modal']").first.click()
    modal.first.wait_for(state="hidden")


def add_inline_form(page, prefix):
    children = page.locator(f"#{prefix}-FORMS > [data-inline-panel-child]:not(.deleted)")
    before = children.count()
    page.locator(f"#{prefix}-ADD").click()
    assert children.count() == before + 1
    return before


def test_snippets_inline_panel_and_date_pickers(admin):
    statistic = Statistic.objects.filter(points__isnull=False).first()
    open_admin(admin, reverse("wagtailsnippets_pages_statistic:edit", args=[statistic.pk]))
    assert_started_once(admin)
    index = add_inline_form(admin, "id_points")
    admin.locator(f"#id_points-{index}-year").fill("2030")
    admin.locator(f"#id_points-{index}-value").fill("12")
    started = assert_started_once(admin)
    assert started.count("id_points") == 1
    admin.locator("form[data-edit-form] button[type='submit']").first.click()
    admin.wait_for_url("**/admin/snippets/pages/statistic/")
    assert statistic.points.filter(year=2030, value=12).exists()

    event = Event.objects.get(slug="jubileumskonferanse")
    open_admin(admin, reverse("wagtailsnippets_events_event:edit", args=[event.pk]))
    for field in ("id_starts_at", "id_ends_at", "id_registration_closes_at"):
        assert_picker_opens(admin, field)
    assert_started_once(admin)

    petition = Petition.objects.first()
    open_admin(admin, reverse("wagtailsnippets_campaigns_petition:edit", args=[petition.pk]))
    for field in ("id_opens_at", "id_closes_at"):
        assert_picker_opens(admin, field)
    assert_started_once(admin)


def test_page_choosers_schedule_and_streamfield(admin):
    campaign = CampaignPage.objects.first()
    open_admin(admin, reverse("wagtailadmin_pages:edit", args=[campaign.pk]))
    assert_started_once(admin)
    assert_chooser_opens(admin, "id_petition")  # a snippet chooser
    admin.get_by_role("tab", name="Fremhev").click()  # Promote
    assert_chooser_opens(admin, "id_social_image")

    # The publishing schedule: its dialog comes from a <template> once the page has started.
    admin.locator("[data-side-panel-toggle='status']").first.click()
    admin.locator("[data-a11y-dialog-show='schedule-publishing-dialog']:visible").first.click()
    for field in ("id_go_live_at", "id_expire_at"):
        assert_picker_opens(admin, field)
    assert_started_once(admin)
    admin.locator("#schedule-publishing-dialog .w-dialog__close-button").click()

    # The preview panel frames the page as readers see it, and the checks panel runs axe in
    # it, without 'unsafe-eval'.
    admin.locator("[data-side-panel-toggle='preview']").first.click()
    preview = admin.frame_locator("#w-preview-iframe")
    assert preview.get_by_role("heading", level=1).inner_text() == campaign.title
    admin.locator("[data-side-panel-toggle='checks']").first.click()
    expect(admin.locator("[data-content-word-count]")).not_to_have_text("-")  # checks ran
    frame = next(f for f in admin.frames if "preview" in f.url)
    assert frame.evaluate("window.__csp") == [], frame.evaluate("window.__csp")
    assert_started_once(admin)

    # A StreamField block's snippet chooser is telepath's: it opens one modal.
    statistics = StatisticsPage.objects.first()
    open_admin(admin, reverse("wagtailadmin_pages:edit", args=[statistics.pk]))
    assert_started_once(admin)
    chooser = admin.locator("[id^='body-'][id$='-statistic-chooser']").first
    assert_chooser_opens(admin, chooser.get_attribute("id").removesuffix("-chooser"))
    assert_started_once(admin)


def test_settings_page_chooser_and_a_workflows_added_task(admin):
    site = Site.objects.get(is_default_site=True)
    open_admin(
        admin, reverse("wagtailsettings:edit", args=["pages", "organisationsettings", site.pk])
    )
    assert_chooser_opens(admin, "id_privacy_page")
    assert_started_once(admin)

    # A form added by the inline panel brings its own chooser, started from its marker.
    open_admin(admin, reverse("wagtailadmin_workflows:add"))
    index = add_inline_form(admin, "id_workflow_tasks")
    assert_chooser_opens(admin, f"id_workflow_tasks-{index}-task")
    started = assert_started_once(admin)
    assert f"id_workflow_tasks-{index}-task" in started
