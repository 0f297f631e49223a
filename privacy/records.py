"""What the site holds about one e-mail address, read from the apps that hold it: signatures and
registrations by the normalised address, donations by the address ignoring case. Read-only:
deleting goes through each app's services (erase_signature, erase_registration,
erase_donation)."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone

from campaigns.models import Petition, Signature
from contact.services import messages_of
from donations import national_id
from donations.models import DonationCharge, DonationEvent, DonationIntent
from donations.providers import PROVIDERS
from events import services as event_services
from events.models import Registration
from members import services as member_services
from members.services import memberships_of
from newsletter.services import subscribers_of

# The JSON download's format; raise it when a key changes meaning or goes away.
EXPORT_VERSION = 1


@dataclass(frozen=True)
class Records:
    identity: object
    signatures: list
    registrations: list
    donations: list
    contact_messages: list
    subscriptions: list
    memberships: list

    @property
    def empty(self):
        return not (
            self.signatures
            or self.registrations
            or self.donations
            or self.contact_messages
            or self.subscriptions
            or self.memberships
        )


def signatures_of(normalized):
    # The index behind one_signature_per_email leads with the petition: naming every petition
    # lets PostgreSQL use it instead of reading every signature. Wiped signatures have no
    # address and never match.
    petitions = list(Petition.objects.values_list("pk", flat=True))
    return Signature.objects.filter(petition_id__in=petitions, email_normalized=normalized)


def registrations_of(normalized):
    return Registration.objects.filter(email_normalized=normalized)


def donor_addresses(identity, *spellings):
    """The addresses a donation of this person may carry, one per spelling ignoring case: as
    typed in the request, normalised, and as given when signing or registering (which normalise
    the same). Never an empty one: an anonymised gift has no address."""
    seen, addresses = set(), []
    for address in (identity.address, identity.normalized, *spellings):
        if address and address.casefold() not in seen:
            seen.add(address.casefold())
            addresses.append(address)
    return addresses


def donations_of(addresses):
    if not addresses:
        return DonationIntent.objects.none()
    owned = Q()
    for address in addresses:
        owned |= Q(donor_email__iexact=address)
    return DonationIntent.objects.filter(owned, anonymised_at__isnull=True)


def holds_anything(identity):
    """Whether the site holds anything at all about the address (before a link is sent)."""
    return (
        signatures_of(identity.normalized).exists()
        or registrations_of(identity.normalized).exists()
        or donations_of(donor_addresses(identity)).exists()
        or messages_of(identity.normalized).exists()
        or subscribers_of(identity.normalized).exists()
        or memberships_of(identity.normalized).exists()
    )


def records_of(identity):
    signatures = list(
        signatures_of(identity.normalized).select_related("petition").order_by("created_at", "pk")
    )
    registrations = list(
        registrations_of(identity.normalized).select_related("event").order_by("created_at", "pk")
    )
    for registration in registrations:
        registration.queue_position = event_services.queue_position(registration)
    memberships = list(
        member_services.with_status(memberships_of(identity.normalized))
        .select_related("kind")
        .order_by("created_at", "pk")
    )
    addresses = donor_addresses(
        identity,
        *(s.email for s in signatures),
        *(r.email for r in registrations),
        *(m.email for m in memberships),
    )
    donations = list(
        donations_of(addresses)
        .prefetch_related(
            Prefetch("charges", queryset=DonationCharge.objects.order_by("due_date", "pk")),
            Prefetch("events", queryset=DonationEvent.objects.order_by("at", "pk")),
        )
        .order_by("created_at", "pk")
    )
    contact_messages = list(messages_of(identity.normalized).order_by("created_at", "pk"))
    subscriptions = list(subscribers_of(identity.normalized))
    return Records(
        identity,
        signatures,
        registrations,
        donations,
        contact_messages,
        subscriptions,
        memberships,
    )


def addresses_of(identity):
    """Every address a donation of this person may carry (donor_addresses), with the spellings
    of their signatures and registrations read from the database: what erase_donation is given
    to check that a gift is theirs."""
    return donor_addresses(
        identity,
        *signatures_of(identity.normalized).values_list("email", flat=True),
        *registrations_of(identity.normalized).values_list("email", flat=True),
        *memberships_of(identity.normalized).values_list("email", flat=True),
    )


def masked_national_id(intent):
    """The birth date part of a stored fødselsnummer, the personal number hidden: enough for
    the donor to see that the number is theirs, of no use to anyone who gets hold of the link.
    "" when no key opens it."""
    number = national_id.decrypt(intent.national_id_encrypted)
    return f"{number[:6]}*****" if len(number) == 11 else ""


def _time(value):
    return timezone.localtime(value).isoformat() if value else None


def _signature(signature):
    return {
        "id": signature.pk,
        "petition": signature.petition.title,
        "full_name": signature.full_name,
        "email": signature.email,
        "postal_code": signature.postal_code,
        "place": signature.place,
        "comment": signature.comment,
        "comment_approved": signature.comment_approved,
        "shown_publicly": signature.show_publicly,
        "keep_me_updated": signature.wants_updates,
        "status": signature.status,
        "status_label": str(signature.get_status_display()),
        "consent_version": signature.consent_version,
        "consented_at": _time(signature.consented_at),
        "signed_at": _time(signature.created_at),
        "confirmed_at": _time(signature.confirmed_at),
        "ip_address_hash": signature.ip_hash,
    }


def _registration(registration):
    return {
        "id": registration.pk,
        "event": registration.event.title,
        "event_starts_at": _time(registration.event.starts_at),
        "name": registration.name,
        "email": registration.email,
        "phone": registration.phone,
        "registering_for": registration.affiliation,
        "registering_for_label": str(registration.get_affiliation_display()),
        "organisation": registration.organisation,
        "seats": registration.seats,
        "dietary_needs": registration.dietary_needs,
        "accessibility_needs": registration.accessibility_needs,
        "status": registration.status,
        "status_label": str(registration.get_status_display()),
        "waiting_list_position": registration.queue_position,
        "priority": registration.priority,
        "consent_version": registration.consent_version,
        "consented_at": _time(registration.consented_at),
        "registered_at": _time(registration.created_at),
        "confirmed_at": _time(registration.confirmed_at),
        "offered_at": _time(registration.offered_at),
        "offer_expires_at": _time(registration.offer_expires_at),
        "cancelled_at": _time(registration.cancelled_at),
    }


def _donation(intent):
    provider = PROVIDERS.get(intent.provider)
    registered = bool(intent.national_id_encrypted)
    return {
        "id": str(intent.pk),
        "amount": intent.amount_ore / 100,
        "currency": intent.currency,
        "purpose": intent.purpose,
        "description": intent.description,
        "frequency": intent.frequency,
        "frequency_label": str(intent.get_frequency_display()),
        "payment_method": intent.provider,
        "payment_method_label": str(provider.label) if provider else intent.provider,
        "status": intent.status,
        "status_label": str(intent.get_status_display()),
        "name": intent.donor_name,
        "email": intent.donor_email,
        "message": intent.message,
        "kid": intent.kid,
        "provider_reference": intent.provider_reference,
        "tax_deduction": intent.tax_deduction,
        "national_id_registered": registered,
        "national_id_masked": (masked_national_id(intent) or None) if registered else None,
        "created_at": _time(intent.created_at),
        "paid_at": _time(intent.paid_at),
        "monthly_gift_ended_at": _time(intent.ended_at),
        "payments": [
            {
                "due_date": charge.due_date.isoformat(),
                "amount": charge.amount_ore / 100,
                "status": charge.status,
                "status_label": str(charge.get_status_display()),
                "paid_at": _time(charge.paid_at),
            }
            for charge in intent.charges.all()
        ],
        "status_changes": [
            {
                "from": change.from_status,
                "to": change.to_status,
                "by": change.source,
                "at": _time(change.at),
            }
            for change in intent.events.all()
        ],
    }


def _contact_message(message):
    return {
        "id": message.pk,
        "name": message.name,
        "email": message.email,
        "subject": message.subject,
        "message": message.message,
        "status": message.status,
        "status_label": str(message.get_status_display()),
        "sent_at": _time(message.created_at),
        "closed_at": _time(message.closed_at),
        "ip_address_hash": message.ip_hash,
    }


def _subscription(subscriber):
    return {
        "id": subscriber.pk,
        "email": subscriber.email,
        "first_name": subscriber.first_name,
        "status": subscriber.status,
        "status_label": str(subscriber.get_status_display()),
        "consent_version": subscriber.consent_version,
        "consented_at": _time(subscriber.consented_at),
        "signed_up_at": _time(subscriber.created_at),
        "confirmed_at": _time(subscriber.confirmed_at),
        "ip_address_hash": subscriber.ip_hash,
    }


def _membership(membership):
    return {
        "id": membership.pk,
        "kind": membership.kind.name,
        "name": membership.name,
        "email": membership.email,
        "phone": membership.phone,
        "postal_code": membership.postal_code,
        "place": membership.place,
        "birth_year": membership.birth_year,
        "status": membership.member_status,
        "status_label": str(membership.get_member_status_display()),
        "consent_version": membership.consent_version,
        "consented_at": _time(membership.consented_at),
        "joined_at": _time(membership.created_at),
        "confirmed_at": _time(membership.confirmed_at),
        "resigned_at": _time(membership.resigned_at),
        "fees": [
            {"year": fee.year, "kind": fee.kind.name, "payment": str(fee.payment_id)}
            for fee in membership.fees.select_related("kind").order_by("year", "pk")
        ],
        "ip_address_hash": membership.ip_hash,
    }


def export(records, *, now=None):
    """Everything in `records` as a JSON-ready dict (the «Last ned alt (JSON)» download)."""
    return {
        "format_version": EXPORT_VERSION,
        "controller": "Spero foreningen",
        "email": records.identity.normalized,
        "exported_at": _time(now or timezone.now()),
        "signatures": [_signature(s) for s in records.signatures],
        "registrations": [_registration(r) for r in records.registrations],
        "donations": [_donation(d) for d in records.donations],
        "contact_messages": [_contact_message(m) for m in records.contact_messages],
        "newsletter": [_subscription(s) for s in records.subscriptions],
        "memberships": [_membership(m) for m in records.memberships],
    }
