"""What the parts of the benchmark runner share: the site's paths it loads and checks, the
bench's e-mail addresses, the log line and the child processes it runs to completion."""

import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SLUG = "stopp-stigma"
CAMPAIGN_PATH = f"/{SLUG}/"
SIGN_PATH = f"/opprop/{SLUG}/signer/"
CHECK_EMAIL_PATH = f"/opprop/{SLUG}/sjekk-e-posten/"
THANKS_PATH = f"/opprop/{SLUG}/takk/"
COUNT_PATH = f"/opprop/{SLUG}/count.json"
# A demo page whose form carries a CSRF token (the gift form): the cookie and token the POST
# phases send. The opprop's form has none (spero_site/cross_site.py).
CSRF_PATH = "/gi-en-gave/"
BASELINE_PATH = "/bench/baseline/"
BASELINE_GET_PATH = "/bench/baseline-get/"
HOME_PATH = "/"
STATISTICS_PATH = "/statistikk/"
# The public GET phases, in the order they run, each measured against baseline_get.
PAGE_PHASES = {
    "home": HOME_PATH,
    "statistics_page": STATISTICS_PATH,
    "campaign_page": CAMPAIGN_PATH,
    "count_json": COUNT_PATH,
}
# The POST phases, each measured against baseline (the POST).
POST_PHASES = ("sign", "register")
EVENT_SLUG = "bench-konferanse"
REGISTER_PATH = f"/pamelding/{EVENT_SLUG}/meld-pa/"
REGISTERED_PATH = f"/pamelding/{EVENT_SLUG}/sjekk-e-posten/"
EMAIL_DOMAIN = "bench.invalid"  # reserved: never delivered anywhere
# The addresses of request {i} of the signing and the register phases.
SIGNER_EMAIL = "signer-{i}@" + EMAIL_DOMAIN
ATTENDEE_EMAIL = "deltaker-{i}@" + EMAIL_DOMAIN
STEP_TIMEOUT = 600  # seconds for migrate, demo content, collectstatic and the other children


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def kib(value):
    return "-" if value is None else f"{value / 1024:.1f} MiB"


def run_python(*args, env=None):
    """`python ARGS` in the project directory, to completion: its stdout, or RuntimeError with
    the end of its stderr. `env` None passes this process's environment on."""
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
    )
    if result.returncode != 0:
        raise RuntimeError(f"python {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout
