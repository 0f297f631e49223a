"""Newsletters and people to send them to, for the sending tests."""

from django.utils import timezone

from newsletter.models import Subscriber
from pages.models import NewsletterIndexPage, NewsletterPage


def confirmed_subscriber(email, first_name=""):
    return Subscriber.objects.create(
        email=email,
        email_normalized=email.lower(),
        first_name=first_name,
        status=Subscriber.Status.CONFIRMED,
        consent_version=1,
        consented_at=timezone.now(),
        confirmed_at=timezone.now(),
        ip_hash="0" * 64,
    )


def newsletter_page(home_page, *, publish=True, title="Nytt fra Spero i desember"):
    archive = NewsletterIndexPage(title="Tidligere nyhetsbrev", slug="tidligere-nyhetsbrev")
    home_page.add_child(instance=archive)
    page = NewsletterPage(
        live=publish,
        title=title,
        slug="desember",
        intro="<p>Takk for et godt år.</p>",
        body=[
            ("heading", {"text": "Konferansen i mars", "level": "h2"}),
            ("text", '<p>Les <a href="/konferanse/">programmet</a> nå.</p>'),
            (
                "quote",
                {"text": "Håp er mulig.", "speaker": "Kari Nordmann", "role": "", "occasion": ""},
            ),
            (
                "call_to_action",
                {
                    "heading": "Støtt arbeidet",
                    "text": "",
                    "page": None,
                    "url": "https://example.org/gave",
                    "button_label": "Gi en gave",
                },
            ),
        ],
    )
    archive.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    page.refresh_from_db()
    return page
