"""Running calls at the same moment in threads, each with its own PostgreSQL connection, for the
tests that prove a rule under real concurrency (tests/*/test_concurrency.py)."""

import random
import threading
import time

from django.db import OperationalError, connections

# Hang guards only (a thread that never reaches the barrier breaks it); nothing here is timed.
BARRIER_TIMEOUT = 120
# A PostgreSQL server shared with other test runs may be out of connections for a moment
# ("too many clients"); a thread waits this long at most for one before the race starts.
CONNECT_PATIENCE = 60


def connect(deadline):
    """Open this thread's own connection, waiting (bounded) while the server is full."""
    while True:
        try:
            connections["default"].ensure_connection()
            return
        except OperationalError as error:
            if "too many clients" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.1 + random.random() / 5)


def run_concurrently(calls):
    """Run every callable in its own thread, all released at the same moment by a barrier once
    each has its own database connection (Django's are per thread). Each thread closes its
    connection at the end. Returns one ("ok", result) or ("error", exception) per call, in the
    order given."""
    barrier = threading.Barrier(len(calls), timeout=BARRIER_TIMEOUT)
    outcomes = [None] * len(calls)
    deadline = time.monotonic() + CONNECT_PATIENCE

    def worker(index, call):
        try:
            try:
                connect(deadline)
            except Exception:
                barrier.abort()  # the others would wait for this thread in vain
                raise
            barrier.wait()
            outcomes[index] = ("ok", call())
        except Exception as error:  # noqa: BLE001 - reported to the test, which asserts on it
            outcomes[index] = ("error", error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=worker, args=(index, call), name=f"race-{index}")
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def errors_of(outcomes):
    return [value for kind, value in outcomes if kind == "error"]
