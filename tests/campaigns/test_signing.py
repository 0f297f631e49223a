"""The opprop as a person uses it, through the test client: sign, read the e-mail, confirm by
POST, share, withdraw — and the answers that must not differ between new and repeat signers."""

import datetime
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.models import Petition, Signature
from spero_site import abuse
from spero_site.forms import normalize_email

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/opprop/[^\s]+/)")


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.SITE_BASE_URL = "http://testserver"
    cache.clear()


def sign(client, petition, data, capture):
    with capture(execute=True):
        return client.post(reverse("campaigns:sign", args=[petition.slug]), data)


def links_in(message):
    confirm, withdraw = LINK.findall(message.body)
    return confirm, withdraw


def count(client, petition):
    return client.get(reverse("campaigns:count", args=[petition.slug])).json()["count"]


def test_the_whole_flow(
    client, campaign_page, petition, sign_data, django_capture_on_commit_callbacks
):
    page = client.get(campaign_page.url)
    html = page.content.decode()
    assert 'action="/opprop/stopp-stigma/signer/"' in html
    assert "Jeg samtykker i at Spero lagrer" in html
    assert count(client, petition) == 0

    response = sign(client, petition, sign_data, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == "/opprop/stopp-stigma/sjekk-e-posten/"
    assert "Sjekk e-posten din" in client.get(response["Location"]).content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Kari.Nordmann@Example.no"]
    assert message.subject == "Bekreft signaturen din: Opprop: Stopp stigma"
    assert "Hei Kari," in message.body
    confirm_path, withdraw_path = links_in(message)
    assert count(client, petition) == 0  # unconfirmed signatures never count

    # Following the link (as a mail scanner would) confirms nothing.
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "Bekreft signaturen min" in page.content.decode()
    assert count(client, petition) == 0

    response = client.post(confirm_path)
    assert response.status_code == 302
    assert response["Location"] == "/opprop/stopp-stigma/takk/"
    assert count(client, petition) == 1
    thanks = client.get(response["Location"]).content.decode()
    assert "Takk for at du skrev under" in thanks
    assert "#StigmaEndsWithMe" in thanks
    assert "facebook.com/sharer" in thanks and "<script" not in thanks

    signature = Signature.objects.get()
    assert signature.status == Signature.Status.CONFIRMED
    assert signature.place == "Bergen"
    assert signature.consent_version == petition.consent_version
    assert signature.email_normalized == "kari.nordmann@example.no"
    assert signature.ip_hash and "127.0.0.1" not in signature.ip_hash

    # Confirming again counts nothing more.
    client.post(confirm_path)
    assert count(client, petition) == 1

    # The public list shows first name and place only; the comment waits for approval.
    html = client.get(campaign_page.url).content.decode()
    assert "Kari, Bergen" in html and "Nordmann" not in html
    assert "Stigma må bort." not in html
    services.set_comment_approval(Signature.objects.all(), True)
    assert "Stigma må bort." in client.get(campaign_page.url).content.decode()

    # Withdrawal deletes the personal data and the count drops.
    assert "Trekk tilbake signaturen min" in client.get(withdraw_path).content.decode()
    response = client.post(withdraw_path)
    assert response["Location"] == "/opprop/stopp-stigma/trukket/"
    assert count(client, petition) == 0
    signature.refresh_from_db()
    assert signature.status == Signature.Status.WITHDRAWN
    assert (signature.full_name, signature.email, signature.postal_code, signature.comment) == (
        "",
        "",
        "",
        "",
    )
    assert "Kari" not in client.get(campaign_page.url).content.decode()


def test_repeat_signer_gets_the_same_answer_and_is_counted_once(
    client, campaign_page, petition, sign_data, django_capture_on_commit_callbacks
):
    first = sign(client, petition, sign_data, django_capture_on_commit_callbacks)
    same_person = dict(sign_data, email="  kari.nordmann+opprop@EXAMPLE.no ")
    second = sign(client, petition, same_person, django_capture_on_commit_callbacks)
    stranger = sign(
        client,
        petition,
        dict(sign_data, email="ola@example.no"),
        django_capture_on_commit_callbacks,
    )
    assert first.status_code == second.status_code == stranger.status_code == 302
    assert first["Location"] == second["Location"] == stranger["Location"]
    assert Signature.objects.count() == 2
    # The repeat within the resend interval gets no second e-mail.
    assert [m.to for m in mail.outbox] == [["Kari.Nordmann@Example.no"], ["ola@example.no"]]


def test_repeat_signer_gets_a_fresh_link_or_a_note_after_the_interval(
    petition, sign_data, django_capture_on_commit_callbacks
):
    data = services.SignatureData("Kari Nordmann", "kari@example.no", "5003", False, "")
    start = timezone.now()
    for minutes in (0, 5, 11):  # the second one inside the interval sends nothing
        with django_capture_on_commit_callbacks(execute=True):
            services.sign(
                petition.slug, data, ip_hash="x", now=start + datetime.timedelta(minutes=minutes)
            )
    assert [m.subject for m in mail.outbox] == ["Bekreft signaturen din: Opprop: Stopp stigma"] * 2
    confirm_token = services.confirm_token(Signature.objects.get())
    services.confirm(confirm_token, now=start + datetime.timedelta(minutes=12))
    with django_capture_on_commit_callbacks(execute=True):
        services.sign(petition.slug, data, ip_hash="x", now=start + datetime.timedelta(minutes=30))
    assert mail.outbox[-1].subject == "Du har allerede skrevet under: Opprop: Stopp stigma"
    assert Petition.objects.get().signature_count == 1


def test_invalid_input_is_shown_at_the_fields_in_norwegian(
    client, campaign_page, petition, sign_data, django_capture_on_commit_callbacks
):
    bad = dict(sign_data, email="ikke-en-adresse", postal_code="50", consent="")
    response = sign(client, petition, bad, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Skriv en e-postadresse som navn@eksempel.no." in html
    assert "Skriv et postnummer med fire sifre, for eksempel 5003." in html
    assert "Du må samtykke før du kan skrive under." in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_email_error' in html
    assert 'value="Kari Nordmann"' in html  # what was typed is kept
    assert not Signature.objects.exists() and not mail.outbox


def test_honeypot_gets_the_same_answer_and_stores_nothing(
    client, campaign_page, petition, sign_data, django_capture_on_commit_callbacks
):
    response = sign(
        client, petition, dict(sign_data, website="http://spam"), django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert response["Location"] == "/opprop/stopp-stigma/sjekk-e-posten/"
    assert not Signature.objects.exists() and not mail.outbox


def test_rate_limit_per_email(client, campaign_page, petition, sign_data, settings):
    for n in range(5):
        client.post(
            reverse("campaigns:sign", args=[petition.slug]), sign_data, REMOTE_ADDR=f"10.0.0.{n}"
        )
    response = client.post(
        reverse("campaigns:sign", args=[petition.slug]), sign_data, REMOTE_ADDR="10.0.0.99"
    )
    assert response.status_code == 429
    assert "For mange forsøk" in response.content.decode()


def test_rate_limit_fails_closed_when_the_cache_is_down(
    client, campaign_page, petition, sign_data, monkeypatch
):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(abuse.cache, "incr", broken)
    response = client.post(reverse("campaigns:sign", args=[petition.slug]), sign_data)
    assert response.status_code == 503
    assert "Vi kan ikke ta imot skjemaet akkurat nå" in response.content.decode()
    assert not Signature.objects.exists()


def test_closed_petition_shows_a_notice_and_its_count(
    client, campaign_page, petition, sign_data, django_capture_on_commit_callbacks
):
    Petition.objects.filter(pk=petition.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1), signature_count=42
    )
    html = client.get(campaign_page.url).content.decode()
    assert "Oppropet er avsluttet" in html
    assert "<strong>42</strong>" in html
    assert 'action="/opprop/stopp-stigma/signer/"' not in html
    response = sign(client, petition, sign_data, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert not Signature.objects.exists()


def test_confirmation_after_the_petition_closed_is_not_counted(
    client, campaign_page, petition, django_capture_on_commit_callbacks
):
    data = services.SignatureData("Kari Nordmann", "kari@example.no", "5003", False, "")
    services.sign(petition.slug, data, ip_hash="x")
    token = services.confirm_token(Signature.objects.get())
    Petition.objects.filter(pk=petition.pk).update(closes_at=timezone.now())
    response = client.post(reverse("campaigns:confirm", args=[petition.slug, token]))
    assert response.status_code == 410
    assert Petition.objects.get().signature_count == 0


@pytest.mark.parametrize("token", ["x", "abc:def", "1:forged:signature"])
@pytest.mark.parametrize("name", ["campaigns:confirm", "campaigns:withdraw"])
def test_forged_links_do_nothing(client, petition, token, name):
    response = client.post(reverse(name, args=[petition.slug, token]))
    assert response.status_code == 400
    assert "Lenken virker ikke" in response.content.decode()


def test_a_withdrawal_link_cannot_confirm(client, petition):
    data = services.SignatureData("Kari Nordmann", "kari@example.no", "5003", False, "")
    services.sign(petition.slug, data, ip_hash="x")
    token = services.withdraw_token(Signature.objects.get())
    response = client.post(reverse("campaigns:confirm", args=[petition.slug, token]))
    assert response.status_code == 400
    assert Petition.objects.get().signature_count == 0


def test_count_json(client, petition):
    Petition.objects.filter(pk=petition.pk).update(signature_count=7)
    response = client.get(reverse("campaigns:count", args=[petition.slug]))
    body = response.json()
    assert body["count"] == 7 and body["goal"] == 1000
    assert datetime.datetime.fromisoformat(body["updated"])
    assert "max-age=5" in response["Cache-Control"]
    assert client.get("/opprop/finnes-ikke/count.json").status_code == 404


def test_count_json_reads_one_row_and_never_counts_signatures(
    client, petition, django_assert_num_queries
):
    with django_assert_num_queries(1) as captured:
        client.get(reverse("campaigns:count", args=[petition.slug]))
    sql = captured.captured_queries[0]["sql"]
    assert "COUNT(" not in sql.upper() and "campaigns_signature" not in sql


def test_campaign_page_sets_no_cookie(client, campaign_page):
    # Its form has no CSRF token (spero_site/cross_site.py), so the page can be stored.
    response = client.get(campaign_page.url)
    assert not response.cookies


def test_an_editor_cannot_overwrite_the_count(petition):
    stale = Petition.objects.get(pk=petition.pk)
    Petition.objects.filter(pk=petition.pk).update(signature_count=10)
    stale.title = "Nytt navn"
    stale.save()
    fresh = Petition.objects.get(pk=petition.pk)
    assert (fresh.title, fresh.signature_count) == ("Nytt navn", 10)


def test_changing_the_consent_wording_makes_a_new_version(petition):
    assert petition.consent_version == 1
    petition.consent_text = "Ny ordlyd."
    petition.save()
    petition.goal = 2000
    petition.save()
    assert Petition.objects.get().consent_version == 2


@pytest.mark.parametrize(
    ("email", "normalized"),
    [
        ("Kari@Example.NO", "kari@example.no"),
        (" kari+opprop@example.no ", "kari@example.no"),
        ("k.a.r.i@googlemail.com", "kari@gmail.com"),
        ("k.ari@example.no", "k.ari@example.no"),
    ],
)
def test_normalize_email(email, normalized):
    assert normalize_email(email) == normalized


def test_keep_me_updated_is_stored_when_ticked_and_a_repeat_cannot_tick_it(
    client, campaign_page, petition, sign_data
):
    from campaigns.models import Signature

    path = reverse("campaigns:sign", args=[petition.slug])
    page = client.get(campaign_page.url).content.decode()
    assert "Hold meg oppdatert" in page
    client.post(path, sign_data)
    assert Signature.objects.get().wants_updates is False
    # Someone else typing the same address cannot tick it for its owner.
    client.post(path, {**sign_data, "wants_updates": "on"})
    assert Signature.objects.get().wants_updates is False
    client.post(path, {**sign_data, "email": "ola@example.no", "wants_updates": "on"})
    assert Signature.objects.get(email_normalized="ola@example.no").wants_updates is True
