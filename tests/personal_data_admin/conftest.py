"""The admin's two roles (tests/test_roles.py) and one of everything a personal-data page shows
or acts on."""

import pytest
from django.utils import timezone

from campaigns.models import Petition
from contact import services as contact_services
from donations import services
from events import services as event_services
from members.models import Membership, MembershipKind
from tests.campaigns.test_admin import create as create_signature
from tests.campaigns.test_admin import make_petition
from tests.donations.tax_deduction_data import KARI, at, last_year, paid_gift
from tests.events.conftest import person
from tests.factories import make_event
from tests.test_roles import ansatt, redaktor, roles  # noqa: F401 - fixtures


@pytest.fixture
def data(superuser):
    """One of everything a personal-data page shows or acts on."""
    petition = make_petition("roller")
    fraud = "f" * 64
    signatures = {
        "confirmed": create_signature(petition),
        "fraud": create_signature(petition, ip_hash=fraud),
        "comment": create_signature(petition, show_publicly=True, comment="Stigma må bort."),
        "rude": create_signature(petition, show_publicly=True, comment="Upassende."),
    }
    Petition.objects.filter(pk=petition.pk).update(signature_count=len(signatures))

    # Two seats; a group of two first in line holds the one free seat, a single waits behind.
    event = make_event(capacity=2, max_seats_per_registration=2)
    seated = [event_services.register(event.pk, person(n)) for n in (1, 2)]
    group = event_services.register(event.pk, person(3, seats=2))
    single = event_services.register(event.pk, person(4))
    event_services.cancel(seated[0])

    def manual_gift(kroner, email):
        return services.create_intent(
            services.DonationData(
                amount_ore=kroner * 100,
                frequency="one_off",
                donor_name="Kari Nordmann",
                donor_email=email,
                message="",
            ),
            provider_name="manual",
        )

    year = last_year()
    paid_gift(superuser, 1_000, KARI, when=at(year, 3, 1))
    return {
        "petition": petition,
        "fraud": fraud,
        "signatures": signatures,
        "event": event,
        "group": group,
        "single": single,
        "to_mark_paid": manual_gift(400, "kari.nordmann@example.no"),
        "by_bank": manual_gift(250, "kari.bank@example.no"),
        "tax_year": year,
        "contact_message": contact_services.receive(
            contact_services.MessageData(
                name="Kari Nordmann",
                email="kari.kontakt@example.no",
                subject="Spørsmål",
                message="Når er neste møte?",
            ),
            recipient="post@example.no",
            ip_hash="c" * 64,
        ),
        "member": Membership.objects.create(
            kind=MembershipKind.objects.create(name="Ordinært medlem", fee_kroner=300),
            name="Kari Nordmann",
            email="kari.medlem@example.no",
            email_normalized="kari.medlem@example.no",
            postal_code="5003",
            status="confirmed",
            consent_version=1,
            consented_at=timezone.now(),
            confirmed_at=timezone.now(),
            ip_hash="d" * 64,
        ),
    }
