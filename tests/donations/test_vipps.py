"""Giving once with Vipps, against a fake Vipps on loopback (tests/fake_vipps/) that speaks the
documented ePayment, Access Token and Webhooks APIs: the site's own HTTP client is what is
tested. Success, abort, expiry, duplicate and out-of-order webhooks, bad signatures, unknown
references and timeouts all leave the intent consistent, and the donor is told. Monthly gifts
through the Recurring API are in test_vipps_recurring.py."""

import datetime
import json
import logging

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from donations import services, tasks
from donations.models import DonationCharge, DonationIntent
from donations.providers import vipps_api
from tests.donations.vipps_flow import WEBHOOK_URL, donor_answers, give_with_vipps, post_webhook
from tests.fake_vipps import sign

pytestmark = pytest.mark.django_db

Status = DonationIntent.Status


def statuses(intent):
    return [(e.from_status, e.to_status, e.source) for e in intent.events.all()]


def test_without_credentials_vipps_is_not_offered(client, donation_page, gift):
    html = client.get(donation_page.url).content.decode()
    assert 'value="vipps"' not in html and 'value="manual"' in html
    assert give_with_vipps(client, gift).status_code == 400
    assert not DonationIntent.objects.exists()


def test_a_one_off_gift_through_vipps_end_to_end(client, donation_page, gift, fake_vipps):
    html = client.get(donation_page.url).content.decode()
    assert 'name="provider" value="vipps"' in html

    response = give_with_vipps(client, gift)
    intent = DonationIntent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{fake_vipps.url}/landing/{intent.pk}"
    assert intent.status == Status.PENDING and intent.provider_reference == str(intent.pk)
    [(_, _, headers, body)] = fake_vipps.calls_to("POST", "/epayment/v1/payments")
    assert headers["idempotency-key"] == str(intent.idempotency_key)
    assert headers["merchant-serial-number"] == "123456"
    assert body["amount"] == {"currency": "NOK", "value": 50_000}
    assert body["returnUrl"].endswith(f"/gave/{intent.pk}/retur/")
    assert body["userFlow"] == "WEB_REDIRECT"

    back = donor_answers(response["Location"])
    assert back == f"/gave/{intent.pk}/retur/"
    page = client.get(back)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-status="paid"' in html and "500 kr" in html
    assert "En kvittering er på vei til e-posten din." in html
    assert "Kari" not in html and "kari@example.no" not in html

    intent.refresh_from_db()
    assert intent.status == Status.PAID and intent.paid_at
    [(_, _, capture_headers, capture)] = fake_vipps.calls_to(
        "POST", r"/epayment/v1/payments/[^/]+/capture"
    )
    assert capture == {"modificationAmount": {"currency": "NOK", "value": 50_000}}
    assert capture_headers["idempotency-key"] == f"capture-{intent.idempotency_key}"
    assert fake_vipps.payments[str(intent.pk)]["captured"] == 50_000
    [charge] = intent.charges.all()
    assert (charge.status, charge.amount_ore) == ("charged", 50_000)
    assert statuses(intent) == [("created", "pending", "donor"), ("pending", "paid", "poll")]
    assert tasks.send_due_emails.call() == 1
    assert mail.outbox[0].to == ["kari@example.no"]

    # Coming back again (a reload) asks nothing more of Vipps and changes nothing.
    client.get(back)
    assert len(fake_vipps.calls_to("POST", r"/epayment/v1/payments/[^/]+/capture")) == 1
    assert intent.events.count() == 2


def test_the_access_token_is_fetched_once_for_many_calls(client, donation_page, gift, fake_vipps):
    give_with_vipps(client, gift)
    give_with_vipps(client, gift)
    assert len(fake_vipps.calls_to("POST", "/accesstoken/get")) == 1
    assert len(fake_vipps.calls_to("POST", "/epayment/v1/payments")) == 2


def test_a_donor_who_cancels_in_vipps_is_told_nothing_was_charged(
    client, donation_page, gift, fake_vipps
):
    response = give_with_vipps(client, gift)
    back = donor_answers(response["Location"], "cancel")
    html = client.get(back).content.decode()
    assert 'data-status="aborted"' in html and donation_page.url in html
    assert "Betalingen ble avbrutt i Vipps. Ingenting er trukket." in html
    intent = DonationIntent.objects.get()
    assert intent.status == Status.ABORTED and not intent.charges.exists()
    assert not fake_vipps.calls_to("POST", r"/epayment/v1/payments/[^/]+/capture")


def test_a_payment_left_in_vipps_expires_through_the_poll(client, donation_page, gift, fake_vipps):
    give_with_vipps(client, gift)
    intent = DonationIntent.objects.get()
    assert services.process_pending() == 0  # still waiting for the donor
    fake_vipps.expire(str(intent.pk))
    assert services.process_pending() == 1
    intent.refresh_from_db()
    assert intent.status == Status.EXPIRED
    assert statuses(intent)[-1] == ("pending", "expired", "poll")
    html = client.get(reverse("donations:intent", args=[intent.pk])).content.decode()
    assert 'data-status="expired"' in html


def test_an_authorised_webhook_captures_once_however_often_it_comes(
    client, donation_page, gift, fake_vipps, django_capture_on_commit_callbacks
):
    give_with_vipps(client, gift)
    intent = DonationIntent.objects.get()
    fake_vipps.approve(str(intent.pk))
    authorized = fake_vipps.payment_event(str(intent.pk), "AUTHORIZED")
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert post_webhook(client, fake_vipps, authorized).status_code == 200
    intent.refresh_from_db()
    assert intent.status == Status.PAID
    assert statuses(intent)[-1] == ("pending", "paid", "webhook")
    assert len(fake_vipps.calls_to("POST", r"/epayment/v1/payments/[^/]+/capture")) == 1
    # Vipps's own «captured» webhook that follows, twice, changes nothing more.
    captured = fake_vipps.payment_event(str(intent.pk), "CAPTURED")
    assert post_webhook(client, fake_vipps, captured).status_code == 200
    assert post_webhook(client, fake_vipps, captured).status_code == 200
    assert intent.events.count() == 2 and intent.charges.count() == 1
    # The receipt went out once, when the gift became paid.
    assert [m.to for m in mail.outbox] == [["kari@example.no"]]
    assert tasks.send_due_emails.call() == 0


def test_webhooks_out_of_order_leave_the_intent_consistent(
    client, donation_page, gift, fake_vipps, django_capture_on_commit_callbacks
):
    give_with_vipps(client, gift)
    intent = DonationIntent.objects.get()
    reference = str(intent.pk)
    fake_vipps.approve(reference)
    fake_vipps.payments[reference]["captured"] = intent.amount_ore  # captured elsewhere
    # «Captured» arrives before «authorized», then a stale «expired» and «aborted».
    for name in ("CAPTURED", "AUTHORIZED", "EXPIRED", "ABORTED", "CREATED"):
        with django_capture_on_commit_callbacks(execute=True):
            event = fake_vipps.payment_event(reference, name)
            assert post_webhook(client, fake_vipps, event).status_code == 200
    intent.refresh_from_db()
    assert intent.status == Status.PAID
    assert statuses(intent) == [("created", "pending", "donor"), ("pending", "paid", "webhook")]
    assert not fake_vipps.calls_to("POST", r"/epayment/v1/payments/[^/]+/capture")
    # A refund after it is the one move a paid gift can make.
    refunded = fake_vipps.payment_event(reference, "REFUNDED")
    assert post_webhook(client, fake_vipps, refunded).status_code == 200
    intent.refresh_from_db()
    assert intent.status == Status.REFUNDED
    assert list(intent.charges.values_list("status", flat=True)) == ["refunded"]


@pytest.mark.parametrize(
    "tamper",
    ["body", "secret", "old", "future", "no-auth", "no-date", "hash", "host", "path"],
)
def test_a_webhook_with_a_bad_signature_is_refused_and_changes_nothing(
    client, donation_page, gift, fake_vipps, tamper
):
    give_with_vipps(client, gift)
    intent = DonationIntent.objects.get()
    fake_vipps.approve(str(intent.pk))
    event = fake_vipps.payment_event(str(intent.pk), "CAPTURED")
    body, headers = fake_vipps.signed(event, WEBHOOK_URL)
    path = "/gave/vipps/webhook/"
    if tamper == "body":
        body = body.replace(b"CAPTURED", b"CAPTURED ")
    elif tamper == "secret":
        headers = sign("another-secret", WEBHOOK_URL, body)
    elif tamper in ("old", "future"):
        shift = datetime.timedelta(hours=-1 if tamper == "old" else 1)
        date = (timezone.now() + shift).strftime("%a, %d %b %Y %H:%M:%S GMT")
        headers = sign(fake_vipps.webhook_secret, WEBHOOK_URL, body, date)
    elif tamper == "no-auth":
        del headers["Authorization"]
    elif tamper == "no-date":
        del headers["x-ms-date"]
    elif tamper == "hash":
        headers["x-ms-content-sha256"] = "AAAA"
    elif tamper == "host":
        headers = sign(fake_vipps.webhook_secret, "http://evil.example/gave/vipps/webhook/", body)
    elif tamper == "path":
        path = "/gave/vipps/webhook/?x=1"
    response = client.generic(
        "POST",
        path,
        body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )
    assert response.status_code == 401
    intent.refresh_from_db()
    assert intent.status == Status.PENDING and intent.events.count() == 1


def test_without_a_webhook_secret_every_webhook_is_refused(client, settings, fake_vipps):
    settings.VIPPS_WEBHOOK_SECRET = ""
    event = fake_vipps.payment_event("x" * 10, "CAPTURED", amount={"currency": "NOK", "value": 100})
    body, headers = fake_vipps.signed(event, WEBHOOK_URL)
    response = client.generic(
        "POST", "/gave/vipps/webhook/", body, content_type="application/json", headers=headers
    )
    assert response.status_code == 401


def test_a_webhook_for_an_unknown_payment_is_logged_and_changes_nothing(client, fake_vipps, caplog):
    event = fake_vipps.payment_event("f" * 36, "CAPTURED", amount={"currency": "NOK", "value": 100})
    with caplog.at_level(logging.WARNING, logger="donations.views"):
        assert post_webhook(client, fake_vipps, event).status_code == 200
    assert "unknown reference" in caplog.text
    assert not DonationIntent.objects.exists()


def test_a_signed_webhook_that_is_not_json_is_a_bad_request(client, fake_vipps):
    for body in (b"not json", b"[1, 2]", b"\xff\xfe", b'"text"'):
        headers = sign(fake_vipps.webhook_secret, WEBHOOK_URL, body)
        response = client.generic(
            "POST", "/gave/vipps/webhook/", body, content_type="application/json", headers=headers
        )
        assert response.status_code == 400


@time_machine.travel(datetime.datetime(2023, 3, 30, 8, 40, tzinfo=datetime.UTC), tick=False)
def test_the_signature_check_matches_vippss_documented_example():
    """The example in Vipps's «Request authentication» guide, verbatim."""
    body = json.dumps(
        {"some-unique-content": "ee6e441b-cc4a-46f8-895d-a5af79bcc233/hello-world"},
        separators=(",", ":"),
    ).encode()
    headers = {
        "x-ms-date": "Thu, 30 Mar 2023 08:38:32 GMT",
        "x-ms-content-sha256": "lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4=",
        "authorization": "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256"
        "&Signature=agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U=",
    }
    check = {
        "secret": "A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6F"
        "hGKhiHTBsG2wo/xU6FY/A==",
        "method": "POST",
        "path_and_query": "/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63",
        "host": "webhook.site",
        "headers": headers,
        "body": body,
    }
    assert vipps_api.webhook_is_authentic(**check)
    assert not vipps_api.webhook_is_authentic(**{**check, "host": "example.org"})
    assert not vipps_api.webhook_is_authentic(**{**check, "secret": "A0+"})


def test_vipps_not_answering_at_the_start_lets_the_donor_try_again_safely(
    client, donation_page, gift, fake_vipps, settings
):
    settings.VIPPS_TIMEOUT_SECONDS = 0.3
    vipps_api.access_token()  # the token comes in time
    # Vipps makes the payment, but its answer comes too late.
    fake_vipps.delay, fake_vipps.delay_after_processing = 1.0, True
    response = give_with_vipps(client, gift)
    intent = DonationIntent.objects.get()
    assert response["Location"] == f"/gave/{intent.pk}/"
    assert intent.status == Status.CREATED
    html = client.get(response["Location"]).content.decode()
    assert 'data-status="created"' in html and f"/gave/{intent.pk}/start/" in html
    assert "Vi fikk ikke kontakt med Vipps. Ingenting er trukket." in html

    fake_vipps.delay = 0
    again = client.post(reverse("donations:start", args=[intent.pk]))
    assert again["Location"] == f"{fake_vipps.url}/landing/{intent.pk}"
    assert len(fake_vipps.payments) == 1  # the same payment, not a second one
    keys = {c[2]["idempotency-key"] for c in fake_vipps.calls_to("POST", "/epayment/v1/payments")}
    assert keys == {str(intent.idempotency_key)}
    intent.refresh_from_db()
    assert intent.status == Status.PENDING
    # A started intent cannot be started again.
    assert client.post(reverse("donations:start", args=[intent.pk])).status_code == 404


def test_a_server_error_from_vipps_at_the_start_is_the_same_as_no_answer(
    client, donation_page, gift, fake_vipps
):
    fake_vipps.fail_next = 1
    response = give_with_vipps(client, gift)
    intent = DonationIntent.objects.get()
    assert response["Location"] == f"/gave/{intent.pk}/" and intent.status == Status.CREATED
    assert not fake_vipps.payments


def test_a_gift_that_never_reached_vipps_is_given_up_after_half_an_hour(
    client, donation_page, gift, fake_vipps
):
    fake_vipps.fail_next = 1
    give_with_vipps(client, gift)
    intent = DonationIntent.objects.get()
    assert services.process_pending() == 0
    assert services.process_pending(now=timezone.now() + datetime.timedelta(minutes=31)) == 1
    intent.refresh_from_db()
    assert intent.status == Status.FAILED


def test_vipps_not_answering_on_return_keeps_the_gift_pending_until_the_poll(
    client, donation_page, gift, fake_vipps, settings
):
    response = give_with_vipps(client, gift)
    back = donor_answers(response["Location"])
    settings.VIPPS_TIMEOUT_SECONDS = 0.3
    fake_vipps.delay = 1.0
    html = client.get(back).content.decode()
    assert 'data-status="pending"' in html and 'role="status"' in html
    assert "Vipps svarer ikke akkurat nå." in html
    intent = DonationIntent.objects.get()
    assert intent.status == Status.PENDING
    fake_vipps.delay = 0
    assert services.process_pending() == 1
    intent.refresh_from_db()
    assert intent.status == Status.PAID and intent.charges.get().status == "charged"


def test_a_capture_that_times_out_is_done_by_the_next_poll_once(
    client, donation_page, gift, fake_vipps, settings
):
    response = give_with_vipps(client, gift)
    intent = DonationIntent.objects.get()
    fake_vipps.approve(str(intent.pk))
    settings.VIPPS_TIMEOUT_SECONDS = 0.3
    fake_vipps.delay, fake_vipps.delay_after_processing = 1.0, True  # captured, answer lost
    client.get(reverse("donations:returned", args=[intent.pk]))
    intent.refresh_from_db()
    assert intent.status == Status.PENDING
    fake_vipps.delay = 0
    services.process_pending()
    intent.refresh_from_db()
    assert intent.status == Status.PAID
    assert fake_vipps.payments[str(intent.pk)]["captured"] == intent.amount_ore
    assert response.status_code == 302


def test_the_webhook_registration_command_prints_the_secret(fake_vipps, settings, capsys):
    from django.core.management import call_command

    settings.SITE_BASE_URL = "https://spero.example.no"
    call_command("vipps_webhook")
    [hook] = fake_vipps.webhooks
    assert hook["url"].endswith("/gave/vipps/webhook/")
    assert "epayments.payment.authorized.v1" in hook["events"]
    assert not any(event.startswith("recurring.") for event in hook["events"])
    assert f"VIPPS_WEBHOOK_SECRET={fake_vipps.webhook_secret}" in capsys.readouterr().out
    call_command("vipps_webhook", "--list")
    assert json.loads(capsys.readouterr().out) == {"webhooks": fake_vipps.webhooks}


def test_the_webhook_registration_command_refuses_a_site_without_https(fake_vipps, settings):
    from django.core.management import CommandError, call_command

    settings.SITE_BASE_URL = "http://spero.example.no"
    with pytest.raises(CommandError, match="https://"):
        call_command("vipps_webhook")
    assert fake_vipps.webhooks == [] and fake_vipps.calls == []


def test_the_process_donations_command_reports_what_it_did(client, donation_page, gift, fake_vipps):
    from io import StringIO

    from django.core.management import call_command

    give_with_vipps(client, gift)
    fake_vipps.approve(str(DonationIntent.objects.get().pk))
    out = StringIO()
    call_command("process_donations", stdout=out)
    assert out.getvalue().strip() == "Updated 1 gift(s) or charge(s); created 0 charge(s)."
    assert DonationIntent.objects.get().status == Status.PAID
    assert DonationCharge.objects.filter(status="charged").count() == 1


def test_staff_see_a_vipps_gifts_payments_and_cannot_mark_it_paid(
    admin_client, donation_page, gift, fake_vipps
):
    give_with_vipps(admin_client, gift)
    intent = DonationIntent.objects.get()
    inspect = reverse("donation_intents:inspect", args=[intent.pk])
    html = admin_client.get(inspect).content.decode()
    assert reverse("donation_intents:mark_paid", args=[intent.pk]) not in html
    admin_client.post(reverse("donation_intents:mark_paid", args=[intent.pk]))
    intent.refresh_from_db()
    assert intent.status == Status.PENDING
    fake_vipps.approve(str(intent.pk))
    services.sync_payment(intent.pk)
    html = admin_client.get(inspect).content.decode()
    assert "<table" in html and html.count("<tr>") >= 4  # headings, one payment, two changes
