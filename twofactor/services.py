"""The second factor at the admin login (docs/operations.md, «Totrinnsinnlogging»): a TOTP
device from an authenticator app, and one-time recovery codes, both django-otp's models.

Superusers and members of TWOFACTOR_REQUIRED_GROUPS («Ansatt»: they can see personal data) must
pass it before any admin page; anyone else who has set it up (a «Redaktør» who opted in) must
pass it too, so that turning it on cannot be undone by a stolen password."""

import base64

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import log

RECOVERY_CODE_COUNT = 10
RESET_ACTION = "twofactor.reset"
TOTP_DEVICE_NAME = "Autentiseringsapp"
RECOVERY_DEVICE_NAME = "Gjenopprettingskoder"


class WrongCode(Exception):
    """The code matches no device of the user (wrong, expired, already used, or throttled)."""


class NotAllowed(Exception):
    """The user may not do this (resetting someone's second factor without being superuser)."""


def is_required(user):
    """Must this user pass a second factor before the admin? Superusers and the staff groups
    always; others once they have set one up."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or has_second_factor(user):
        return True
    return user.groups.filter(name__in=settings.TWOFACTOR_REQUIRED_GROUPS).exists()


def has_second_factor(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret_base32(device):
    """The secret as authenticator apps ask for it when typed in: base32, without padding."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


@transaction.atomic
def start_enrolment(user):
    """The unconfirmed device to enrol (the one already started, or a new one): nothing
    changes for the user until a code from it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def confirm_enrolment(user, device_id, code):
    """Confirms the device being enrolled with a code from it; it replaces any earlier device
    and a fresh set of recovery codes replaces the old. Returns (device, recovery codes).
    A wrong code raises WrongCode after the transaction, so the device's throttling counts it."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, pk=device_id, confirmed=False)
            .first()
        )
        if device is not None and device.verify_token(normalise_code(code)):
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            return device, _new_recovery_codes(user)
    raise WrongCode


def _new_recovery_codes(user):
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes


@transaction.atomic
def renew_recovery_codes(user):
    """A new set of recovery codes for a user who has a second factor; the old ones stop
    working."""
    if not has_second_factor(user):
        raise NotAllowed
    return _new_recovery_codes(user)


def normalise_code(code):
    return "".join(code.split()).lower()


def verify(user, code):
    """The device that accepts this code: the app's code (each only once) or an unused recovery
    code (then used up). Raises WrongCode, after the transaction so the throttling counts it."""
    code = normalise_code(code)
    with transaction.atomic():
        # Locked, so that one code cannot be used twice by two requests at once.
        devices = [
            *TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True),
            *StaticDevice.objects.select_for_update().filter(user=user, confirmed=True),
        ]
        for device in devices:
            if device.verify_token(code):
                return device
    raise WrongCode


@transaction.atomic
def reset(user, *, by):
    """Removes every device of the user (a lost phone and no recovery code left), so that they
    enrol again at their next login. Superusers only; recorded in the audit log."""
    if not by.is_superuser:
        raise NotAllowed
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    log(instance=user, action=RESET_ACTION, user=by, data={"username": user.get_username()})
