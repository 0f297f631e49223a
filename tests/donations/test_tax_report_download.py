"""The tax-deduction report's download in the admin: the page with its years, the CSV and
the workbook, the audit log entry, who may download it, and the fødselsnummer kept out of every
other page and export."""

import csv
import io
import json
import re

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from wagtail.models import ModelLogEntry

from donations.models import DonationIntent
from tests.admin_helpers import log_in, user_in_group
from tests.donations.tax_deduction_data import KARI, LEADING_ZERO, OLA, at, last_year, paid_gift

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(superuser):
    """Last year: Kari (two gifts, two e-mail addresses), Ola below the minimum, and a
    donor born on the 1st."""
    year = last_year()
    paid_gift(superuser, 300, KARI, when=at(year, 2, 1))
    paid_gift(superuser, 400, KARI, when=at(year, 9, 1), email="kari.nordmann@jobb.example")
    paid_gift(superuser, 200, OLA, when=at(year, 5, 1), name="Ola Nordmann")
    paid_gift(superuser, 30_000, LEADING_ZERO, when=at(year, 6, 1), name="Åse Ødegård")
    return year


def tax_url(**params):
    url = reverse("donations_admin:tax_report")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_the_page_offers_the_years_with_last_year_chosen(admin_client, reported):
    response = admin_client.get(tax_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'<option value="{reported}" selected>', html)
    assert f'<option value="{reported + 1}"' in html
    assert 'value="csv"' in html and 'value="xlsx"' in html
    assert f"{reported}</h2>" in html  # the year written as a year, not as "2 025"
    summary = re.search(r"<p data-summary>(.*?)</p>", html, re.S).group(1)
    assert re.sub(r"[ \n\t]+", " ", summary).strip() == "2 givere, 25\xa0700 kr å rapportere."
    # The page shows numbers, not the people.
    for number in (KARI, OLA, LEADING_ZERO):
        assert number not in html
    assert not ModelLogEntry.objects.filter(action="donations.export_tax_report").exists()


def test_the_csv_download_and_its_audit_log_entry(admin_client, superuser, reported):
    response = admin_client.get(tax_url(year=reported, format="csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert f'-{reported}.csv"' in response["Content-Disposition"]
    assert "no-store" in response.get("Cache-Control", "") or "no-cache" in response.get(
        "Cache-Control", ""
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    # Tighten to "Fødselsnummer" once the translation is in the catalogue.
    assert rows[0][0] == "Fødselsnummer"
    assert len(rows[0]) == 6
    assert rows[1:] == [
        [KARI, "Kari Nordmann", "700", "700", "2", str(reported)],
        [LEADING_ZERO, "Åse Ødegård", "30000", "25000", "1", str(reported)],
    ]
    [entry] = ModelLogEntry.objects.filter(action="donations.export_tax_report")
    assert entry.user_id == superuser.pk
    assert entry.data == {"year": reported, "format": "csv", "rows": 2, "unreadable": 0}
    assert str(reported) in entry.message and "CSV" in entry.message
    assert KARI not in json.dumps(entry.data) and KARI not in entry.message


def test_the_xlsx_download_opens_in_openpyxl(admin_client, reported):
    response = admin_client.get(tax_url(year=reported, format="xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[1:] == [
        (KARI, "Kari Nordmann", 700, 700, 2, reported),
        (LEADING_ZERO, "Åse Ødegård", 30_000, 25_000, 1, reported),
    ]
    assert rows[2][0].startswith("0")  # kept as text
    [entry] = ModelLogEntry.objects.filter(action="donations.export_tax_report")
    assert (entry.data["format"], entry.data["rows"]) == ("xlsx", 2)


def test_another_year_and_a_year_not_offered(admin_client, reported):
    response = admin_client.get(tax_url(year=reported + 1, format="csv"))
    assert response.content.decode("utf-8-sig").count("\n") == 1  # the headings only
    assert admin_client.get(tax_url(year=1800, format="csv")).status_code == 400
    assert admin_client.get(tax_url(year="x", format="csv")).status_code == 400
    assert ModelLogEntry.objects.filter(action="donations.export_tax_report").count() == 1


def test_staff_who_may_read_and_change_donations_may_not_download(client, reported):
    log_in(client, user_in_group("kasserer", "view_donationintent", "change_donationintent"))
    for url in (tax_url(), tax_url(year=reported, format="csv")):
        response = client.get(url)
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response["Location"] == reverse("wagtailadmin_home")
        assert KARI not in response.content.decode()
    assert not ModelLogEntry.objects.filter(action="donations.export_tax_report").exists()
    listing = client.get(reverse("donation_intents:index")).content.decode()
    assert tax_url() not in listing


def test_the_permission_alone_gives_the_page_and_the_listing_button(client, reported):
    log_in(client, user_in_group("regnskap", "view_donationintent", "export_tax_report"))
    assert tax_url() in client.get(reverse("donation_intents:index")).content.decode()
    assert client.get(tax_url(year=reported, format="csv")).status_code == 200
    log_in(client, user_in_group("revisor", "export_tax_report"))
    assert client.get(tax_url()).status_code == 200


def test_the_permission_is_on_the_group_edit_page(admin_client):
    permission = Permission.objects.get(
        content_type__app_label="donations", codename="export_tax_report"
    )
    html = admin_client.get(reverse("wagtailusers_groups:add")).content.decode()
    assert re.search(rf'name="permissions"[^>]*value="{permission.pk}"', html)


def test_the_number_is_in_no_listing_inspect_page_or_other_export(admin_client, reported):
    intent = DonationIntent.objects.filter(tax_deduction=True).first()
    token = intent.national_id_encrypted
    pages = [
        admin_client.get(reverse("donation_intents:index")).content.decode(),
        admin_client.get(reverse("donation_intents:inspect", args=[intent.pk])).content.decode(),
        admin_client.get(reverse("donations_admin:totals")).content.decode(),
        admin_client.get(reverse("wagtailadmin_home")).content.decode(),
    ]
    for export_format in ("csv", "xlsx"):
        response = admin_client.get(reverse("donation_intents:index"), {"export": export_format})
        content = b"".join(response.streaming_content)
        if export_format == "csv":
            pages.append(content.decode("utf-8-sig"))
        else:
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
            pages.append(repr(list(workbook.active.iter_rows(values_only=True))))
    admin_client.get(tax_url(year=reported, format="csv"))  # the report itself is logged ...
    pages.append(admin_client.get(reverse("wagtailadmin_reports:site_history")).content.decode())
    for text in pages:
        for secret in (KARI, LEADING_ZERO, token):
            assert secret not in text
    assert "Kari Nordmann" in pages[0]  # the listing did list the gifts
