"""Sends an admin user who must pass a second factor, and has not in this session, to the
code step (or to enrolment) before any admin page. Only admin paths are looked at: public pages
cost nothing extra."""

import functools
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from twofactor import services

# What an admin user reaches before the second factor: logging in and out, the second
# factor's own steps, and the icons and translations those pages' scripts fetch.
OPEN_URL_NAMES = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
    "twofactor_verify",
    "twofactor_enrol",
}


@functools.cache
def admin_prefix():
    return reverse("wagtailadmin_home")


def attach_device(request, user):
    """What django-otp's OTPMiddleware does, on the user object itself rather than on a lazy
    wrapper around it (Wagtail's audit log must see the plain user): user.otp_device is the
    device that verified this session, or None; user.is_verified() says whether there is one."""
    OTPMiddleware._init_user_fields(user)
    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
    if persistent_id:
        device = Device.from_persistent_id(OTPMiddleware._normalize_persistent_id(persistent_id))
        user.otp_device = OTPMiddleware._finalize_device(request, user, device)


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(admin_prefix()) and request.user.is_authenticated:
            user = request.user
            attach_device(request, user)
            if not user.is_verified() and services.is_required(user) and not is_open(request):
                name = "twofactor_verify" if services.has_second_factor(user) else "twofactor_enrol"
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(name)}?{query}")
        return self.get_response(request)


def is_open(request):
    try:
        return resolve(request.path_info).url_name in OPEN_URL_NAMES
    except Resolver404:
        return False
