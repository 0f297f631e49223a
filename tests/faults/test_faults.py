"""Faults injected into the deployed topology (stack/: two app instances behind HAProxy,
PostgreSQL, Redis, the e-mail worker, the scheduler and an SMTP server writing to a maildir)
while visitors sign, confirm, register for a nearly full event and give by bank transfer.

Each test runs the load, injects one fault, recovers from it and lets the load go on; then it
checks every acknowledged action against the database (tests/faults/checks.py): none lost, none
twice, the opprop's count equal to a recount, no event overbooked, every e-mail that became due
delivered to the maildir exactly once; and a page published through one instance is seen fresh
through the other. The numbers are printed, and written to $FAULTS_REPORT when it is set.
"""

import json
import os
import time

from tests.faults.checks import outcome
from tests.faults.load import SIGN_PATH, Load, Visitor, logs_of
from tests.faults.publish import publish_on_one_seen_on_other

BEFORE_SECONDS = 4
AFTER_SECONDS = 6
# Answers a client may see while a part is down: the site's 503 (database or rate-limit store
# away), HAProxy's Norwegian 502/503/504 page, or a connection cut by a killed instance (before
# the answer, or halfway through its body: HAProxy cannot resend an answer already begun).
EXPECTED_ERRORS = {
    503,
    429,
    "RemoteDisconnected",
    "ConnectionResetError",
    "IncompleteRead",
    "TimeoutError",
}


def report(name, numbers):
    print(f"\n[faults] {name}: {json.dumps(numbers, ensure_ascii=False)}")
    if os.environ.get("FAULTS_REPORT"):
        with open(os.environ["FAULTS_REPORT"], "a", encoding="utf-8") as out:
            out.write(json.dumps({"scenario": name, **numbers}, ensure_ascii=False) + "\n")


def run_with_fault(stack, name, inject, recover, *, during):
    """Load, fault for `during` seconds, recovery, more load; the checks. Returns the numbers
    and the load (for a scenario's own assertions)."""
    load = Load(stack, name.replace("_", "-"), stack.events[name]).start()
    try:
        time.sleep(BEFORE_SECONDS)
        fault_at = time.monotonic()
        inject()
        time.sleep(during)
        recover_at = time.monotonic()
        recover()
        recovered_at = time.monotonic()
        time.sleep(AFTER_SECONDS)
    finally:
        load.stop()
    load.finish_confirming()
    numbers, broken = outcome(stack, load, stack.events[name])
    load.add_summary(numbers)
    numbers["seconds"] = {
        "fault": round(recover_at - fault_at, 1),
        "recovery_step": round(recovered_at - recover_at, 1),
        "errors_seen_until_after_recovery": load.error_window(recovered_at),
    }
    title = f"Vår visjon – {name}"
    before, after = publish_on_one_seen_on_other(stack, title)
    numbers["publish_seen_through_other_instance"] = after == title
    report(name, numbers)
    assert broken == [], f"{broken}\n{logs_of(stack)}"
    assert before != title and after == title, (before, after)
    unexpected = set(load.error_statuses()) - EXPECTED_ERRORS
    assert not unexpected, f"{load.errors()}\n{logs_of(stack)}"
    # Real load on both sides of the fault.
    assert load.acknowledged_between("sign", load.started, fault_at)
    assert load.acknowledged_between("sign", recovered_at, time.monotonic())
    return numbers, load, (fault_at, recover_at)


def test_an_app_instance_killed_and_started_again(stack):
    numbers, load, (fault_at, recover_at) = run_with_fault(
        stack,
        "app_killed",
        lambda: stack.kill("app-1"),
        lambda: stack.start_service("app-1"),
        during=6,
    )
    # The other instance took the visitors meanwhile, and the killed one is back.
    assert load.acknowledged_between("sign", fault_at + 1, recover_at)
    assert stack.instance_healthy("app-1") and stack.instance_healthy("app-2")


def test_postgresql_restarted_while_requests_are_in_flight(stack):
    run_with_fault(
        stack,
        "database_restarted",
        stack.restart_database,
        lambda: None,  # a fast restart comes back by itself
        during=4,
    )


def test_redis_stopped_for_some_seconds(stack):
    seen = {}

    def while_down():
        stack.stop_service("redis")
        time.sleep(1)
        visitor = Visitor(stack.port, "10.253.0.1")
        seen["page"] = visitor.request("GET", "/visjon/")[0]
        seen["sign"] = visitor.request(
            "POST",
            SIGN_PATH,
            {
                "full_name": "Feil Test",
                "email": "redis-stopped-probe@faults.invalid",
                "postal_code": "5003",
                "consent": "on",
                "website": "",
            },
        )
        visitor.close()

    run_with_fault(
        stack, "redis_stopped", while_down, lambda: stack.start_service("redis"), during=6
    )
    # Pages are made from the database; the opprop refuses in Norwegian rather than count
    # nobody's attempts (docs/deploy.md, "When a part fails").
    assert seen["page"] == 200
    status, _, html = seen["sign"]
    assert status == 503
    assert "Vi kan ikke ta imot skjemaet akkurat nå" in html


def test_the_mail_server_refuses_then_hangs_then_returns(stack):
    def refuse_then_hang():
        stack.set_smtp_mode("refuse")
        time.sleep(4)
        stack.set_smtp_mode("hang")

    numbers, load, _ = run_with_fault(
        stack,
        "smtp_refuses_and_hangs",
        refuse_then_hang,
        lambda: stack.set_smtp_mode("accept"),
        during=10,
    )
    # Visitors never noticed: the e-mails waited in the outbox.
    assert not load.errors()
