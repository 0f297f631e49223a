"""The admin speaks Norwegian to editors, offers the statistics and organisation settings, and the
run command's admin account is made once."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from pages.models import OrganisationSettings

pytestmark = pytest.mark.django_db


def test_admin_is_in_norwegian(admin_client):
    html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert '<html lang="nb"' in html
    assert "Sider" in html and "Bilder" in html


def test_login_page_is_in_norwegian(client):
    assert "Logg inn" in client.get(reverse("wagtailadmin_login")).content.decode()


def test_statistics_are_edited_as_snippets(admin_client):
    response = admin_client.get(reverse("wagtailsnippets_pages_statistic:add"))
    assert response.status_code == 200
    assert "Tall" in response.content.decode()


def test_organisation_settings_reject_a_bad_account_number(admin_client, home_page):
    site_id = home_page.get_site().pk
    url = reverse("wagtailsettings:edit", args=["pages", "organisationsettings", site_id])
    response = admin_client.post(url, {"bank_account": "1234 56 78901", "phone": "+47 1"})
    assert response.status_code == 200
    assert "Skriv et gyldig kontonummer (elleve sifre)." in response.content.decode()
    response = admin_client.post(url, {"bank_account": "1234 56 78903", "organisation_number": ""})
    assert response.status_code == 302
    assert OrganisationSettings.objects.get(site_id=site_id).bank_account == "1234 56 78903"


def test_ensure_admin_creates_the_account_once_and_prints_the_password_once(monkeypatch):
    monkeypatch.delenv("SPERO_ADMIN_PASSWORD", raising=False)
    first, second = io.StringIO(), io.StringIO()
    call_command("ensure_admin", stdout=first)
    password = first.getvalue().split("password: ")[1].split()[0]
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password(password)
    call_command("ensure_admin", stdout=second)
    assert password not in second.getvalue()
    assert get_user_model().objects.filter(username="admin").count() == 1
    user.refresh_from_db()
    assert user.check_password(password)


def test_ensure_admin_takes_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("SPERO_ADMIN_PASSWORD", "fra-miljoet-123")
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    assert "fra-miljoet-123" not in out.getvalue()
    assert get_user_model().objects.get(username="admin").check_password("fra-miljoet-123")
