"""Every rule that changes subscribers, one transaction each."""

import datetime
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsletter.models import Subscriber
from spero_site.forms import normalize_email
from spero_site.retention import deleting_rule, local
from spero_site.tasks import enqueue_once

CONFIRM_SALT = "newsletter.confirm"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
# A confirmation link works this long; an address never confirmed is deleted after it.
CONFIRM_WITHIN = datetime.timedelta(days=7)
CONFIRM_DUE = "confirm"


class InvalidLink(Exception):
    """A confirmation link that is forged, too old or of an address no longer on the list."""


@dataclass(frozen=True)
class SubscriberData:
    email: str
    first_name: str = ""


def confirm_token(subscriber):
    return signing.dumps(subscriber.pk, salt=CONFIRM_SALT)


def unsubscribe_token(subscriber):
    return signing.dumps(subscriber.pk, salt=UNSUBSCRIBE_SALT)


def _pk_from(token, salt, max_age=None):
    try:
        return int(signing.loads(token, salt=salt, max_age=max_age))
    except (signing.BadSignature, TypeError, ValueError, OverflowError) as error:
        raise InvalidLink from error


def subscribe(data, *, consent_version, ip_hash):
    """Sign an address up, unconfirmed, and make its confirmation e-mail due. An address already
    confirmed stays as it is and gets no e-mail; one not yet confirmed gets a new e-mail with
    the consent given now. Returns the subscriber."""
    from newsletter import tasks

    normalized = normalize_email(data.email)
    for _attempt in range(2):  # two at once for one new address: the second finds the first
        try:
            with transaction.atomic():
                subscriber = (
                    Subscriber.objects.select_for_update()
                    .filter(email_normalized=normalized)
                    .first()
                )
                if subscriber and subscriber.status == Subscriber.Status.CONFIRMED:
                    return subscriber
                subscriber = subscriber or Subscriber(email_normalized=normalized)
                subscriber.email = data.email
                subscriber.first_name = data.first_name
                subscriber.consent_version = consent_version
                subscriber.consented_at = timezone.now()
                subscriber.ip_hash = ip_hash
                subscriber.email_due = CONFIRM_DUE
                subscriber.save()
                enqueue_once(tasks.send_due_emails, tasks.DUE_EMAILS)
                return subscriber
        except IntegrityError:
            continue
    raise IntegrityError(normalized)


@transaction.atomic
def confirm(token):
    """The address's owner confirms from the e-mail: from now on it gets the newsletter."""
    pk = _pk_from(token, CONFIRM_SALT, max_age=CONFIRM_WITHIN.total_seconds())
    subscriber = Subscriber.objects.select_for_update().filter(pk=pk).first()
    if subscriber is None:
        raise InvalidLink
    if subscriber.status == Subscriber.Status.UNCONFIRMED:
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at"])
    return subscriber


@transaction.atomic
def unsubscribe(token):
    """The link in every newsletter: the address is deleted from the list at once. A second
    click finds nothing and is no error. Raises InvalidLink for a forged token."""
    pk = _pk_from(token, UNSUBSCRIBE_SALT)
    return Subscriber.objects.filter(pk=pk).delete()[0] > 0


def subscribers_of(normalized):
    return Subscriber.objects.filter(email_normalized=normalized)


@transaction.atomic
def erase_subscriber(pk, *, email_normalized):
    """«Mine data»: the person takes their address off the list. DoesNotExist unless theirs."""
    if not subscribers_of(email_normalized).filter(pk=pk).delete()[0]:
        raise Subscriber.DoesNotExist


def _unconfirmed_before(now):
    return now - CONFIRM_WITHIN


def _unconfirmed(now):
    return Subscriber.objects.filter(
        status=Subscriber.Status.UNCONFIRMED, consented_at__lt=_unconfirmed_before(now)
    )


def retention_rules():
    return [
        deleting_rule(
            "unconfirmed_subscribers",
            lambda now: (
                f"unconfirmed newsletter subscriber(s) signed up before "
                f"{local(_unconfirmed_before(now))} ({CONFIRM_WITHIN.days} days)"
            ),
            _unconfirmed,
        )
    ]
