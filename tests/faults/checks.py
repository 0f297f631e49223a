"""What a fault run must leave behind, read from the stack's own database and maildir: every
acknowledged signature, registration and gift stored once, the opprop's count equal to a
recount, no event overbooked, and every e-mail that became due delivered exactly once."""

import time
from collections import Counter

import psycopg

from tests.faults.load import messages

DRAIN_TIMEOUT = 120


def query(stack, sql, *params):
    with psycopg.connect(stack.db.url, connect_timeout=10) as conn:
        return conn.execute(sql, params).fetchall()


def rows_of_run(stack, run):
    like = f"{run}-%"
    return {
        "sign": query(
            stack,
            "SELECT email_normalized, status, email_due FROM campaigns_signature"
            " WHERE email_normalized LIKE %s",
            like,
        ),
        "register": query(
            stack,
            "SELECT email_normalized, status, email_due FROM events_registration"
            " WHERE email_normalized LIKE %s",
            like,
        ),
        "give": query(
            stack,
            "SELECT lower(donor_email), status, email_due FROM donations_donationintent"
            " WHERE lower(donor_email) LIKE %s",
            like,
        ),
    }


def wait_for_outbox(stack, run):
    """Until no row of this run waits for its e-mail (the worker and the scheduler send them),
    bounded; returns the seconds it took."""
    began = time.monotonic()
    while True:
        rows = rows_of_run(stack, run).values()
        due = sum(1 for kind_rows in rows for *_, email_due in kind_rows if email_due)
        if not due:
            return round(time.monotonic() - began, 1)
        if time.monotonic() - began > DRAIN_TIMEOUT:
            raise AssertionError(f"{due} e-mail(s) of run {run} still due after {DRAIN_TIMEOUT} s")
        time.sleep(0.5)


def petition_counts(stack):
    ((count, recount),) = query(
        stack,
        "SELECT p.signature_count, (SELECT count(*) FROM campaigns_signature s"
        " WHERE s.petition_id = p.id AND s.status = 'confirmed')"
        " FROM campaigns_petition p WHERE p.slug = 'stopp-stigma'",
    )
    return count, recount


def event_seats(stack, slug):
    ((capacity, taken),) = query(
        stack,
        "SELECT e.capacity, (SELECT coalesce(sum(r.seats), 0) FROM events_registration r"
        " WHERE r.event_id = e.id AND r.status IN ('confirmed', 'offered'))"
        " FROM events_event e WHERE e.slug = %s",
        slug,
    )
    return capacity, taken


def outcome(stack, load, event_slug):
    """The numbers of one run, and every rule it must keep (a list of broken ones)."""
    drain_seconds = wait_for_outbox(stack, load.run)
    time.sleep(1)  # the last message's rename into new/
    rows = rows_of_run(stack, load.run)
    delivered = Counter(recipient for recipient, _, _ in messages(stack.maildir, load.run))
    broken = []
    numbers = {"drain_seconds": drain_seconds}
    for kind, kind_rows in rows.items():
        stored = Counter(email for email, *_ in kind_rows)
        acknowledged = load.acknowledged(kind)
        lost = acknowledged - set(stored)
        duplicates = {email: n for email, n in stored.items() if n > 1}
        numbers[kind] = {
            "acknowledged": len(acknowledged),
            "stored": sum(stored.values()),
            "stored_without_acknowledgement": len(set(stored) - acknowledged),
        }
        if lost:
            broken.append(f"{kind}: {len(lost)} acknowledged, not stored: {sorted(lost)[:3]}")
        if duplicates:
            broken.append(f"{kind}: stored more than once: {duplicates}")
        # Signers and registrants get one e-mail each; a gift by bank transfer none until paid.
        expected = 1 if kind in ("sign", "register") else 0
        wrong = {email: delivered[email] for email in stored if delivered[email] != expected}
        if wrong:
            broken.append(f"{kind}: e-mails delivered {wrong} (expected {expected} each)")
    strays = set(delivered) - {email for kind_rows in rows.values() for email, *_ in kind_rows}
    if strays:
        broken.append(f"e-mail to addresses never stored: {sorted(strays)[:5]}")
    numbers["emails_delivered"] = sum(delivered.values())

    confirmed = {email for email, status, _ in rows["sign"] if status == "confirmed"}
    numbers["confirm"] = {
        "acknowledged": len(load.acknowledged("confirm")),
        "signatures_confirmed": len(confirmed),
    }
    # Every signer pressed the button in their e-mail (finish_confirming), once each.
    if len(confirmed) != len(rows["sign"]) or len(confirmed) < len(load.acknowledged("confirm")):
        broken.append(f"{len(confirmed)} of {len(rows['sign'])} signatures confirmed")
    count, recount = petition_counts(stack)
    numbers["petition_count"], numbers["recount"] = count, recount
    if count != recount:
        broken.append(f"the opprop's count {count} differs from the recount {recount}")
    capacity, taken = event_seats(stack, event_slug)
    numbers["event"] = {"capacity": capacity, "seats_taken": taken}
    if taken > capacity:
        broken.append(f"event overbooked: {taken} seats taken of {capacity}")
    return numbers, broken
