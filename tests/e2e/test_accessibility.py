"""WCAG 2.1 AA as a reader's browser shows it: axe-core (tests/e2e/vendor/, see its README) runs
in Chromium on every public page type of the demo content and on every public form with its
errors shown, at a desktop width and at a narrow mobile one, with only the WCAG 2.0/2.1 A and AA
rules; and at 320 CSS px no page scrolls sideways (Reflow, which axe does not check). Every one
of those pages loads nothing from another host, and only pages with a form that carries a CSRF
token set a cookie: the CSRF cookie, nothing else (the opprop's form has none).

Each page or state is one entry in STATES (public_pages.py): how a person gets there, the status
the site answers with, and whether it sets the CSRF cookie."""

import hashlib
from pathlib import Path

import pytest

from events.models import Registration
from tests.e2e.conftest import same_origin
from tests.e2e.public_pages import MINE_DATA_FORM, STATES, form_sent, own_email

AXE_PATH = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_VERSION = "4.14.1"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "mobile": {"width": 375, "height": 667}}
# WCAG 2.1 1.4.10 Reflow, which axe does not check: at 320 CSS px nothing scrolls sideways.
REFLOW_VIEWPORT = {"width": 320, "height": 568}


def axe_source():
    source = AXE_PATH.read_bytes()
    digest = hashlib.sha256(source).hexdigest()
    assert digest == AXE_SHA256, f"{AXE_PATH} is not axe-core {AXE_VERSION} (see vendor/README.md)"
    return source.decode()


def axe_violations(page):
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now. The script is evaluated
    through the DevTools protocol, not added as a <script>: the site's Content-Security-Policy
    allows no inline script, and the page is audited as the reader gets it."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
        assert page.evaluate("() => window.axe.version") == AXE_VERSION
    results = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                      resultTypes: ['violations']})
                 .then(results => ({
                     passes: results.passes.map(rule => rule.id),
                     violations: results.violations.map(v => ({
                         id: v.id, impact: v.impact, help: v.help,
                         nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html,
                                                   summary: n.failureSummary}))}))}))""",
        WCAG_21_AA,
    )
    # A run that checked nothing would find nothing: the page's text, title and language were.
    assert {"color-contrast", "document-title", "html-has-lang"} <= set(results["passes"]), (
        page.url,
        results["passes"],
    )
    return results["violations"]


def sideways_overflow(page):
    """What sticks out to the right of a page that scrolls sideways (empty when it does not)."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            if (document.documentElement.scrollWidth <= width) return [];
            return [...document.body.querySelectorAll('*')]
                .filter(el => el.getBoundingClientRect().right > width + 0.5)
                .slice(0, 8)
                .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
                           + ': ' + (el.innerText || '').trim().slice(0, 60));
        }"""
    )


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"  {node['target']}: {node['html'][:160]}")
            lines.append("    " + (node["summary"] or "").replace("\n", "\n    "))
        if len(violation["nodes"]) > 5:
            lines.append(f"  … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def test_the_vendored_axe_core_is_the_pinned_release():
    assert hashlib.sha256(AXE_PATH.read_bytes()).hexdigest() == AXE_SHA256
    assert f"/*! axe v{AXE_VERSION}" in AXE_PATH.read_text()[:40]


@pytest.mark.parametrize("state", STATES, ids=[state.id for state in STATES])
def test_no_wcag_21_aa_violations(page, site, state):
    response = state.visit(page)
    assert response.status == state.status, page.url
    page.wait_for_load_state()
    found = {}
    for name, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        violations = axe_violations(page)
        if violations:
            found[name] = describe(violations)
    report = "\n".join(f"[{name}] {page.url}\n{text}" for name, text in found.items())
    assert not found, f"axe found WCAG 2.1 AA violations:\n{report}"
    page.set_viewport_size(REFLOW_VIEWPORT)
    assert sideways_overflow(page) == [], f"{page.url} scrolls sideways at 320px"


def test_no_page_loads_anything_from_another_host_and_only_forms_set_a_cookie(browser, site):
    """Each page in a fresh browser, as a new reader: every request to the site itself, and no
    cookie but Django's CSRF cookie, and that only where the page has a form."""
    seen = {}
    for state in STATES:
        context = browser.new_context(locale="nb-NO", base_url=site.url)
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.requests_seen = []
        page.on("request", lambda request, page=page: page.requests_seen.append(request.url))
        try:
            status = state.visit(page).status
            page.wait_for_load_state()
            seen[state.id] = {
                "status": status,
                "cookies": sorted(cookie["name"] for cookie in context.cookies()),
                "other hosts": same_origin(page, site.url),
            }
        finally:
            context.close()
    expected = {
        state.id: {
            "status": state.status,
            "cookies": ["csrftoken"] if state.csrf_cookie else [],
            "other hosts": [],
        }
        for state in STATES
    }
    assert seen == expected


def test_forms_on_private_pages_can_be_sent(page, site):
    """«Mine data» asks for a link, and a person leaves the waiting list from their own page:
    both POSTs from pages that send no referrer to other hosts (Referrer-Policy: same-origin).
    With no-referrer the browser sent `Origin: null` and Django's CSRF check refused them."""
    statuses = {"mine-data": form_sent(*MINE_DATA_FORM, own_email)(page).status}
    waiting = Registration.objects.filter(status=Registration.Status.WAITING).first()
    own_page = f"/pamelding/min/{waiting.token}/"
    statuses["registration-own-page"] = form_sent(own_page, "Meld meg av ventelisten")(page).status
    assert statuses == {"mine-data": 200, "registration-own-page": 200}
