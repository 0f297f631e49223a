"""Every rule that changes subscribers, one transaction each."""

import datetime
import logging
import smtplib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.models import Signature
from newsletter.models import Delivery, Mailing, Subscriber
from spero_site.forms import normalize_email
from spero_site.outbox import retry_while_database_away
from spero_site.retention import deleting_rule, local
from spero_site.tasks import enqueue_once

logger = logging.getLogger(__name__)

CONFIRM_SALT = "newsletter.confirm"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
# A confirmation link works this long; an address never confirmed is deleted after it.
CONFIRM_WITHIN = datetime.timedelta(days=7)
CONFIRM_DUE = "confirm"
# Deliveries (who got which newsletter) are deleted this long after the sending finished; the
# mailing keeps its counts.
DELIVERY_RETENTION = datetime.timedelta(days=30)
# Recipients read at a time while sending; each message is recorded on its own.
SEND_BATCH_SIZE = 100


class InvalidLink(Exception):
    """A confirmation link that is forged, too old or of an address no longer on the list."""


class AlreadySent(Exception):
    """This newsletter has been sent, or is being sent, already."""


class NotPublished(Exception):
    """The newsletter's page is not published: the e-mail would link to nothing."""


class NoRecipients(Exception):
    """Nobody would get this newsletter."""


@dataclass(frozen=True)
class NewsletterContent:
    """What pages.NewsletterPage gives to be sent: the body as HTML and as plain text, without
    the document around it or the footer with the unsubscribe link (tasks.newsletter_message
    adds them), and the address of the web version."""

    subject: str
    html: str
    text: str
    web_url: str = ""


@dataclass(frozen=True)
class SubscriberData:
    email: str
    first_name: str = ""


def confirm_token(subscriber):
    return signing.dumps(subscriber.pk, salt=CONFIRM_SALT)


def unsubscribe_token(subscriber):
    return signing.dumps(subscriber.pk, salt=UNSUBSCRIBE_SALT)


def signer_unsubscribe_token(signature):
    """For an opprop signer who ticked «hold meg oppdatert»: unsubscribing unticks it."""
    return signing.dumps(["signature", signature.pk], salt=UNSUBSCRIBE_SALT)


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
    """The link in every newsletter: the address is deleted from the list at once (for an
    opprop signer, «hold meg oppdatert» is unticked). A second click finds nothing and is no
    error. Raises InvalidLink for a forged token."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as error:
        raise InvalidLink from error
    if isinstance(payload, list) and len(payload) == 2 and payload[0] == "signature":
        return campaign_services.stop_updates(int(payload[1]))
    return Subscriber.objects.filter(pk=_pk_from(token, UNSUBSCRIBE_SALT)).delete()[0] > 0


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


def _old_deliveries(now):
    return Delivery.objects.filter(mailing__finished_at__lt=now - DELIVERY_RETENTION)


def retention_rules():
    return [
        deleting_rule(
            "unconfirmed_subscribers",
            lambda now: (
                f"unconfirmed newsletter subscriber(s) signed up before "
                f"{local(_unconfirmed_before(now))} ({CONFIRM_WITHIN.days} days)"
            ),
            _unconfirmed,
        ),
        deleting_rule(
            "newsletter_deliveries",
            lambda now: (
                f"newsletter deliveries of sendings finished before "
                f"{local(now - DELIVERY_RETENTION)} ({DELIVERY_RETENTION.days} days)"
            ),
            _old_deliveries,
        ),
    ]


# ---------------------------------------------------------------------------------------------
# Sending a newsletter (docs/newsletter.md, "Sending")


def recipients(*, include_signers):
    """(subscriber id, signature id) of everyone a newsletter goes to: every confirmed
    subscriber and, when staff include them, every confirmed opprop signer who ticked «hold meg
    oppdatert». An address is on it once, however many lists and petitions it is on."""
    subscribers = Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).order_by("pk")
    rows, seen = [], set()
    for pk, address in subscribers.values_list("pk", "email_normalized").iterator():
        seen.add(address)
        rows.append((pk, None))
    if include_signers:
        for pk, address in _signers_wanting_updates().values_list("pk", "email_normalized"):
            if address not in seen:
                seen.add(address)
                rows.append((None, pk))
    return rows


def _signers_wanting_updates():
    return (
        Signature.objects.filter(status=Signature.Status.CONFIRMED, wants_updates=True)
        .exclude(email_normalized="")
        .order_by("pk")
    )


def send_test(content, *, to):
    """Send the newsletter to one address (a member of staff's own) now, marked as a test,
    with an unsubscribe link that does nothing. Raises smtplib/OSError errors as they come."""
    from newsletter import tasks

    tasks.newsletter_message(content, to=to, unsubscribe_url="", test=True).send()


def start_mailing(page, content, *, include_signers, started_by):
    """Send the newsletter written as `page` to everyone on the list, in the background. Its
    content is kept as it is now. Raises NotPublished for a page that is not live, AlreadySent
    for a page that has a sending (two clicks at once make one), NoRecipients when nobody would
    get it."""
    from newsletter import tasks

    if not page.live:
        raise NotPublished

    with transaction.atomic():
        try:
            with transaction.atomic():
                mailing = Mailing.objects.create(
                    page=page,
                    subject=content.subject,
                    html=content.html,
                    text=content.text,
                    web_url=content.web_url,
                    include_signers=include_signers,
                    started_by=started_by,
                )
        except IntegrityError as error:
            raise AlreadySent from error
        rows = recipients(include_signers=include_signers)
        if not rows:
            raise NoRecipients
        Delivery.objects.bulk_create(
            (Delivery(mailing=mailing, subscriber_id=s, signature_id=g) for s, g in rows),
            batch_size=1000,
        )
        mailing.recipients = len(rows)
        mailing.save(update_fields=["recipients"])
        transaction.on_commit(lambda: tasks.send_mailing.enqueue(mailing.pk))
    return mailing


def progress(mailing):
    """How many of the mailing's recipients are in each Delivery.Status, with every status."""
    counts = dict.fromkeys(Delivery.Status.values, 0)
    if mailing.final_counts:
        counts.update(mailing.final_counts)
        return counts
    rows = Delivery.objects.filter(mailing=mailing).values("status").annotate(n=Count("pk"))
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def _lease_seconds():
    return datetime.timedelta(seconds=settings.NEWSLETTER_LEASE_SECONDS)


class _LeaseLost(Exception):
    """Another run has taken over this mailing (this one was presumed dead)."""


def send_mailing(mailing_id):
    """Send a mailing's messages that are waiting, one by one, and record each as it goes
    (the task runs this). Only one run sends a mailing at a time, by its lease. A message is
    never sent twice: each is recorded as being sent before it is handed to the mail server,
    and a run that finds one so recorded by a run that died counts it as perhaps sent. Returns
    how many this run sent."""
    token = uuid.uuid4()
    if not _take_lease(mailing_id, token):
        return 0
    mailing = Mailing.objects.get(pk=mailing_id)
    sent = 0
    try:
        with get_connection() as mail:
            while batch := _waiting(mailing_id):
                for delivery in batch:
                    sent += _send_one(mailing, delivery, token, mail)
        _finish(mailing_id, token)
    except _LeaseLost:
        logger.warning("Mailing %s was taken over by another run", mailing_id)
    finally:
        Mailing.objects.filter(pk=mailing_id, lease_token=token).update(
            lease_token=None, lease_until=None
        )
    return sent


def _take_lease(mailing_id, token):
    now = timezone.now()
    with transaction.atomic():
        mailing = (
            Mailing.objects.select_for_update()
            .filter(pk=mailing_id, status=Mailing.Status.SENDING)
            .first()
        )
        if mailing is None or (mailing.lease_until and mailing.lease_until > now):
            return False
        # A run before this one stopped while handing these over: they may have gone out.
        Delivery.objects.filter(mailing_id=mailing_id, status=Delivery.Status.SENDING).update(
            status=Delivery.Status.UNCERTAIN
        )
        mailing.lease_token = token
        mailing.lease_until = now + _lease_seconds()
        mailing.save(update_fields=["lease_token", "lease_until"])
    return True


def _waiting(mailing_id):
    return list(
        Delivery.objects.filter(mailing_id=mailing_id, status=Delivery.Status.PENDING)
        .select_related("subscriber", "signature")
        .order_by("pk")[:SEND_BATCH_SIZE]
    )


def _address_and_token(delivery):
    """Where the delivery goes and its unsubscribe token; None for someone who has left."""
    subscriber, signature = delivery.subscriber, delivery.signature
    if subscriber and subscriber.status == Subscriber.Status.CONFIRMED:
        return subscriber.email, unsubscribe_token(subscriber)
    if signature and signature.wants_updates and signature.email:
        return signature.email, signer_unsubscribe_token(signature)
    return None


def _send_one(mailing, delivery, token, mail):
    """Record the delivery as being sent (renewing the lease), hand it to the mail server,
    record what came of it. Returns 1 if it was sent."""
    from newsletter import tasks

    recipient = _address_and_token(delivery)
    message = recipient and tasks.newsletter_message(
        mailing,
        to=recipient[0],
        unsubscribe_url=tasks.unsubscribe_url(recipient[1]),
        message_id=tasks.delivery_message_id(delivery),
        connection=mail,
    )
    with transaction.atomic():
        if not Mailing.objects.filter(pk=mailing.pk, lease_token=token).update(
            lease_until=timezone.now() + _lease_seconds()
        ):
            raise _LeaseLost
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.SENDING if message else Delivery.Status.SKIPPED
        )
    if not message:
        return 0
    try:
        message.send()
        outcome = Delivery.Status.SENT
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused):
        logger.warning("The mail server refused newsletter delivery %s", delivery.pk)
        outcome = Delivery.Status.FAILED
    except Exception:
        # The connection broke while the message was handed over: it may have gone out. The
        # run stops here; the next one sends the rest.
        _record(delivery.pk, Delivery.Status.UNCERTAIN)
        raise
    _record(delivery.pk, outcome)
    return int(outcome == Delivery.Status.SENT)


def _record(delivery_pk, outcome):
    being_sent = [Delivery.Status.SENDING, Delivery.Status.UNCERTAIN]
    retry_while_database_away(
        lambda: Delivery.objects.filter(pk=delivery_pk, status__in=being_sent).update(
            status=outcome
        ),
        f"newsletter delivery {delivery_pk}",
    )


def _finish(mailing_id, token):
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().get(pk=mailing_id)
        if mailing.lease_token != token:
            raise _LeaseLost
        mailing.status = Mailing.Status.SENT
        mailing.finished_at = timezone.now()
        mailing.final_counts = progress(mailing)
        mailing.save(update_fields=["status", "finished_at", "final_counts"])


def resume_mailings():
    """Queue a run for every mailing still sending whose last run has stopped (its lease ran
    out, or it never started): the scheduler calls this. Returns how many were queued."""
    from newsletter import tasks

    now = timezone.now()
    stalled = Mailing.objects.filter(status=Mailing.Status.SENDING).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )
    ids = list(stalled.values_list("pk", flat=True))
    for mailing_id in ids:
        tasks.send_mailing.enqueue(mailing_id)
    return len(ids)
