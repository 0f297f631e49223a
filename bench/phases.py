"""The load phases, each in a separate process (bench/loadgen.py) against the running server, in
the order they run, with the checks of what they stored; and, once gunicorn has stopped, the SQL
queries per page (bench/querycount.py)."""

import json
import subprocess
import sys
import threading

from bench.checks import (
    check_count,
    check_registrations,
    check_stored,
    confirm_paths,
    confirm_rest,
    create_bench_event,
    drain_outbox,
    stored_signatures,
)
from bench.common import (
    ATTENDEE_EMAIL,
    BASE_DIR,
    BASELINE_GET_PATH,
    BASELINE_PATH,
    CAMPAIGN_PATH,
    CHECK_EMAIL_PATH,
    CSRF_PATH,
    EMAIL_DOMAIN,
    HOME_PATH,
    PAGE_PHASES,
    REGISTER_PATH,
    REGISTERED_PATH,
    SIGN_PATH,
    SIGNER_EMAIL,
    STATISTICS_PATH,
    THANKS_PATH,
    log,
    run_python,
)
from bench.cpu import cpu_snapshot, cpu_use

SIGN_FIELDS = {
    "full_name": "Bench Signer {i}",
    "email": "{email}",
    "postal_code": "5003",
    "show_publicly": "{odd}",
    "comment": "",
    "consent": "on",
    "website": "",
}
REGISTER_FIELDS = {
    "name": "Bench Deltaker {i}",
    "email": "{email}",
    "phone": "412 34 567",
    "affiliation": "individual",
    "organisation": "",
    "dietary_needs": "",
    "accessibility_needs": "",
    "consent": "on",
    "website": "",
}
# Request index ranges of the signing phases, so that their e-mail addresses never collide.
INDEX_BASE = {
    "warmup": 0,
    "sign": 1_000_000,
    "register": 2_000_000,
}


def run_phases(server, tmp, args):
    """Every load phase against `server` and the checks after them. Returns the phases (without
    the index lists) and the checks."""
    phases, checks = {}, {}
    acknowledged = warm_up(server, tmp, args)  # the e-mails of every acknowledged signature
    phases["baseline"] = load(
        server, tmp, "baseline", **baseline_spec(args, args.baseline_requests)
    )
    phases["sign"] = load(server, tmp, "sign", **sign_spec(args, "sign", args.signatures))
    acknowledged |= emails(phases["sign"], SIGNER_EMAIL)
    checks["outbox_after_signing"], checks["outbox_drained"] = drain_outbox(server, acknowledged)

    # The public pages against the cheapest GET, measured right before them.
    phases["baseline_get"] = load(
        server, tmp, "baseline_get", **get_spec(args, BASELINE_GET_PATH, args.baseline_requests)
    )
    for name, path in PAGE_PHASES.items():
        phases[name] = load(server, tmp, name, **get_spec(args, path, args.get_requests))
    paths = confirm_paths(stored_signatures()[1])
    phases["confirm"] = load(server, tmp, "confirm", **confirm_spec(args, paths))
    event = create_bench_event(args.seats)
    phases["register"] = load(server, tmp, "register", **register_spec(args))
    registered = emails(phases["register"], ATTENDEE_EMAIL)
    checks["registrations"] = check_registrations(event, registered)
    checks["stored"] = check_stored(acknowledged)
    checks["confirmed_in_process"] = confirm_rest()
    checks["count"] = check_count(server.port)
    return {name: public(outcome) for name, outcome in phases.items()}, checks


def warm_up(server, tmp, args):
    """Every kind of request a few hundred times before any is measured, so that each worker has
    loaded the code and filled its caches. Returns the e-mails of the signatures it made."""
    for phase, spec in (
        ("warmup_get", get_spec(args, CAMPAIGN_PATH, 200)),
        ("warmup_pages", get_spec(args, HOME_PATH, 100)),
        ("warmup_statistics", get_spec(args, STATISTICS_PATH, 100)),
        ("warmup_baseline", baseline_spec(args, 500)),
        ("warmup_baseline_get", get_spec(args, BASELINE_GET_PATH, 500)),
    ):
        load(server, tmp, phase, **spec)
    return emails(load(server, tmp, "warmup_sign", **sign_spec(args, "warmup", 200)), SIGNER_EMAIL)


def emails(outcome, pattern):
    """The e-mail addresses of the requests a phase had acknowledged."""
    return {pattern.format(i=index) for index in outcome["acknowledged"]}


def public(outcome):
    """A phase result without the per-request index list."""
    return {key: value for key, value in outcome.items() if key != "acknowledged"}


# --- What each phase sends --------------------------------------------------------------------


def form_spec(args, path, landing, fields, email_pattern, count, first_index=0):
    """A form POSTed with a new address each time, a success being the redirect to `landing`."""
    return {
        "kind": "form_post",
        "path": path,
        "expect_status": 302,
        "expect_location": landing,
        "count": count,
        "duration": args.duration,
        "concurrency": args.concurrency,
        "fields": fields,
        "email_pattern": email_pattern,
        "first_index": first_index,
        "forwarded_for": True,
    }


def sign_spec(args, phase, count):
    return form_spec(
        args, SIGN_PATH, CHECK_EMAIL_PATH, SIGN_FIELDS, SIGNER_EMAIL, count, INDEX_BASE[phase]
    )


def register_spec(args):
    return form_spec(
        args,
        REGISTER_PATH,
        REGISTERED_PATH,
        REGISTER_FIELDS,
        ATTENDEE_EMAIL,
        args.registrations,
        INDEX_BASE["register"],
    )


def baseline_spec(args, count):
    """The baseline POST: the same form body, CSRF and headers as signing, to the bench view."""
    return form_spec(
        args, BASELINE_PATH, CHECK_EMAIL_PATH, SIGN_FIELDS, "baseline-{i}@" + EMAIL_DOMAIN, count
    )


def get_spec(args, path, count):
    return {
        "kind": "get",
        "path": path,
        "expect_status": 200,
        "count": count,
        "duration": args.duration,
        "concurrency": args.concurrency,
    }


def confirm_spec(args, paths):
    """The confirmation link of each of these signatures, POSTed with the CSRF token."""
    return {
        "kind": "token_post",
        "paths": paths,
        "expect_status": 302,
        "expect_location": THANKS_PATH,
        "count": len(paths),
        "duration": args.duration,
        "concurrency": args.concurrency,
    }


# --- Running a phase --------------------------------------------------------------------------


def load(server, tmp, phase, **spec):
    """One load phase in a separate process (bench/loadgen.py). Returns its result, with the
    CPU time the server, the e-mail worker, PostgreSQL and the client used during it."""
    spec = {
        "host": "127.0.0.1",
        "port": server.port,
        "csrf_path": CSRF_PATH,
        # As the TLS-terminating proxy in front of the app sends them, and as a browser posting
        # the form from the site's own page does (CSRF checks Origin on HTTPS; the opprop's
        # form, which has no token, Sec-Fetch-Site and Origin).
        "headers": {
            "X-Forwarded-Proto": "https",
            "Origin": f"https://127.0.0.1:{server.port}",
            "Sec-Fetch-Site": "same-origin",
        },
        **spec,
    }
    spec_path = tmp / f"{phase}.json"
    spec_path.write_text(json.dumps(spec))
    process = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "-m", "bench.loadgen", str(spec_path)],
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(spec["duration"] + 120, process.kill)
    watchdog.start()
    try:
        lines = iter(process.stdout.readline, "")
        marks = {}
        for expected in ("ready", "done"):
            if next(lines, "").strip() != expected:
                break
            marks[expected] = cpu_snapshot(server)
        output = process.stdout.read()
        errors = process.stderr.read()
        process.wait()
    finally:
        watchdog.cancel()
    if process.returncode != 0 or len(marks) != 2:
        raise RuntimeError(f"load generator failed in {phase}:\n{errors[-3000:]}")
    outcome = json.loads(output)
    outcome["cpu"] = cpu_use(marks["ready"], marks["done"], outcome)
    latency = outcome["latency_ms"]
    log(
        f"{phase:<16} {outcome['ok']:>6} ok  {outcome['errors']:>4} errors  "
        f"{outcome['rps']:>7.1f}/s  p50 {latency.get('p50', '-')} ms  "
        f"p95 {latency.get('p95', '-')} ms  ({outcome['elapsed_s']} s)  "
        f"CPU ms/request: app {outcome['cpu']['app_ms_per_ok']}, "
        f"db {outcome['cpu']['db_ms_per_ok']}, client {outcome['cpu']['client_ms_per_ok']}; "
        f"others used {outcome['cpu']['other_cores']} cores"
    )
    if outcome["error_kinds"]:
        log(f"{phase} errors: {outcome['error_kinds']}")
    return outcome


# --- SQL queries per page (after gunicorn has stopped) ----------------------------------------


def query_counts(environ):
    """bench/querycount.py in a child process on the bench database, with the production
    settings and a local-memory cache of its own (so that its cold cache is really empty)."""
    child_environ = {**environ, "CACHE_URL": "locmemcache://"}
    counts = json.loads(run_python("-m", "bench.querycount", env=child_environ))
    for name, page in counts.items():
        log(
            f"queries {name:<13} {page['path']:<40} warm {page['warm']:>3}  cold "
            f"{page['cold']:>3}  render {page['render_ms_median']} ms, CPU "
            f"{page.get('render_cpu_ms_median')} ms (status {page['status']})"
        )
    return counts
