"""A donor gives in a real browser: by bank transfer (the manual provider: account, KID and
the thank-you once staff see the money), and with Vipps through the fake Vipps on loopback
(tests/fake_vipps/), approving on its page and coming back to the thank-you page."""

import re

from django.contrib.auth import get_user_model
from django.core import mail
from wagtail.models import Site

from donations import services
from donations.kid import kid_is_valid
from donations.models import DonationIntent
from pages.models import OrganisationSettings
from tests.e2e.conftest import same_origin


def fill_gift(page, amount="500 kr"):
    page.goto("/gi-en-gave/")
    page.get_by_label(amount, exact=True).check()
    page.get_by_label("Fullt navn", exact=True).fill("Kari Nordmann")
    page.get_by_role("textbox", name="E-post").fill("kari.gave@example.no")


def test_the_demo_shows_the_whole_bank_transfer_flow_with_its_example_account(page, site):
    fill_gift(page)
    page.get_by_role("button", name="Gi med bankoverføring").click()
    page.wait_for_url(re.compile(r"/gave/[0-9a-f-]{36}/$"))
    assert "1234.56.78903" in page.content()
    assert kid_is_valid(page.locator("[data-kid]").inner_text())
    notice = page.locator("[data-example-account]")
    assert notice.is_visible() and "Ikke overfør penger til det." in notice.inner_text()


def test_a_donor_gives_by_bank_transfer(page, site):
    # Staff enter the organisation's real account in place of the demo's example.
    organisation = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
    organisation.bank_account = "1503.12.34561"
    organisation.example_payment_details = False
    organisation.save()
    fill_gift(page)
    page.get_by_role("button", name=re.compile("bankoverføring")).click()
    page.wait_for_url(re.compile(r"/gave/[0-9a-f-]{36}/$"))
    intent = DonationIntent.objects.get()
    kid = page.locator("[data-kid]").inner_text()
    assert kid == intent.kid and kid_is_valid(kid)
    assert "1503.12.34561" in page.content() and "500 kr" in page.content()
    assert not page.locator("[data-example-account]").count()
    assert same_origin(page, site.url) == []

    staff = get_user_model().objects.create_user("stab", "stab@example.org", "pw-12345")
    services.mark_paid_by_staff(intent.pk, staff)
    page.reload()
    assert page.locator('[data-status="paid"]').is_visible()
    [receipt] = [m for m in mail.outbox if m.to == ["kari.gave@example.no"]]
    assert kid in receipt.body


def test_a_donor_gives_with_vipps(page, site, fake_vipps):
    fill_gift(page, "1\xa0000 kr")
    page.get_by_role("button", name="Gi med Vipps").click()
    page.wait_for_url(f"{fake_vipps.url}/landing/**")
    page.get_by_role("button", name="Godkjenn").click()
    page.wait_for_url(re.compile(r"/gave/[0-9a-f-]{36}/retur/$"))
    assert page.locator('[data-status="paid"]').is_visible()
    lead = page.locator('[data-status="paid"]').inner_text()
    assert lead == "Tusen takk! Vi har mottatt gaven din på 1\xa0000 kr."
    intent = DonationIntent.objects.get()
    assert intent.status == "paid" and fake_vipps.payments[str(intent.pk)]["captured"] == 100_000
