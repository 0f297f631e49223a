"""The second factor at the admin login (twofactor/): staff and superusers reach no admin page
without it, codes are checked once, the lockout counts wrong codes, enrolment goes from the
admin, and a superuser can reset someone who lost their phone."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from tests.admin_helpers import log_in
from tests.test_roles import EDITOR, PASSWORD, STAFF, member, roles  # noqa: F401 - fixture
from twofactor import services

ADDRESS = "203.0.113.9"
HOME = reverse("wagtailadmin_home")
VERIFY = reverse("twofactor_verify")
ENROL = reverse("twofactor_enrol")


def code_for(device, *, steps_ahead=0):
    """The code an authenticator app shows now (or that many 30-second steps on)."""
    device.refresh_from_db()
    drift = device.drift + steps_ahead
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def password_login(username):
    browser = Client(REMOTE_ADDR=ADDRESS)
    response = browser.post(
        reverse("wagtailadmin_login"), {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content[:300]
    return browser


def enrolled(user):
    return TOTPDevice.objects.create(user=user, name="App", confirmed=True)


@pytest.fixture
def staff(roles):  # noqa: F811 - the fixture imported above
    return member("stab", STAFF)


ADMIN_PAGES = [
    HOME,
    reverse("wagtailadmin_explore_root"),
    reverse("wagtailusers_users:index"),
    reverse("registrations:index"),
    reverse("donation_intents:index"),
    reverse("twofactor_overview"),
]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_staff_without_a_device_reach_no_admin_page_only_enrolment(db, staff, path):
    browser = password_login("stab")
    response = browser.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL + "?next=")


def test_the_steps_get_the_icons_and_translations_their_scripts_fetch(staff):
    browser = password_login("stab")
    for name in ("wagtailadmin_sprite", "wagtailadmin_javascript_catalog"):
        response = browser.get(reverse(name))
        assert response.status_code == 200, name
        assert b"<form" not in response.content


def test_staff_with_a_device_must_enter_a_code_and_cannot_re_enrol_with_the_password(staff):
    enrolled(staff)
    browser = password_login("stab")
    response = browser.get(reverse("donation_intents:index"))
    assert response["Location"].startswith(VERIFY + "?next=")
    # Enrolment would replace the device: not with the password alone.
    assert browser.get(ENROL)["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_enrolment_from_the_secret_then_the_admin(staff):
    browser = password_login("stab")
    page = browser.get(ENROL + "?next=/admin/pages/").content.decode()
    assert "<svg" in page and 'lang="nb"' in page
    secret = re.search(r"<code data-secret>([A-Z2-7]+)</code>", page).group(1)
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert services.secret_base32(device) == secret
    wrong = browser.post(ENROL, {"code": "000000", "next": "/admin/pages/"})
    assert "Koden er feil" in wrong.content.decode()
    assert browser.get(HOME).status_code == 302
    device.throttling_failure_count = 0
    device.save()
    done = browser.post(ENROL, {"code": code_for(device), "next": "/admin/pages/"})
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert 'href="/admin/pages/"' in done.content.decode()
    assert browser.get(HOME).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert services.recovery_codes_left(staff) == 10


def test_a_wrong_code_and_a_reused_code_are_refused(staff):
    device = enrolled(staff)
    browser = password_login("stab")
    response = browser.post(VERIFY, {"code": code_for(device, steps_ahead=5)})
    assert response.status_code == 200
    assert "Koden er feil, utløpt eller allerede brukt." in response.content.decode()
    assert browser.get(HOME).status_code == 302
    device.throttling_failure_count = 0
    device.save()

    code = code_for(device)
    assert browser.post(VERIFY, {"code": code, "next": HOME})["Location"] == HOME
    assert browser.get(HOME).status_code == 200

    # The same code again, in a new session: refused, even though it is still current.
    other = password_login("stab")
    response = other.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert other.get(HOME).status_code == 302


def test_a_recovery_code_works_once(staff):
    enrolled(staff)
    (code, *_rest) = services.renew_recovery_codes(staff)
    browser = password_login("stab")
    assert browser.post(VERIFY, {"code": code.upper()})["Location"] == HOME
    assert services.recovery_codes_left(staff) == 9
    again = password_login("stab")
    assert again.post(VERIFY, {"code": code}).status_code == 200
    assert again.get(HOME).status_code == 302


def test_wrong_codes_count_towards_the_login_lockout(staff, settings):
    device = enrolled(staff)
    browser = password_login("stab")
    for attempt in range(1, settings.AXES_FAILURE_LIMIT):
        assert browser.post(VERIFY, {"code": "123456"}).status_code == 200, attempt
    locked = browser.post(VERIFY, {"code": "123456"})
    assert locked.status_code == 429 and "data-locked-out" in locked.content.decode()
    device.throttling_failure_count = 0
    device.save()
    # Locked: the right code is refused as well, and so is the password step.
    assert browser.post(VERIFY, {"code": code_for(device)}).status_code == 429
    assert browser.get(HOME).status_code == 302
    response = Client(REMOTE_ADDR=ADDRESS).post(
        reverse("wagtailadmin_login"), {"username": "stab", "password": PASSWORD}
    )
    assert response.status_code == 429


def test_a_volunteer_may_opt_in_and_then_must_pass_it(roles):  # noqa: F811
    volunteer = member("frivillig", EDITOR)
    browser = password_login("frivillig")
    assert browser.get(HOME).status_code == 200
    assert browser.get(reverse("twofactor_overview")).status_code == 200
    enrolled(volunteer)
    assert browser.get(HOME).status_code == 302
    assert password_login("frivillig").get(HOME)["Location"].startswith(VERIFY)


def test_next_never_leads_to_another_site(staff):
    device = enrolled(staff)
    browser = password_login("stab")
    response = browser.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == HOME
    assert browser.get(VERIFY + "?next=//evil.example/x")["Location"] == HOME


def test_superusers_need_it_too(db):
    get_user_model().objects.create_superuser("sjef", "sjef@example.org", PASSWORD)
    assert password_login("sjef").get(HOME)["Location"].startswith(ENROL)


def test_a_superuser_resets_a_lost_phone_and_it_is_in_the_audit_log(client, staff):
    enrolled(staff)
    services.renew_recovery_codes(staff)
    boss = get_user_model().objects.create_superuser("sjef", "sjef@example.org", PASSWORD)
    log_in(client, boss)
    listing = client.get(reverse("wagtailusers_users:index")).content.decode()
    assert reverse("twofactor_reset", args=[staff.pk]) in listing
    url = reverse("twofactor_reset", args=[staff.pk])
    assert "Tilbakestill totrinnsinnlogging" in client.get(url).content.decode()
    assert client.post(url)["Location"] == reverse("wagtailusers_users:index")
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticToken.objects.filter(device__user=staff).exists()
    entry = ModelLogEntry.objects.get(action=services.RESET_ACTION)
    assert (entry.user_id, entry.object_id) == (boss.pk, str(staff.pk))
    assert password_login("stab").get(HOME)["Location"].startswith(ENROL)


def test_only_a_superuser_may_reset(client, staff):
    other = member("stab2", STAFF)
    enrolled(other)
    log_in(client, staff)
    assert client.post(reverse("twofactor_reset", args=[other.pk])).status_code == 403
    assert TOTPDevice.objects.filter(user=other).exists()
    listing = client.get(reverse("wagtailusers_users:index"))
    assert reverse("twofactor_reset", args=[other.pk]) not in listing.content.decode()
