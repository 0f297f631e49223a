"""E-mails from an outbox: a model's rows say which e-mail each is due (a field such as
Signature.email_due or Registration.email_due), and one background run sends all that are due.

An app's task calls `send_due(...)` after `spero_site.tasks.run_started(key)`; its services set
the field and call `spero_site.tasks.enqueue_once(task, key)` in the transaction that makes an
e-mail due. Then a surge queues a handful of runs instead of a task per person, a run sends over
one connection to the mail server, and an e-mail reflects the row as it is when it goes out.

Each e-mail is sent once, also when the database goes away while it is sent: a run first claims
a batch of rows for a while (`email_claimed_until`, committed), then sends each one outside any
transaction and records it as sent at once. The mail server answers whether or not the database
is there, so a run that has sent an e-mail keeps trying to record it until the database is back,
and no other run takes a claimed row meanwhile. Only a run that dies between the mail server's
answer and that record (a killed worker) leaves an e-mail that is sent again, after the claim
runs out (docs/deploy.md, "What the site does when a part fails").
"""

import datetime
import logging
import time

from django.core.mail import get_connection
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

# E-mails claimed at a time; the claim is one short transaction, the sending is outside it.
BATCH_SIZE = 25
# How long a claim keeps other runs away: longer than a batch takes to send when every message
# waits for EMAIL_TIMEOUT, and than the database takes to come back from a restart.
CLAIM_SECONDS = 15 * 60
# A run that has sent an e-mail retries recording it for this long (well within its claim).
RECORD_RETRY_SECONDS = 10 * 60
CLAIM_FIELD = "email_claimed_until"


def send_due(
    queryset,
    build_message,
    *,
    field="email_due",
    claim_field=CLAIM_FIELD,
    batch_size=BATCH_SIZE,
):
    """Send the e-mail that each row of `queryset` is due (`build_message(row, connection)`
    returns it), and mark each one sent by emptying `field`. Returns how many were sent. A row
    that is due two kinds of e-mail has a `field` and a `claim_field` for each.

    A row locked by someone else is waited for, not skipped: a run must see every e-mail that
    was due when it started (spero_site/tasks.py). A row another run has claimed is left to
    that run. An e-mail the mail server refuses stays due for a later run, and the others go
    out; when the server cannot be reached at all, the run fails at once and everything stays
    due."""
    mail = get_connection()
    mail.open()
    sent_total, failed = 0, set()
    try:
        while True:
            claim, batch = _claim_batch(queryset, field, claim_field, failed, batch_size)
            if not batch:
                return sent_total
            for row in batch:
                due = getattr(row, field)
                try:
                    delivered = build_message(row, mail).send() == 1
                except Exception:  # noqa: BLE001 - one bad message must not stop the rest
                    logger.exception("Could not send the e-mail of %s %s", row._meta, row.pk)
                    delivered = False
                if delivered:
                    sent_total += 1
                else:
                    failed.add(row.pk)
                _record(queryset.model, row.pk, (field, claim_field), due, claim, delivered)
    finally:
        mail.close()


def _claim_batch(queryset, field, claim_field, failed, batch_size):
    """Claim up to batch_size due rows that no live claim holds; returns (claim, rows)."""
    now = timezone.now()
    claim = now + datetime.timedelta(seconds=CLAIM_SECONDS)
    unclaimed = Q(**{f"{claim_field}__isnull": True}) | Q(**{f"{claim_field}__lt": now})
    with transaction.atomic():
        batch = list(
            queryset.select_for_update(of=("self",))
            .exclude(**{field: ""})
            .exclude(pk__in=failed)
            .filter(unclaimed)
            .order_by("pk")[:batch_size]
        )
        queryset.model.objects.filter(pk__in=[row.pk for row in batch]).update(
            **{claim_field: claim}
        )
    return claim, batch


def _record(model, pk, fields, due, claim, delivered):
    """Give up the claim on one row, emptying `field` when its e-mail was delivered and is still
    the one due (a new one that became due meanwhile is sent by a later batch). Retried while
    the database is away: a sent e-mail that is not recorded would be sent again."""
    field, claim_field = fields
    mine = model.objects.filter(pk=pk, **{claim_field: claim})

    def record():
        recorded = delivered and mine.filter(**{field: due}).update(
            **{field: "", claim_field: None}
        )
        if not recorded:
            mine.update(**{claim_field: None})

    retry_while_database_away(record, f"the e-mail of {model._meta.label} {pk}")


def retry_while_database_away(action, what):
    """Run `action` (a database write that records an e-mail sent), again and again while the
    database is unavailable, for up to RECORD_RETRY_SECONDS. Returns what it returns."""
    deadline = time.monotonic() + RECORD_RETRY_SECONDS
    pause = 0.2
    while True:
        try:
            return action()
        except DatabaseError:
            # Inside a caller's transaction nothing can be retried; nor after the deadline.
            if connection.in_atomic_block or time.monotonic() > deadline:
                raise
            logger.warning("Database unavailable; recording %s again", what)
            connection.close()
            time.sleep(pause)
            pause = min(pause * 2, 5)
