"""Test data makers, kept next to the tests (never in production dependencies)."""

import datetime
import io
import itertools

from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model


def make_image(title="Testbilde", size=(1600, 900), colour=(36, 90, 120)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, format="PNG")
    buffer.seek(0)
    return get_image_model().objects.create(
        title=title, file=ImageFile(buffer, name=f"{title}.png")
    )


_event_numbers = itertools.count(1)


def make_event(**overrides):
    """An event in a month, open for registration now, with ten seats and a waiting list."""
    from events.models import Event

    now = timezone.now()
    starts_at = overrides.pop("starts_at", now + datetime.timedelta(days=30))
    number = next(_event_numbers)
    values = {
        "title": f"Konferanse {number}",
        "slug": f"konferanse-{number}",
        "organiser": "Spero foreningen",
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=7),
        "venue": "Bergen",
        "address": "Strandkaien 2, 5013 Bergen",
        "capacity": 10,
        "registration_opens_at": now - datetime.timedelta(days=1),
        "registration_closes_at": starts_at - datetime.timedelta(days=2),
        "waiting_list": True,
        "consent_text": "Jeg samtykker i at opplysningene lagres for påmeldingen.",
        **overrides,
    }
    return Event.objects.create(**values)
