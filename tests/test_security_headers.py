"""Security headers on every kind of response: pages, forms, JSON, the admin, errors, the
webhook and the health check. No inline script is allowed anywhere, the Wagtail admin included
(its widgets start from static/js/admin-init.js); no inline style on the public site (the
admin keeps it); nothing may frame the site but the site's own preview."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def assert_secure(response, *, admin=False):
    for name, value in EXPECTED.items():
        if name == "Referrer-Policy" and response.get(name) == "same-origin":
            continue  # «Mine data»: no referrer to other hosts at all, stricter
        assert response.get(name) == value, name
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    csp = directives(response)
    assert csp["default-src"] == ["'self'"]
    # No inline script and no eval anywhere, the admin included (spero_site/admin_widgets.py).
    assert csp["script-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'self'"]
    assert csp["style-src"] == (["'self'", "'unsafe-inline'"] if admin else ["'self'"])
    return csp


@pytest.mark.parametrize(
    "path",
    ["/", "/stopp-stigma/", "/statistikk/", "/gi-en-gave/", "/mine-data/", "/finnes-ikke/"],
)
def test_public_pages_and_errors(client, demo_site, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    csp = assert_secure(response)
    assert csp["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_json_webhook_and_health_check(client, demo_site):
    for response in (
        client.get(reverse("campaigns:count", args=["stopp-stigma"])),
        client.post("/gave/vipps/webhook/", b"{}", content_type="application/json"),
        client.get("/healthz"),
    ):
        assert_secure(response)


def test_the_donation_form_may_send_the_donor_on_to_vipps_only(client, demo_site, settings):
    csp = assert_secure(client.get("/gi-en-gave/"))
    assert csp["form-action"][0] == "'self'"
    assert "https://*.vipps.no" in csp["form-action"]
    assert all("vipps" in source or source == "'self'" for source in csp["form-action"])


def test_the_admin_runs_no_inline_script_and_allows_inline_style(admin_client, demo_site):
    from pages.models import Statistic

    statistic = Statistic.objects.first()
    for path in (
        "/admin/",
        "/admin/login/",
        reverse("wagtailsnippets_pages_statistic:edit", args=[statistic.pk]),
    ):
        csp = assert_secure(admin_client.get(path), admin=True)
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["form-action"] == ["'self'"]
        assert "'unsafe-inline'" not in csp["script-src"]
        assert "'unsafe-eval'" not in csp["script-src"]


def test_the_preview_may_be_framed_by_the_admin_only(admin_client, demo_site):
    from pages.models import StandardPage

    page = StandardPage.objects.get(slug="visjon")
    response = admin_client.get(reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk]))
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert directives(response)["frame-ancestors"] == ["'self'"]


def test_the_page_a_preview_shows_may_be_framed_by_the_admin(rf, superuser, demo_site):
    """Wagtail renders the previewed page through the middleware again (a dummy request to the
    page's own address); that inner policy is the one the response keeps, so it must allow the
    admin's preview panel to frame it. It stays the public page's policy otherwise."""
    from pages.models import StandardPage

    page = StandardPage.objects.get(slug="visjon")
    request = rf.get(reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk]))
    request.user = superuser
    response = page.make_preview_request(request, page.default_preview_mode)
    assert response.status_code == 200
    csp = assert_secure(response)
    assert csp["frame-ancestors"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
