"""Every rule that changes signatures or a petition's count. Each function is one transaction and
raises a named exception when a rule says no. Views, admin views, commands and tasks call these.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from campaigns import tasks
from campaigns.models import Petition, Signature
from campaigns.postal_codes import place_for_postal_code
from spero_site import page_cache
from spero_site.forms import normalize_email
from spero_site.generations import Generation
from spero_site.retention import RetentionRule, local
from spero_site.tasks import enqueue_once

CONFIRM_SALT = "campaigns.signature.confirm"
WITHDRAW_SALT = "campaigns.signature.withdraw"
CONFIRM_LINK_MAX_AGE = datetime.timedelta(days=7)
UNCONFIRMED_RETENTION = datetime.timedelta(days=7)
# A repeat signer gets at most one e-mail per this interval.
EMAIL_RESEND_INTERVAL = datetime.timedelta(minutes=10)
# The live count (count.json) is kept in the shared cache and made anew after every change to a
# count; the time limit only bounds an entry of a petition nobody asks about.
COUNTS = Generation("petition-count:generation")
COUNT_CACHE_SECONDS = 10 * 60


class PetitionClosed(Exception):
    """The petition does not take signatures now."""


class InvalidLink(Exception):
    """A confirmation or withdrawal link that is forged, expired or no longer applies."""


@dataclass(frozen=True)
class SignatureData:
    full_name: str
    email: str
    postal_code: str
    show_publicly: bool
    comment: str
    wants_updates: bool = False


def confirm_token(signature):
    return signing.dumps(signature.pk, salt=CONFIRM_SALT)


def withdraw_token(signature):
    return signing.dumps(signature.pk, salt=WITHDRAW_SALT)


def _pk_from(token, salt, max_age=None):
    try:
        return int(signing.loads(token, salt=salt, max_age=max_age))
    except (signing.BadSignature, TypeError, ValueError, OverflowError) as error:
        raise InvalidLink from error


# A new signature in one statement. The INSERT reads the petition's consent version and checks
# its open window itself, and skips an address that has signed already (the partial unique
# index one_signature_per_email). It stands for a SELECT of the petition, a savepoint and the
# ORM's INSERT, which were most of a signature's cost (docs/performance.md). No row back means
# a repeat signer, or a petition that is closed or does not exist; sign() sorts that out.
# The conflict target repeats the index's condition as Django writes it: SQLite (development)
# accepts only that form, PostgreSQL any that implies it.
_INSERT_SIGNATURE = """
    INSERT INTO campaigns_signature (
        petition_id, status, full_name, email, email_normalized, postal_code, place,
        show_publicly, wants_updates, comment, comment_approved, consent_version, consented_at,
        ip_hash, created_at, last_email_sent_at, email_due
    )
    SELECT
        id, %(status)s, %(full_name)s, %(email)s, %(email_normalized)s, %(postal_code)s,
        %(place)s, %(show_publicly)s, %(wants_updates)s, %(comment)s, FALSE, consent_version,
        %(now)s, %(ip_hash)s, %(now)s, %(now)s, %(email_due)s
    FROM campaigns_petition
    WHERE slug = %(slug)s AND opens_at <= %(now)s AND (closes_at IS NULL OR closes_at > %(now)s)
    ON CONFLICT (petition_id, email_normalized) WHERE NOT (email_normalized = '') DO NOTHING
    RETURNING id
"""


def sign(petition_slug, data, *, ip_hash, now=None):
    """Take a signature, or a repeat of one, with the same outcome for the caller either way:
    a new signer gets a confirmation e-mail; a repeat signer gets a fresh confirmation (still
    unconfirmed) or a note that they have signed (confirmed), at most once per interval. A
    repeat changes nothing stored: whoever types someone's address cannot tick «hold meg
    oppdatert» for them.
    Raises PetitionClosed, or Petition.DoesNotExist for an unknown slug."""
    now = now or timezone.now()
    normalized = normalize_email(data.email)
    values = {
        "slug": petition_slug,
        "status": Signature.Status.UNCONFIRMED.value,
        "full_name": data.full_name,
        "email": data.email.strip(),
        "email_normalized": normalized,
        "postal_code": data.postal_code,
        "place": place_for_postal_code(data.postal_code),
        "show_publicly": data.show_publicly,
        "wants_updates": data.wants_updates,
        "comment": data.comment,
        "ip_hash": ip_hash,
        "now": connection.ops.adapt_datetimefield_value(now),
        "email_due": Signature.Email.CONFIRMATION.value,
    }
    # Usually this one statement is all, and so its own transaction (no BEGIN, no COMMIT).
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_SIGNATURE, values)
        inserted = cursor.fetchone()
    if inserted is not None:
        enqueue_once(tasks.send_due_emails, tasks.DUE_EMAILS)
        return
    with transaction.atomic():
        petition = Petition.objects.get(slug=petition_slug)
        if not petition.is_open(now):
            raise PetitionClosed
        repeat = (
            Signature.objects.select_for_update()
            .filter(petition=petition, email_normalized=normalized)
            .first()
        )
        if repeat is None:
            # Withdrawn or purged between the INSERT and this read: a new signature after all.
            return sign(petition_slug, data, ip_hash=ip_hash, now=now)
        if repeat.last_email_sent_at and now - repeat.last_email_sent_at < EMAIL_RESEND_INTERVAL:
            return
        if repeat.status == Signature.Status.UNCONFIRMED:
            repeat.email_due = Signature.Email.CONFIRMATION
        elif repeat.status == Signature.Status.CONFIRMED:
            repeat.email_due = Signature.Email.ALREADY_SIGNED
        else:
            return
        repeat.last_email_sent_at = now
        repeat.save(update_fields=["email_due", "last_email_sent_at"])
        enqueue_once(tasks.send_due_emails, tasks.DUE_EMAILS)


def confirm(token, *, now=None):
    """Confirm a signature from its e-mail link and count it once, however often the link is
    used. Returns the signature."""
    now = now or timezone.now()
    pk = _pk_from(token, CONFIRM_SALT, max_age=CONFIRM_LINK_MAX_AGE)
    with transaction.atomic():
        signature = (
            # Lock the signature only: the count changes by an atomic UPDATE, so confirmations of
            # different signatures need not wait for each other on the petition row.
            Signature.objects.select_for_update(of=("self",))
            .select_related("petition")
            .filter(pk=pk)
            .first()
        )
        if signature is None or signature.status not in (
            Signature.Status.UNCONFIRMED,
            Signature.Status.CONFIRMED,
        ):
            raise InvalidLink
        if signature.status == Signature.Status.CONFIRMED:
            return signature
        if not signature.petition.is_open(now):
            raise PetitionClosed
        signature.status = Signature.Status.CONFIRMED
        signature.confirmed_at = now
        signature.save(update_fields=["status", "confirmed_at"])
        _change_count(signature.petition_id, +1, now)
    signature.petition.refresh_from_db(fields=["signature_count", "count_updated_at"])
    return signature


def withdraw(token, *, now=None):
    """Withdraw a signature from the link in its e-mail: its personal data is deleted at once
    and, if it was counted, the count drops. Returns the petition."""
    now = now or timezone.now()
    pk = _pk_from(token, WITHDRAW_SALT)
    with transaction.atomic():
        signature = (
            # Lock the signature only: the count changes by an atomic UPDATE, so confirmations of
            # different signatures need not wait for each other on the petition row.
            Signature.objects.select_for_update(of=("self",))
            .select_related("petition")
            .filter(pk=pk)
            .first()
        )
        if signature is None or signature.status == Signature.Status.INVALIDATED:
            raise InvalidLink
        if signature.status == Signature.Status.WITHDRAWN:
            return signature.petition
        if signature.status == Signature.Status.CONFIRMED:
            _change_count(signature.petition_id, -1, now)
        signature.status = Signature.Status.WITHDRAWN
        signature.wipe_personal_data(now)
        signature.save()
        _public_signers_changed()
    return signature.petition


def stop_updates(signature_id):
    """The unsubscribe link in a newsletter sent to a signer: «hold meg oppdatert» is no longer
    ticked; the signature itself stays. Returns whether it was ticked."""
    with transaction.atomic():
        return bool(
            Signature.objects.filter(pk=signature_id, wants_updates=True).update(
                wants_updates=False
            )
        )


def invalidate(signatures, *, now=None):
    """Take fraudulent signatures out of the count (staff, by IP hash or e-mail domain).
    Returns how many were invalidated."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = list(
            Signature.objects.select_for_update()
            .filter(pk__in=signatures.values("pk"))
            .filter(status__in=[Signature.Status.UNCONFIRMED, Signature.Status.CONFIRMED])
            .order_by("pk")
            .values_list("pk", "petition_id", "status")
        )
        confirmed_per_petition = {}
        for _, petition_id, status in locked:
            if status == Signature.Status.CONFIRMED:
                confirmed_per_petition[petition_id] = confirmed_per_petition.get(petition_id, 0) + 1
        # A confirmation e-mail not yet sent is not sent at all.
        Signature.objects.filter(pk__in=[pk for pk, _, _ in locked]).update(
            status=Signature.Status.INVALIDATED, email_due=Signature.Email.NONE
        )
        for petition_id, count in sorted(confirmed_per_petition.items()):
            _change_count(petition_id, -count, now)
        _public_signers_changed()
    return len(locked)


def set_comment_approval(signatures, approved):
    """Staff approve (or withdraw approval of) public comments. Returns how many changed."""
    with transaction.atomic():
        _public_signers_changed()
        return signatures.exclude(comment="").update(comment_approved=approved)


def _change_count(petition_id, delta, now):
    Petition.objects.filter(pk=petition_id).update(
        signature_count=F("signature_count") + delta, count_updated_at=now
    )
    COUNTS.renew_after_change()


def renew_counts_after_change(sender, instance, **kwargs):
    """post_save and post_delete receiver for Petition."""
    COUNTS.renew_after_change()


def _public_signers_changed():
    """A signer, name or comment may have left the latest signers: the stored campaign pages
    are made anew. (A new signer shows up when the stored page expires,
    CampaignPage.page_cache_seconds; the count at once, from count.json.)"""
    page_cache.PAGES.renew_after_change()


def live_count(slug):
    """The petition's count, goal and progress as count.json gives them: from the shared cache,
    read anew from the petition's row after any change. Raises Petition.DoesNotExist."""
    if len(slug) > Petition._meta.get_field("slug").max_length:
        raise Petition.DoesNotExist  # no such petition, and too long for a cache key
    key = f"petition-count:{slug}"
    generation, values = COUNTS.lookup(key)
    if values is None:
        petition = Petition.objects.only("signature_count", "goal", "count_updated_at").get(
            slug=slug
        )
        values = {
            "count": petition.signature_count,
            "goal": petition.goal,
            "percent": petition.progress_percent,
            "updated": petition.count_updated_at.isoformat(),
        }
        COUNTS.store(key, generation, values, COUNT_CACHE_SECONDS)
    return values


def purge_unconfirmed(*, now=None, dry_run=False):
    """Delete signatures never confirmed within UNCONFIRMED_RETENTION. Returns how many."""
    now = now or timezone.now()
    stale = Signature.objects.filter(
        status=Signature.Status.UNCONFIRMED, created_at__lt=now - UNCONFIRMED_RETENTION
    )
    if dry_run:
        return stale.count()
    with transaction.atomic():
        deleted, _ = stale.delete()
    return deleted


def months_before(moment, months):
    """The same day and time `months` calendar months earlier (the month's last day when the
    day does not exist there)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def anonymise_closed_petitions(*, now=None, dry_run=False):
    """Wipe the personal data of every signature whose petition closed more than
    SIGNATURE_RETENTION_MONTHS ago; rows and counts stay. Returns how many were anonymised."""
    now = now or timezone.now()
    cutoff = months_before(now, settings.SIGNATURE_RETENTION_MONTHS)
    # Withdrawn ones are wiped already; unconfirmed ones are purged by purge_unconfirmed.
    due = Signature.objects.filter(
        petition__closes_at__lt=cutoff,
        anonymised_at__isnull=True,
        status__in=[Signature.Status.CONFIRMED, Signature.Status.INVALIDATED],
    )
    if dry_run:
        return due.count()
    with transaction.atomic():
        anonymised = due.update(**Signature.WIPED, anonymised_at=now)
        if anonymised:  # the hourly run usually finds none: the stored pages stay
            _public_signers_changed()
    return anonymised


def retention_rules():
    """The opprop's rules for spero_site.retention: closed petitions' signatures anonymised,
    unconfirmed ones deleted (they touch disjoint signatures)."""
    months = settings.SIGNATURE_RETENTION_MONTHS
    days = UNCONFIRMED_RETENTION.days
    return [
        RetentionRule(
            name="signatures_of_closed_petitions",
            deletes=False,
            scope=lambda now: (
                f"signature(s) of petitions closed before "
                f"{local(months_before(now, months))} ({months} months)"
            ),
            apply=lambda now, dry_run: anonymise_closed_petitions(now=now, dry_run=dry_run),
        ),
        RetentionRule(
            name="unconfirmed_signatures",
            deletes=True,
            scope=lambda now: (
                f"unconfirmed signature(s) created before "
                f"{local(now - UNCONFIRMED_RETENTION)} ({days} days)"
            ),
            apply=lambda now, dry_run: purge_unconfirmed(now=now, dry_run=dry_run),
        ),
    ]


def recount(petition):
    """The exact count from the signature table, for checks and repairs (never on a page)."""
    return Signature.objects.filter(petition=petition, status=Signature.Status.CONFIRMED).count()


def reject_comments(signatures):
    """Staff reject public comments. A rejected comment is never shown, so it is deleted rather
    than kept. Returns how many were rejected."""
    with transaction.atomic():
        _public_signers_changed()
        return signatures.exclude(comment="").update(comment="", comment_approved=False)


# ---------------------------------------------------------------------------------------------
# The signer's own deletion («Mine data», privacy/)


def erase_signature(signature_id, *, email_normalized, now=None):
    """Delete a signature's personal data at its signer's request, as withdraw() does from the
    e-mail link: a counted signature stops counting (once), an unconfirmed one is withdrawn, an
    invalidated one stays invalidated; the row stays so that counts stay true. Only a
    signature with this normalised address is touched, so deleting twice changes nothing.
    Raises Signature.DoesNotExist for an id that is not this address's (or is wiped already)."""
    now = now or timezone.now()
    if not email_normalized:
        raise Signature.DoesNotExist
    with transaction.atomic():
        signature = (
            Signature.objects.select_for_update(of=("self",))
            .filter(pk=signature_id, email_normalized=email_normalized)
            .first()
        )
        if signature is None:
            raise Signature.DoesNotExist
        if signature.status == Signature.Status.CONFIRMED:
            _change_count(signature.petition_id, -1, now)
        if signature.status in (Signature.Status.UNCONFIRMED, Signature.Status.CONFIRMED):
            signature.status = Signature.Status.WITHDRAWN
        signature.wipe_personal_data(now)
        signature.save()
        _public_signers_changed()
    return signature
