"""A staff member writes a newsletter in the admin in a real browser, publishes it, sends a test
to themselves, then sends it to the confirmed subscribers and follows the sending to its end."""

from django.core import mail
from django.utils import timezone

from newsletter.models import Mailing, Subscriber
from pages.models import HomePage, NewsletterIndexPage, NewsletterPage
from tests.e2e.test_admin import csp_violations, log_in, member_of  # noqa: F401 - fixture

SUBJECT = "Nytt fra Spero i desember"


def subscriber(email, status=Subscriber.Status.CONFIRMED):
    return Subscriber.objects.create(
        email=email,
        email_normalized=email,
        status=status,
        consent_version=1,
        consented_at=timezone.now(),
        confirmed_at=timezone.now(),
        ip_hash="e2e",
    )


def test_staff_write_test_and_send_a_newsletter(page, site, csp_violations):  # noqa: F811
    archive = HomePage.objects.get().add_child(
        instance=NewsletterIndexPage(title="Tidligere nyhetsbrev", slug="tidligere-nyhetsbrev")
    )
    for email in ("kari.leser@example.no", "ola.leser@example.no"):
        subscriber(email)
    subscriber("ikke.bekreftet@example.no", Subscriber.Status.UNCONFIRMED)
    member_of("Ansatt", "stab")
    log_in(page, "stab")

    page.goto(f"/admin/pages/add/pages/newsletterpage/{archive.pk}/")
    page.locator("#id_title").fill(SUBJECT)
    page.locator("#id_title").blur()  # Wagtail makes the slug from the title
    page.get_by_role("button", name="Flere handlinger").click()
    page.get_by_role("button", name="Publiser").click()
    page.wait_for_url("**/admin/pages/**")
    page.wait_for_url(f"**/admin/pages/{archive.pk}/")
    newsletter = NewsletterPage.objects.get(title=SUBJECT)
    assert newsletter.live

    page.goto(f"/admin/newsletters/{newsletter.pk}/send/")
    page.get_by_role("button", name="Send en test til meg").click()
    page.wait_for_load_state()
    [test] = [m for m in mail.outbox if m.to == ["stab@example.org"]]
    assert test.subject == f"[Test] {SUBJECT}"

    page.get_by_role("button", name="Send til 2 abonnenter nå").click()
    page.wait_for_load_state()
    page.goto(f"/admin/newsletters/{newsletter.pk}/send/")
    status = page.locator("[data-mailing-status]")
    assert status.inner_text().startswith("Sendt, ferdig")
    assert Mailing.objects.get().status == "sent"
    sent = sorted(m.to[0] for m in mail.outbox if m.subject == SUBJECT)
    assert sent == ["kari.leser@example.no", "ola.leser@example.no"]
    assert csp_violations == [], "\n".join(csp_violations)
