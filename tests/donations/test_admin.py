"""Donations for staff: the listing, exports, marking a manual gift paid (with the receipt),
totals per month, the dashboard panel and who may see them."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import ModelLogEntry

from donations import services, tasks
from donations.models import DonationIntent
from tests.admin_helpers import listed, log_in, user_in_group

pytestmark = pytest.mark.django_db

Status = DonationIntent.Status


def gift(amount_kroner=500, email="kari@example.no", **overrides):
    data = {
        "amount_ore": amount_kroner * 100,
        "frequency": "one_off",
        "donor_name": "Kari Nordmann",
        "donor_email": email,
        "message": "",
        **overrides,
    }
    return services.create_intent(services.DonationData(**data), provider_name="manual")


def test_the_list_filters_by_status_and_searches_by_kid(admin_client, superuser):
    pending, paid = gift(), gift(300, "ola@example.no")
    services.mark_paid_by_staff(paid.pk, superuser)
    index = reverse("donation_intents:index")
    assert listed(admin_client.get(index)) == {pending.pk, paid.pk}
    assert listed(admin_client.get(index, {"status": "paid"})) == {paid.pk}
    assert listed(admin_client.get(index, {"q": pending.kid})) == {pending.pk}


def test_marking_a_manual_gift_paid_sends_the_receipt_once_and_is_logged(admin_client, superuser):
    intent = gift(750)
    url = reverse("donation_intents:mark_paid", args=[intent.pk])
    assert admin_client.get(url).status_code == 405  # POST only
    response = admin_client.post(url)
    assert response.status_code == 302
    admin_client.post(url)  # a second click changes nothing
    intent.refresh_from_db()
    assert intent.status == Status.PAID and intent.email_due == "receipt"
    assert tasks.send_due_emails.call() == 1
    [receipt] = mail.outbox
    assert receipt.to == ["kari@example.no"]
    assert receipt.subject == "Kvittering for gaven din til Spero foreningen"
    assert "750 kr" in receipt.body and intent.kid in receipt.body
    assert tasks.send_due_emails.call() == 0
    [entry] = ModelLogEntry.objects.filter(action="donations.mark_paid")
    assert entry.user_id == superuser.pk and entry.object_id == str(intent.pk)


def test_the_export_holds_the_filtered_gifts_and_is_logged(admin_client, superuser):
    gift(200)
    paid = gift(1000, "ola@example.no")
    services.mark_paid_by_staff(paid.pk, superuser)
    response = admin_client.get(
        reverse("donation_intents:index"), {"status": "paid", "export": "csv"}
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][1] == "Beløp (kr)"
    assert [row[1] for row in rows[1:]] == ["1000"]
    [entry] = ModelLogEntry.objects.filter(action="donations.export")
    assert entry.data["rows"] == 1 and entry.data["filters"] == {"status": "paid"}


def test_totals_per_month_and_the_dashboard(admin_client, superuser):
    for amount in (200, 300):
        services.mark_paid_by_staff(gift(amount).pk, superuser)
    gift(999)  # pending: not in the totals
    html = admin_client.get(reverse("donations_admin:totals")).content.decode()
    assert "<td data-gifts>2</td>" in html and "<td data-total>500 kr</td>" in html
    dashboard = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "<strong data-total>500 kr</strong>" in dashboard
    assert "1 awaiting payment" in dashboard or "1 venter på betaling" in dashboard


def test_without_the_donation_permissions_staff_see_nothing(client):
    intent = gift()
    log_in(client, user_in_group("frivillig"))
    for url in (
        reverse("donation_intents:index"),
        reverse("donation_intents:inspect", args=[intent.pk]),
        reverse("donations_admin:totals"),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert "kari@example.no" not in response.content.decode()
    assert client.post(reverse("donation_intents:mark_paid", args=[intent.pk])).status_code in (
        302,
        403,
    )
    intent.refresh_from_db()
    assert intent.status == Status.PENDING
    assert "donations-this-month" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_view_permission_reads_but_cannot_mark_paid(client):
    intent = gift()
    log_in(client, user_in_group("medarbeider", "view_donationintent"))
    assert client.get(reverse("donation_intents:index")).status_code == 200
    client.post(reverse("donation_intents:mark_paid", args=[intent.pk]))
    intent.refresh_from_db()
    assert intent.status == Status.PENDING
