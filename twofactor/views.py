"""The second factor's admin pages: the code step after the password, enrolment (QR code and
recovery codes), the user's own overview, and a superuser's reset of someone else's."""

from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from spero_site.admin_refusal import refuse_with_403
from spero_site.error_reports import hides_personal_data
from spero_site.login_lockout import lockout_response
from twofactor import services
from twofactor.forms import CodeForm


def next_url(request):
    """Where to go after the second factor: the admin page asked for, never another site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("wagtailadmin_home")


def step_url(name, request):
    return f"{reverse(name)}?{urlencode({'next': next_url(request)})}"


def credentials(user):
    return {"username": user.get_username()}


@hides_personal_data
@sensitive_post_parameters("code")
def verify(request):
    user = request.user
    if user.is_verified():
        return redirect(next_url(request))
    if not services.has_second_factor(user):
        return redirect(step_url("twofactor_enrol", request))
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        # The code step counts towards the same lockout as the password (django-axes).
        if not AxesProxyHandler.is_allowed(request, credentials(user)):
            return lockout_response(request, credentials=credentials(user))
        if form.is_valid():
            try:
                device = services.verify(user, form.cleaned_data["code"])
            except services.WrongCode:
                user_login_failed.send(__name__, credentials=credentials(user), request=request)
                if getattr(request, "axes_locked_out", False):
                    return lockout_response(request, credentials=credentials(user))
                form.add_error("code", _("The code is wrong, expired or already used."))
            else:
                otp_login(request, device)
                AxesProxyHandler.user_logged_in(__name__, request=request, user=user)
                return redirect(next_url(request))
    return render(request, "twofactor/verify.html", {"form": form, "next": next_url(request)})


def qr_code_svg(device):
    # segno writes the SVG here, on the server: the secret never leaves for another host.
    return mark_safe(  # noqa: S308 - segno's own SVG of our own URL
        segno.make(device.config_url, error="m").svg_inline(scale=5, title=_("QR code"))
    )


@hides_personal_data
@sensitive_post_parameters("code")
def enrol(request):
    user = request.user
    # Someone with only the password must not replace the second factor they cannot pass.
    if services.has_second_factor(user) and not user.is_verified():
        return redirect(step_url("twofactor_verify", request))
    device = services.start_enrolment(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.confirm_enrolment(user, device.pk, form.cleaned_data["code"])
        except services.WrongCode:
            form.add_error("code", _("The code is wrong or expired. Try the newest code."))
        else:
            otp_login(request, device)
            # Shown once, in this response only: they are not kept where they can be read.
            return render(
                request,
                "twofactor/recovery_codes.html",
                {"codes": codes, "next": next_url(request)},
            )
    return render(
        request,
        "twofactor/enrol.html",
        {
            "form": form,
            "next": next_url(request),
            "qr_code": qr_code_svg(device),
            "secret": services.secret_base32(device),
            "required": services.is_required(user),
        },
    )


def overview(request):
    user = request.user
    return render(
        request,
        "twofactor/overview.html",
        {
            "has_second_factor": services.has_second_factor(user),
            "recovery_codes_left": services.recovery_codes_left(user),
            "required": services.is_required(user),
        },
    )


@require_POST
def renew_recovery_codes(request):
    try:
        codes = services.renew_recovery_codes(request.user)
    except services.NotAllowed:
        return redirect("twofactor_overview")
    return render(
        request,
        "twofactor/recovery_codes.html",
        {"codes": codes, "next": reverse("twofactor_overview")},
    )


@refuse_with_403
def reset(request, user_id):
    """GET asks to confirm, POST resets."""
    target = get_object_or_404(get_user_model(), pk=user_id)
    if not request.user.is_superuser:
        raise PermissionDenied
    if request.method != "POST":
        return render(
            request,
            "twofactor/reset.html",
            {"target": target, "has_second_factor": services.has_second_factor(target)},
        )
    try:
        services.reset(target, by=request.user)
    except services.NotAllowed as error:
        raise PermissionDenied from error
    messages.success(
        request,
        _("Two-step login for %(user)s is reset: they set it up again at their next login.")
        % {"user": target.get_username()},
    )
    return redirect("wagtailusers_users:index")
