"""Every rule that changes contact messages, one transaction each."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from contact.models import ContactMessage
from spero_site.forms import normalize_email
from spero_site.retention import deleting_rule, local
from spero_site.tasks import enqueue_once

DUE = "new"


class NoRecipient(Exception):
    """The organisation's settings give no e-mail address to send messages to."""


@dataclass(frozen=True)
class MessageData:
    name: str
    email: str
    subject: str
    message: str


@transaction.atomic
def receive(data, *, recipient, ip_hash):
    """Store a message and make its two e-mails due: the notice to `recipient` and the receipt
    to the sender. Returns the message."""
    from contact import tasks

    if not recipient:
        raise NoRecipient
    message = ContactMessage.objects.create(
        name=data.name,
        email=data.email,
        email_normalized=normalize_email(data.email),
        subject=data.subject,
        message=data.message,
        recipient=recipient,
        ip_hash=ip_hash,
        notice_due=DUE,
        receipt_due=DUE,
    )
    enqueue_once(tasks.send_due_emails, tasks.DUE_EMAILS)
    return message


@transaction.atomic
def close(message_id):
    """Staff have answered or dealt with the message. Closing again changes nothing. Returns
    whether it was open."""
    closed = ContactMessage.objects.filter(pk=message_id, status=ContactMessage.Status.OPEN).update(
        status=ContactMessage.Status.CLOSED, closed_at=timezone.now()
    )
    if not closed and not ContactMessage.objects.filter(pk=message_id).exists():
        raise ContactMessage.DoesNotExist
    return bool(closed)


def messages_of(normalized):
    return ContactMessage.objects.filter(email_normalized=normalized)


@transaction.atomic
def erase_message(message_id, *, email_normalized):
    """The sender deletes their message («Mine data»). DoesNotExist unless it is theirs."""
    deleted, _ = messages_of(email_normalized).filter(pk=message_id).delete()
    if not deleted:
        raise ContactMessage.DoesNotExist


def _closed_before(now):
    return now - datetime.timedelta(days=settings.CONTACT_CLOSED_RETENTION_DAYS)


def _received_before(now):
    return now - datetime.timedelta(days=settings.CONTACT_RETENTION_DAYS)


def _expired(now):
    return ContactMessage.objects.filter(
        status=ContactMessage.Status.CLOSED, closed_at__lt=_closed_before(now)
    ) | ContactMessage.objects.filter(created_at__lt=_received_before(now))


def retention_rules():
    return [
        deleting_rule(
            "contact_messages",
            lambda now: (
                f"contact message(s) closed before {local(_closed_before(now))} "
                f"({settings.CONTACT_CLOSED_RETENTION_DAYS} days) or received before "
                f"{local(_received_before(now))} ({settings.CONTACT_RETENTION_DAYS} days)"
            ),
            _expired,
        )
    ]
