"""Enqueueing background work (django-tasks) once for many requests.

A surge of signers must not queue a task each: queueing costs the request more than anything
else it does (docs/performance.md). Instead the data itself says what work is due (an outbox,
such as Signature.email_due), and one queued run of a task does all of it. Two calls make the
handshake:

- `enqueue_once(task, key)`, after the work is saved: it enqueues the task once the
  transaction commits, unless a run is already queued and has not started;
- `run_started(key)`, the first thing the task does, before it reads what is due.

Why nothing is left behind: a request that finds a run queued set its mark only after its
data was committed, and that run reads what is due only after it clears the mark, so it sees
the data. A request that comes after the mark was cleared queues a new run. The mark lives in
the shared cache with a time limit, so a run that is lost (a worker killed mid-task) delays the
work at most until the next request after that limit, or the next periodic run.
"""

import logging

from django.db import transaction
from django_tasks import task

from spero_site.cache import strict_cache as cache

logger = logging.getLogger(__name__)

# A queued run that has not started within this time is presumed lost.
QUEUED_MARK_SECONDS = 60


def _mark(key):
    return f"task-queued:{key}"


def enqueue_once(task, key):
    """After the current transaction commits, enqueue `task` (without arguments) unless a run
    of it is queued that has not yet called run_started(key)."""

    def enqueue():
        try:
            first = cache.add(_mark(key), 1, timeout=QUEUED_MARK_SECONDS)
        except Exception:  # noqa: BLE001 - a needless run is harmless, a missing one is not
            logger.exception("Cache unavailable; enqueueing %s anyway", key)
            first = True
        if first:
            task.enqueue()

    transaction.on_commit(enqueue)


def run_started(key):
    """Called by the task before it reads what is due: from now on enqueue_once queues a new
    run for work saved later."""
    try:
        cache.delete(_mark(key))
    except Exception:  # noqa: BLE001 - the mark expires by itself
        logger.exception("Cache unavailable; the mark for %s expires by itself", key)


@task()
def enforce_retention():
    """Every app's retention rule, as `manage.py enforce_retention` runs them, for a worker
    or scheduler to run daily. Returns how many records each rule changed, by rule name."""
    from spero_site import retention

    return {rule.name: count for rule, count, _line in retention.enforce()}
