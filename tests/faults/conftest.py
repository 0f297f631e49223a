"""One stack for the fault tests of this folder (tests/faults/test_faults.py): started once,
stopped at the end, every process by its id, also when a test fails."""

import json
import shutil
import tempfile
from pathlib import Path

import pytest

from stack.runner import Stack

SCENARIOS = ("app_killed", "database_restarted", "redis_stopped", "smtp_refuses_and_hangs")
SEATS = 12
SETUP_SCRIPT = Path(__file__).with_name("setup_stack.py")


@pytest.fixture(scope="module")
def stack():
    state = Path(tempfile.mkdtemp(prefix="spero-faults-"))
    site = Stack(
        state,
        web_concurrency=2,
        # Due e-mails every two seconds: a run that failed is retried within the test's wait.
        scheduler_interval=2,
        # A CDN in front of the load balancer reports each visitor's address (docs/deploy.md).
        extra_env={"NUM_PROXIES": "2", "LOG_LEVEL": "WARNING"},
        log=lambda line: print(f"[stack] {line}", flush=True),
    )
    try:
        site.start()
        site.editor, site.editor_password = "redaktor-feiltest", "Feil-test-passord-42"
        setup = {
            "scenarios": SCENARIOS,
            "seats": SEATS,
            "editor": site.editor,
            "password": site.editor_password,
        }
        code = f"SETUP = {json.dumps(setup)}\n" + SETUP_SCRIPT.read_text()
        site.events = site.shell_json(code)["events"]
        yield site
    finally:
        site.stop()
        shutil.rmtree(state, ignore_errors=True)
