import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse

HEALTH_CHECK_PATH = "/healthz"


class HealthCheckMiddleware:
    """Answers /healthz first, before host validation and the HTTPS redirect, so that a load
    balancer calling a container by its IP address over plain HTTP learns whether the app can
    reach its database: 200 when it can, 503 when it cannot."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != HEALTH_CHECK_PATH:
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            response = JsonResponse({"status": "error", "database": "unreachable"}, status=503)
        else:
            response = JsonResponse({"status": "ok"})
        response["Cache-Control"] = "no-store"
        return response


PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


def content_security_policy(*, admin, frame_ancestors):
    """The site's Content-Security-Policy: everything from the site itself. No page may run an
    inline script; the public pages allow no inline style either, while the Wagtail admin keeps
    'unsafe-inline' for styles only. A donation form may send the donor on to Vipps
    (form-action covers the redirect after the POST)."""
    vipps = urlsplit(settings.VIPPS_API_URL)
    form_action = ["'self'"] if admin else ["'self'", "https://*.vipps.no"]
    if not admin and vipps.scheme and vipps.netloc:
        form_action.append(f"{vipps.scheme}://{vipps.netloc}")
    directives = {
        "default-src": ["'self'"],
        # The admin's widgets start without inline scripts too (spero_site/admin_widgets.py).
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"] if admin else ["'self'"],
        "img-src": ["'self'", "data:", "blob:"] if admin else ["'self'", "data:"],
        "font-src": ["'self'", "data:"] if admin else ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"] if admin else ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": form_action,
        "frame-ancestors": [frame_ancestors],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


@functools.lru_cache(maxsize=16)
def cached_policy(admin, frame_ancestors, vipps_api_url):
    """The policy for these arguments, built once (the Vipps origin is in it, so a changed
    VIPPS_API_URL gets its own)."""
    return content_security_policy(admin=admin, frame_ancestors=frame_ancestors)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response, first in the chain so
    that health checks, static files and error pages get them too (Django's SecurityMiddleware
    adds nosniff, Referrer-Policy, Cross-Origin-Opener-Policy and, in production over HTTPS,
    HSTS; this adds them where it did not run). Pages that may be framed by the site itself
    (Wagtail's preview, which sets X-Frame-Options SAMEORIGIN, and the page it renders for it)
    get frame-ancestors 'self'; every other page none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        admin = request.path.startswith("/admin/")
        # Wagtail renders a preview (or a draft) through this chain again, for a dummy request
        # to the page's own address; this inner policy is the one the response keeps, and the
        # admin's preview panel frames it.
        preview = getattr(request, "is_dummy", False)
        sameorigin = response.get("X-Frame-Options") == "SAMEORIGIN"
        framing = "'self'" if preview or sameorigin else "'none'"
        policy = cached_policy(admin, framing, settings.VIPPS_API_URL)
        response.setdefault("Content-Security-Policy", policy)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # What SecurityMiddleware adds, for the answers it never sees (the health check).
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        response.setdefault(
            "Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
        )
        if settings.SECURE_HSTS_SECONDS and request.is_secure():
            response.setdefault("Strict-Transport-Security", self.hsts)
        return response

    @property
    def hsts(self):
        value = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            value += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            value += "; preload"
        return value
