"""Staff and volunteers in a real browser: a volunteer («Redaktør») logs in to /admin/, edits and
publishes a page and sees the change on the site; a staff member («Ansatt») sets up the second
factor at the first login, logs in again with a code computed from the key the page showed, and
downloads a conference's waiting list as CSV whose file holds its rows. Neither meets a
Content-Security-Policy violation (no gravatar, nothing from another host)."""

import base64
import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.oath import totp

from events.models import Event, Registration

PASSWORD = "et-langt-passord-for-test"


def member_of(group_name, username):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def csp_violations(page):
    """Every Content-Security-Policy violation the browser reports on the page."""
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(f"{page.url} {message.location.get('url')}: {message.text[:90]}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return found


def authenticator_code(secret, steps_ahead=0):
    """What an authenticator app shows for this base32 secret (RFC 6238: 30 s, 6 digits); a
    code one step ahead is accepted too, for a second login within the same 30 seconds."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, drift=steps_ahead):06d}"


def log_in(page, username, *, secret=None):
    """The admin login as a person does it: the password, then the second factor where the
    account needs it. Without a secret, a staff account enrols on the way (the key read from
    the page); returns the secret, for a later login."""
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()
    if "/admin/2fa/ny/" in page.url:
        secret = page.locator("[data-secret]").inner_text()
        page.get_by_label("Kode").fill(authenticator_code(secret))
        page.get_by_role("button", name="Bekreft").click()
        page.get_by_role("link", name="Jeg har tatt vare på dem – fortsett").click()
    elif "/admin/2fa/" in page.url:
        page.get_by_label("Kode").fill(authenticator_code(secret, steps_ahead=1))
        page.get_by_role("button", name="Fortsett").click()
    page.wait_for_url("**/admin/")
    return secret


def test_a_volunteer_edits_and_publishes_a_page(page, site, csp_violations):
    member_of("Redaktør", "frivillig")
    log_in(page, "frivillig")
    assert page.get_by_role("link", name="Personopplysninger").count() == 0

    from pages.models import StandardPage

    vision = StandardPage.objects.get(slug="visjon")
    page.goto(f"/admin/pages/{vision.pk}/edit/")
    title = page.locator("#id_title")
    title.fill("Vår visjon for Bergen")
    page.get_by_role("button", name="Flere handlinger").click()
    page.get_by_role("button", name="Publiser").click()
    page.wait_for_url("**/admin/pages/**")
    vision.refresh_from_db()
    assert vision.title == "Vår visjon for Bergen" and vision.live

    page.goto("/visjon/")
    assert page.get_by_role("heading", level=1).inner_text() == "Vår visjon for Bergen"
    assert csp_violations == [], "\n".join(csp_violations)


def test_a_staff_member_downloads_a_waiting_list(page, site, csp_violations):
    member_of("Ansatt", "stab")
    event = Event.objects.get(slug="jubileumskonferanse")
    waiting = list(
        Registration.objects.filter(event=event, status=Registration.Status.WAITING)
        .order_by("-priority", "created_at", "pk")
        .values_list("name", flat=True)
    )
    assert waiting
    secret = log_in(page, "stab")
    assert page.locator("[data-recovery-codes]").count() == 0
    page.context.clear_cookies()  # a new browser session
    log_in(page, "stab", secret=secret)
    page.get_by_role("button", name="Personopplysninger").click()
    page.get_by_role("link", name="Påmeldinger").click()
    page.wait_for_url("**/admin/**")
    page.locator("header [data-w-dropdown-target='toggle']").first.click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned ventelisten (CSV)").click()
    download = download_info.value
    rows = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    assert [row for row in rows[1:] if row] and len(rows) - 1 == len(waiting)
    names = {cell for row in rows[1:] for cell in row}
    assert set(waiting) <= names
    assert csp_violations == [], "\n".join(csp_violations)
