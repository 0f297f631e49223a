"""E-mails from an outbox: a model's rows say which e-mail each is due (a field such as
Signature.email_due or Registration.email_due), and one background run sends all that are due.

An app's task calls `send_due(...)` after `spero_site.tasks.run_started(key)`; its services set
the field and call `spero_site.tasks.enqueue_once(task, key)` in the transaction that makes an
e-mail due. Then a surge queues a handful of runs instead of a task per person, a run sends over
one connection to the mail server, and an e-mail reflects the row as it is when it goes out.
"""

import logging

from django.core.mail import get_connection
from django.db import transaction

logger = logging.getLogger(__name__)

# E-mails sent per transaction: their rows stay locked until the batch is sent.
BATCH_SIZE = 25


def send_due(queryset, build_message, *, field="email_due", batch_size=BATCH_SIZE):
    """Send the e-mail that each row of `queryset` is due (`build_message(row, connection)`
    returns it), and mark each one sent by emptying `field`. Returns how many were sent.

    Each batch is one transaction with its rows locked, so two runs never send the same e-mail.
    A row locked by someone else is waited for, not skipped: a run must see every e-mail that
    was due when it started (spero_site/tasks.py). An e-mail the mail server refuses stays due
    for a later run, and the others go out; when the server cannot be reached at all, the run
    fails at once and everything stays due."""
    connection = get_connection()
    connection.open()
    due = queryset.select_for_update(of=("self",)).exclude(**{field: ""}).order_by("pk")
    sent_total, failed = 0, set()
    try:
        while True:
            with transaction.atomic():
                batch = list(due.exclude(pk__in=failed)[:batch_size])
                if not batch:
                    return sent_total
                sent = []
                for row in batch:
                    try:
                        delivered = build_message(row, connection).send() == 1
                    except Exception:  # noqa: BLE001 - one bad message must not stop the rest
                        logger.exception("Could not send the e-mail of %s %s", row._meta, row.pk)
                        delivered = False
                    (sent.append if delivered else failed.add)(row.pk)
                queryset.model.objects.filter(pk__in=sent).update(**{field: ""})
            sent_total += len(sent)
    finally:
        connection.close()
