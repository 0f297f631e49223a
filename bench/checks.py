"""The checks, in this process with Django on the bench database: every acknowledged signature
and registration stored once, every e-mail sent, the count right; and the rows the phases need
(the signatures' confirmation links, the bench event)."""

import datetime
import json
import time
from collections import Counter

from bench.common import COUNT_PATH, EMAIL_DOMAIN, EVENT_SLUG, SLUG, log
from bench.cpu import cpu_snapshot
from bench.stack import get

DRAIN_TIMEOUT = 120  # seconds the e-mail worker gets to empty the outbox


def drain_outbox(server, emails):
    """The e-mail outbox of these signatures right after signing, and once the worker has sent
    what was due (bounded wait), with the worker's rate and CPU per e-mail meanwhile."""
    after_signing = outbox_state(emails)
    before = cpu_snapshot(server)
    seconds, drained = wait_for_outbox(emails)
    after = cpu_snapshot(server)
    sent = after_signing["due"] - drained["due"]
    drained["seconds"] = seconds
    drained["sent_while_draining"] = sent
    drained["emails_per_s_while_draining"] = round(sent / seconds, 1) if seconds else None
    drained["worker_cpu_ms_per_email"] = round(
        1000 * (after["worker"] - before["worker"]) / max(sent, 1), 2
    )
    log(
        f"e-mail worker: {after_signing['due']} e-mails due after signing, "
        f"{drained['due']} after {seconds} s; {drained['emails_per_s_while_draining']} e-mails/s; "
        f"runs {drained['runs']}"
    )
    return after_signing, drained


def stored_signatures():
    from campaigns.models import Petition, Signature

    petition = Petition.objects.get(slug=SLUG)
    rows = list(
        Signature.objects.filter(
            petition=petition, email_normalized__endswith="@" + EMAIL_DOMAIN
        ).values_list("pk", "email_normalized", "status")
    )
    return petition, rows


def check_stored(acknowledged_emails):
    _, rows = stored_signatures()
    per_email = Counter(email for _, email, _ in rows)
    stored = set(per_email)
    return {
        "acknowledged": len(acknowledged_emails),
        "stored": len(rows),
        "lost": len(acknowledged_emails - stored),
        "lost_examples": sorted(acknowledged_emails - stored)[:10],
        "duplicates": sum(count - 1 for count in per_email.values() if count > 1),
        # Stored although the client saw no acknowledgement (a timeout or reset after commit).
        "stored_unacknowledged": len(stored - acknowledged_emails),
    }


def outbox_state(emails):
    """How many of these signatures still wait for their e-mail, and the runs of the task
    that sends them (campaigns.tasks.send_due_emails), by status."""
    from django_tasks_db.models import DBTaskResult

    from campaigns.models import Signature

    _, rows = stored_signatures()
    pks = [pk for pk, email, _ in rows if email in emails]
    runs = DBTaskResult.objects.filter(task_path="campaigns.tasks.send_due_emails")
    return {
        "signatures": len(pks),
        "due": Signature.objects.filter(pk__in=pks).exclude(email_due=Signature.Email.NONE).count(),
        "runs": dict(Counter(runs.values_list("status", flat=True))),
    }


def wait_for_outbox(emails):
    """Waits (bounded) until the worker has sent every e-mail these signatures wait for and
    no run is left; returns the seconds it took and the final state."""
    began = time.monotonic()
    while True:
        state = outbox_state(emails)
        running = sum(n for status, n in state["runs"].items() if status in ("READY", "RUNNING"))
        if (not state["due"] and not running) or time.monotonic() - began > DRAIN_TIMEOUT:
            return round(time.monotonic() - began, 1), state
        time.sleep(0.5)


def confirm_paths(rows):
    """The confirmation link (path) of every unconfirmed bench signature."""
    from campaigns import services
    from campaigns.models import Signature

    return [
        f"/opprop/{SLUG}/bekreft/{services.confirm_token(Signature(pk=pk))}/"
        for pk, _, status in rows
        if status == Signature.Status.UNCONFIRMED
    ]


def confirm_rest():
    """Confirms in this process every bench signature the HTTP phase did not reach."""
    from campaigns import services
    from campaigns.models import Signature

    _, rows = stored_signatures()
    confirmed = 0
    for pk, _, status in rows:
        if status == Signature.Status.UNCONFIRMED:
            services.confirm(services.confirm_token(Signature(pk=pk)))
            confirmed += 1
    return confirmed


def check_count(port):
    from campaigns import services

    petition, rows = stored_signatures()
    petition.refresh_from_db()
    status, body = get(port, COUNT_PATH, {"X-Forwarded-Proto": "https"})
    return {
        "signature_count": petition.signature_count,
        "recount": services.recount(petition),
        "bench_signatures": len(rows),
        "bench_confirmed": sum(1 for _, _, s in rows if s == "confirmed"),
        "count_json": json.loads(body)["count"] if status == 200 else f"HTTP {status}",
    }


def create_bench_event(seats):
    """An event open for registration with `seats` seats and a waiting list."""
    from django.utils import timezone

    from events.models import Event

    now = timezone.now()
    return Event.objects.create(
        title="Benchmark-konferanse",
        slug=EVENT_SLUG,
        organiser="Spero foreningen",
        starts_at=now + datetime.timedelta(days=30),
        ends_at=now + datetime.timedelta(days=30, hours=7),
        venue="Bergen",
        capacity=seats,
        registration_opens_at=now - datetime.timedelta(hours=1),
        registration_closes_at=now + datetime.timedelta(days=20),
        consent_text="Jeg samtykker.",
    )


def check_registrations(event, acknowledged_emails):
    """Every acknowledged registration stored once; the seats exactly filled in the order
    the registrations were taken, the rest waiting; every e-mail sent (bounded wait)."""
    from django.db.models import Max, Min, Sum

    from events import services
    from events.models import Registration

    began = time.monotonic()
    while (
        event.registrations.exclude(email_due="").exists()
        and time.monotonic() - began < DRAIN_TIMEOUT
    ):
        time.sleep(0.5)
    rows = list(event.registrations.values_list("email_normalized", "status"))
    per_email = Counter(email for email, _ in rows)
    stored = set(per_email)
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED)
    waiting = services.queue(event)
    return {
        "acknowledged": len(acknowledged_emails),
        "stored": len(rows),
        "lost": len(acknowledged_emails - stored),
        "duplicates": sum(count - 1 for count in per_email.values() if count > 1),
        "capacity": event.capacity,
        "seats_taken": confirmed.aggregate(seats=Sum("seats"))["seats"] or 0,
        "waiting": waiting.count(),
        # Nobody who waits registered before the last one who got a seat.
        "first_come_first_seated": (
            waiting.aggregate(first=Min("created_at"))["first"] or datetime.datetime.max
        ).replace(tzinfo=None)
        >= (confirmed.aggregate(last=Max("created_at"))["last"] or datetime.datetime.min).replace(
            tzinfo=None
        ),
        "emails_due_after_drain": event.registrations.exclude(email_due="").count(),
        "drain_seconds": round(time.monotonic() - began, 1),
    }
