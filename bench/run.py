"""The site's benchmark: how many signatures, registrations and public page views per second
the site takes on this machine with the production setup, against the cheapest POST and GET
Django answers here, whether every acknowledged signature and registration is stored, once, and
counted right, how many SQL queries each public page costs, and what the staff export of
100 000 signatures costs in time and server memory.

    make bench                       (or: .venv/bin/python -m bench.run --help)

What it does, all on loopback and bounded in count and time:

1. creates a fresh PostgreSQL database (spero_bench_<random>) on the server of
   BENCH_DATABASE_URL or DATABASE_URL (or the one scripts/find_postgres.py finds), migrates it,
   loads the demo content (the "stopp-stigma" petition and its campaign page) and collects the
   static files into a temporary directory;
2. starts gunicorn with gunicorn.conf.py and the production settings (bench/settings.py adds
   only the baseline views), with the cache on Redis when one answers on 127.0.0.1:6379 (as in
   production: rate limits shared by all workers) or else local memory, and the e-mail backend
   discarding messages (dummymail://);
3. drives it from a second process (bench/loadgen.py) with N concurrent keep-alive connections,
   each fetching the CSRF cookie and token once from the gift page (/gi-en-gave/) and sending
   Origin and Sec-Fetch-Site as a browser does:
     - baseline: the cheapest CSRF-checked form POST Django can answer (bench/views.py),
       the baseline of sign and register;
     - sign: the real form, TASK_BACKEND=database as in production, with
       `nice manage.py db_worker` sending the e-mails beside it as the compose worker service
       does;
     - baseline_get: the cheapest GET Django answers through the whole middleware stack
       (bench/views.py), the baseline of the public pages;
     - the public pages, GET: the home page, the statistics page, the campaign page (with the
       count and latest signers after the sign phase) and count.json;
     - confirm: POSTs the confirmation link of every acknowledged signature;
     - register: the conference registration form for a fresh event (--seats seats, the
       rest of --registrations on its waiting list), every request racing for the event's
       row lock;
   Requests come from one X-Forwarded-For address each (NUM_PROXIES=1, as behind the
   production proxy), so the per-address rate limit sees many visitors, not one script.
   For each phase it also reads from /proc the CPU time that gunicorn, the e-mail worker, the
   bench database's PostgreSQL backends and the client used, per successful request, and how
   much of the machine other processes took meanwhile: on a shared machine the rates move with
   the neighbours' load, the CPU cost per request much less.
4. checks: every acknowledged signature (302 to sjekk-e-posten) is stored, none twice; the
   worker sent every one's confirmation e-mail (none left due in the outbox, no failed run);
   after confirming every one, Petition.signature_count == recount() == the number of
   signatures, and count.json says the same; every acknowledged registration is stored
   once, exactly the seats are taken (by the first to register), the rest wait, and every
   registration e-mail was sent;
5. the staff export of the opprop (the CSV of confirmed signatures, streamed): creates
   --export-small-rows and --export-rows confirmed signatures on two petitions of their own
   with COPY, creates a superuser, and from a third process (bench/download.py) logs in to the
   admin over HTTP and downloads both exports over one keep-alive connection, while it samples
   the resident memory of the gunicorn worker serving it (VmRSS every 5 ms, and VmHWM after
   resetting it); the smaller one is fetched first once unmeasured, to load the admin's code,
   and again after the larger one; checks that every export holds exactly its petition's rows;
6. once gunicorn has stopped, counts the SQL queries of each public page type in a child process
   on the same database (bench/querycount.py: CaptureQueriesContext, cold and warm cache);
7. writes bench/results/<timestamp>-bench.json, prints a table, stops every process it started
   and drops the database (also on failure, Ctrl-C or SIGTERM).

Exit status: 0 when every correctness check holds (whatever the speed), 1 when one fails.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import runpy
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
WSGI_APP = "spero_site.wsgi:application"
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
EXPORT_SLUG = "bench-eksport-{rows}"
LOGIN_PATH = "/admin/login/"
STAFF_USERNAME = "bench-stab"
# The targets: a public page at least half the GET baseline's rate; the home page under
# 20 queries uncached; the export in constant memory (here: the peak RSS of the worker serving
# 10 times the rows grows by less than this).
TARGET_PAGE_RATIO = 0.5
TARGET_HOME_QUERIES = 20
EXPORT_MEMORY_TOLERANCE_KB = 10 * 1024
EVENT_SLUG = "bench-konferanse"
REGISTER_PATH = f"/pamelding/{EVENT_SLUG}/meld-pa/"
REGISTERED_PATH = f"/pamelding/{EVENT_SLUG}/sjekk-e-posten/"
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
EMAIL_DOMAIN = "bench.invalid"  # reserved: never delivered anywhere
# Request index ranges of the signing phases, so that their e-mail addresses never collide.
INDEX_BASE = {
    "warmup": 0,
    "sign": 1_000_000,
    "register": 2_000_000,
}
REDIS_URL = "redis://127.0.0.1:6379/0"
TARGET_SIGNATURES_PER_S = 300
STEP_TIMEOUT = 600  # seconds for migrate, demo content, collectstatic
SERVER_START_TIMEOUT = 60
SERVER_STOP_TIMEOUT = 30
DRAIN_TIMEOUT = 120  # seconds the e-mail worker gets to empty the outbox
WORKER_NICE = 19  # as the worker service in compose.yaml


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signatures", type=int, default=8000, help="per signing phase")
    parser.add_argument("--registrations", type=int, default=4000, help="in the register phase")
    parser.add_argument(
        "--seats", type=int, default=1000, help="the bench event's capacity (the rest wait)"
    )
    parser.add_argument("--duration", type=float, default=20, help="max seconds per phase")
    parser.add_argument("--concurrency", type=int, default=32, help="client connections")
    parser.add_argument("--baseline-requests", type=int, default=20000)
    parser.add_argument("--get-requests", type=int, default=6000, help="per public page phase")
    parser.add_argument(
        "--export-rows", type=int, default=100_000, help="signatures in the large export (0: none)"
    )
    parser.add_argument(
        "--export-small-rows", type=int, default=10_000, help="signatures in the small export"
    )
    parser.add_argument("--cache", choices=["auto", "redis", "locmem"], default="auto")
    parser.add_argument("--workers", type=int, help="WEB_CONCURRENCY (default: gunicorn.conf.py)")
    parser.add_argument("--threads", type=int, help="GUNICORN_THREADS (default: gunicorn.conf.py)")
    parser.add_argument(
        "--gunicorn-args",
        default="",
        help='extra gunicorn options to try, e.g. "--preload --max-requests 0"',
    )
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=WORKER_NICE,
        help="niceness of the e-mail worker (compose.yaml runs it at 19; 0 for equal footing)",
    )
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    return parser.parse_args(argv)


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Database and cache -----------------------------------------------------------------------


def server_url():
    """A PostgreSQL URL on which this runner may create databases: BENCH_DATABASE_URL,
    DATABASE_URL, or what scripts/find_postgres.py finds on localhost:5432."""
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if not url.startswith(("postgres://", "postgresql://")):
        found = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [sys.executable, "scripts/find_postgres.py"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=60,
        )
        url = found.stdout.strip()
    if not url:
        raise SystemExit(
            "No PostgreSQL found: set BENCH_DATABASE_URL (a server where this user may create "
            "databases) or start one on localhost:5432."
        )
    return url


def with_database(url, name):
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + quote(name), parts.query, ""))


def create_database(url, name):
    import psycopg
    from psycopg import sql

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return conn.execute("SHOW server_version").fetchone()[0]


def drop_database(url, name):
    import psycopg
    from psycopg import sql

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def redis_answers():
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any failure means: no Redis to use
        return False


def delete_cache_keys(prefix):
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])
    return len(keys)


# --- Processes --------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Passed through from the runner's environment; nothing the site reads (DATABASE_URL,
# TASK_BACKEND, ...) may leak in from the shell.
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ")


def site_environment(database_url, cache_url, key_prefix, tmp):
    """The complete environment of every process of the site under test."""
    environ = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
    environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        CACHE_URL=cache_url,
        BENCH_CACHE_KEY_PREFIX=key_prefix,
        EMAIL_URL="dummymail://",
        NUM_PROXIES="1",
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return environ


def manage(environ, *args):
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def get(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def gunicorn_sizes(environ):
    """workers and threads as gunicorn.conf.py decides them for this environment."""
    saved = dict(os.environ)
    try:
        os.environ.update(environ)
        config = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return config["workers"], config["threads"]


class Server:
    """gunicorn and the e-mail worker (`nice db_worker`, as in compose.yaml); stopped on exit."""

    def __init__(self, environ, tmp, worker_nice, extra_args=()):
        self.port = free_port()
        self.extra_args = list(extra_args)
        self.environ = {**environ, "PORT": str(self.port)}
        self.log_path = tmp / "gunicorn.log"
        self.worker_log_path = tmp / "worker.log"
        self.log_paths = [self.log_path, self.worker_log_path]
        self.name = "site"
        self.worker_nice = worker_nice
        self.processes = []
        self.staff_password = None

    def __enter__(self):
        log_file = self.log_path.open("w")
        self.processes.append(
            subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
                [
                    *(sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"),
                    # Loopback only, whatever gunicorn.conf.py binds in a container.
                    *("--bind", f"127.0.0.1:{self.port}", *self.extra_args, WSGI_APP),
                ],
                cwd=BASE_DIR,
                env=self.environ,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        )
        log_file.close()
        log_file = self.worker_log_path.open("w")
        self.processes.append(
            subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
                [sys.executable, "manage.py", "db_worker", "--interval", "1"],
                cwd=BASE_DIR,
                env=self.environ,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                preexec_fn=lambda: os.nice(self.worker_nice),  # in the child, before exec
            )
        )
        log_file.close()
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            for process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited:\n{self.log_tail()}")
            try:
                if get(self.port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not answer in time:\n{self.log_tail()}")
            time.sleep(0.2)
        return self

    def __exit__(self, *exc):
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=SERVER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def worker_boots(self):
        try:
            return self.log_path.read_text(errors="replace").count("Booting worker")
        except OSError:
            return 0

    def log_tail(self, lines=30):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def error_lines(self):
        """Lines of the server and worker logs that tell of a problem: tracebacks, errors and
        warnings (gunicorn's access log is off, as in production; the load generator counts
        every answer that was not the expected one)."""
        lines = []
        for path in self.log_paths:
            if path.exists():
                lines += path.read_text(errors="replace").splitlines()
        markers = (
            "Traceback",
            "Error",
            "FAILED",
            "[ERROR]",
            "[CRITICAL]",
            "[WARNING]",
        )
        return [line for line in lines if any(marker in line for marker in markers)]


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


# --- CPU accounting from /proc (Linux) ---------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def proc_stat(pid):
    """(ppid, own CPU seconds, CPU seconds of reaped children) of a process, or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields after the command name, which may hold spaces: state is field 3, ppid 4,
    # utime 14, stime 15, cutime 16, cstime 17.
    fields = text.rsplit(")", 1)[1].split()
    ticks = [int(value) for value in fields[11:15]]
    return int(fields[1]), (ticks[0] + ticks[1]) / CLOCK_TICKS, (ticks[2] + ticks[3]) / CLOCK_TICKS


def tree_cpu(root_pid):
    """CPU seconds of a process and all its children, living or exited (gunicorn recycles its
    workers; an exited worker's time is added to the master's reaped-children time)."""
    root = proc_stat(root_pid)
    if root is None:
        return 0.0
    total = root[1] + root[2]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = proc_stat(entry.name)
            if stat is not None and stat[0] == root_pid:
                total += stat[1]
    return total


def machine_cpu():
    """(busy, total) CPU seconds of the whole machine, all cores, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / CLOCK_TICKS, sum(values[:8]) / CLOCK_TICKS


def db_backends_cpu():
    """CPU seconds of each PostgreSQL backend connected to the bench database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    return {pid: stat[1] for pid in pids if (stat := proc_stat(pid)) is not None}


def cpu_snapshot(server):
    return {
        "at": time.perf_counter(),
        "app": tree_cpu(server.processes[0].pid),
        "worker": tree_cpu(server.processes[1].pid),
        "db": db_backends_cpu(),
        "machine": machine_cpu(),
        "boots": server.worker_boots(),
    }


def cpu_use(before, after, outcome):
    """CPU per successful request of each part, and how many cores everything else on the
    machine (other people's jobs) kept busy meanwhile. PostgreSQL's time is that of the bench
    database's backends (approximate: a backend that exits in between is missed)."""
    ok = max(outcome["ok"], 1)
    wall = after["at"] - before["at"]
    app = after["app"] - before["app"]
    worker = after["worker"] - before["worker"]
    db = sum(cpu - before["db"].get(pid, 0.0) for pid, cpu in after["db"].items())
    client = outcome["client_cpu_s"]
    busy = after["machine"][0] - before["machine"][0]
    return {
        "app_ms_per_ok": round(1000 * app / ok, 2),
        "db_ms_per_ok": round(1000 * db / ok, 2),
        "worker_ms_per_ok": round(1000 * worker / ok, 2),
        "client_ms_per_ok": round(1000 * client / ok, 2),
        "app_cores": round(app / wall, 2),
        "db_cores": round(db / wall, 2),
        "worker_cores": round(worker / wall, 2),
        "client_cores": round(client / wall, 2),
        "machine_busy_cores": round(busy / wall, 2),
        "other_cores": round(max(0.0, busy - app - worker - db - client) / wall, 2),
        # gunicorn replaces a worker after max_requests; each new one imports the site again.
        "worker_boots": after["boots"] - before["boots"],
    }


def sign_spec(args, phase, count, concurrency=None):
    return {
        "kind": "form_post",
        "path": SIGN_PATH,
        "expect_status": 302,
        "expect_location": CHECK_EMAIL_PATH,
        "count": count,
        "duration": args.duration,
        "concurrency": concurrency or args.concurrency,
        "fields": SIGN_FIELDS,
        "email_pattern": "signer-{i}@" + EMAIL_DOMAIN,
        "first_index": INDEX_BASE[phase],
        "forwarded_for": True,
    }


def register_spec(args):
    return {
        "kind": "form_post",
        "path": REGISTER_PATH,
        "expect_status": 302,
        "expect_location": REGISTERED_PATH,
        "count": args.registrations,
        "duration": args.duration,
        "concurrency": args.concurrency,
        "fields": REGISTER_FIELDS,
        "email_pattern": "deltaker-{i}@" + EMAIL_DOMAIN,
        "first_index": INDEX_BASE["register"],
        "forwarded_for": True,
    }


def baseline_spec(count):
    """The baseline POST: the same form body, CSRF and headers as signing, to the bench view."""
    return {
        "kind": "form_post",
        "path": BASELINE_PATH,
        "expect_status": 302,
        "expect_location": CHECK_EMAIL_PATH,
        "count": count,
        "fields": SIGN_FIELDS,
        "email_pattern": "baseline-{i}@" + EMAIL_DOMAIN,
        "forwarded_for": True,
    }


def get_spec(path, count):
    return {"kind": "get", "path": path, "expect_status": 200, "count": count}


# --- The export of signatures ---------------------------------------------------------------


def create_export_petition(rows):
    """A closed petition of its own with `rows` confirmed signatures, written with one COPY
    (about 100 000 rows in a few seconds). Returns (petition, seconds the rows took)."""
    from django.db import connection
    from django.utils import timezone

    from campaigns.models import Petition, Signature

    slug = EXPORT_SLUG.format(rows=rows)
    now = timezone.now()
    petition = Petition.objects.create(
        title=f"Benchmark-eksport {rows}",
        slug=slug,
        text="<p>Eksport.</p>",
        goal=rows,
        opens_at=now - datetime.timedelta(days=30),
        closes_at=now - datetime.timedelta(days=1),
        consent_text="Jeg samtykker.",
    )
    template = Signature(
        petition=petition,
        status=Signature.Status.CONFIRMED,
        postal_code="5003",
        place="Bergen",
        show_publicly=True,
        comment="",
        consent_version=petition.consent_version,
        consented_at=now,
        created_at=now,
        confirmed_at=now,
    )
    fields = [f for f in Signature._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    fixed = [f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields]
    position = {f.attname: i for i, f in enumerate(fields)}
    began = time.perf_counter()
    with connection.cursor() as cursor:
        copy_sql = f"COPY {Signature._meta.db_table} ({columns}) FROM STDIN"
        with cursor.cursor.copy(copy_sql) as copy:
            for i in range(rows):
                row = list(fixed)
                email = f"eksport-{rows}-{i}@{EMAIL_DOMAIN}"
                # Norwegian letters and a would-be formula, as real names and comments bring.
                row[position["full_name"]] = f"Åse Øyvind Ærlig {i}" if i % 10 else f"=Navn {i}"
                row[position["email"]] = email
                row[position["email_normalized"]] = email
                moment = now - datetime.timedelta(seconds=i)
                row[position["created_at"]] = moment
                row[position["confirmed_at"]] = moment
                copy.write_row(row)
    Petition.objects.filter(pk=petition.pk).update(signature_count=rows)
    return petition, round(time.perf_counter() - began, 2)


def create_staff_user():
    """A superuser for the export (the benchmark's own; the database is dropped afterwards)."""
    from django.contrib.auth import get_user_model

    password = secrets.token_urlsafe(24)
    get_user_model().objects.create_superuser(
        STAFF_USERNAME, f"{STAFF_USERNAME}@{EMAIL_DOMAIN}", password
    )
    return password


def export_path(petition):
    from django.urls import reverse

    return reverse("signatures:index") + "?" + urlencode({"petition": petition.pk, "export": "csv"})


def downloads(server, tmp, items):
    """The downloads in a separate process (bench/download.py), logged in as the bench's
    superuser, with PostgreSQL's CPU meanwhile."""
    spec = {
        "host": "127.0.0.1",
        "port": server.port,
        "master_pid": server.processes[0].pid,
        "login_path": LOGIN_PATH,
        "username": STAFF_USERNAME,
        "password": server.staff_password,
        "headers": {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "10.255.0.1",
            "Origin": f"https://127.0.0.1:{server.port}",
        },
        "downloads": items,
    }
    spec_path = tmp / "download.json"
    spec_path.write_text(json.dumps(spec))
    before = cpu_snapshot(server)
    try:
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [sys.executable, "-m", "bench.download", str(spec_path)],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT,
        )
    finally:
        spec_path.unlink(missing_ok=True)  # it holds the password
    after = cpu_snapshot(server)
    if result.returncode != 0:
        raise RuntimeError(f"bench.download failed:\n{result.stderr[-3000:]}")
    outcome = json.loads(result.stdout)
    db = sum(cpu - before["db"].get(pid, 0.0) for pid, cpu in after["db"].items())
    for item in outcome:
        log(
            f"export {item['name']:<18} {item['rows']:>7} rows  {item['seconds']:>6} s  "
            f"{item['rows_per_s']}/s  {item['mb_per_s']} MB/s  first byte {item['first_byte_s']} s;"
            f"  worker {item['worker_pid']}: RSS {kib(item['rss_before_kb'])} -> peak "
            f"{kib(item['peak_kb'])} (+{kib(item['growth_kb'])}), CPU {item['worker_cpu_s']} s"
        )
    return {"downloads": outcome, "db_cpu_s_all_downloads": round(db, 2)}


def kib(value):
    return "-" if value is None else f"{value / 1024:.1f} MiB"


def export_phase(server, tmp, args):
    """Creates the two export petitions and a superuser, then fetches: the small export once to
    warm the worker (admin code, templates), the small one measured, the large one, and the
    small one again."""
    small, small_seconds = create_export_petition(args.export_small_rows)
    large, large_seconds = create_export_petition(args.export_rows)
    log(
        f"export data: {args.export_small_rows} signatures in {small_seconds} s, "
        f"{args.export_rows} in {large_seconds} s (COPY)"
    )
    server.staff_password = create_staff_user()
    small_path, large_path = export_path(small), export_path(large)
    result = downloads(
        server,
        tmp,
        [
            {
                "name": "warmup",
                "path": small_path,
                "expect_rows": args.export_small_rows,
                "measured": False,
            },
            {"name": "small", "path": small_path, "expect_rows": args.export_small_rows},
            {"name": "large", "path": large_path, "expect_rows": args.export_rows},
            {"name": "small_again", "path": small_path, "expect_rows": args.export_small_rows},
        ],
    )
    result["copy_seconds"] = {"small": small_seconds, "large": large_seconds}
    return result


# --- SQL queries per page (after gunicorn has stopped) ----------------------------------------


def query_counts(environ):
    """bench/querycount.py in a child process on the bench database, with the production
    settings and a local-memory cache of its own (so that its cold cache is really empty)."""
    child_environ = {**environ, "CACHE_URL": "locmemcache://"}
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "-m", "bench.querycount"],
        cwd=BASE_DIR,
        env=child_environ,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench.querycount failed:\n{result.stderr[-3000:]}")
    counts = json.loads(result.stdout)
    for name, page in counts.items():
        log(
            f"queries {name:<13} {page['path']:<40} warm {page['warm']:>3}  cold "
            f"{page['cold']:>3}  render {page['render_ms_median']} ms, CPU "
            f"{page.get('render_cpu_ms_median')} ms (status {page['status']})"
        )
    return counts


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


def email_of(index):
    return f"signer-{index}@{EMAIL_DOMAIN}"


# --- Checks (in this process, with Django on the bench database) ------------------------------


def setup_django(environ):
    """Django in this process, on the bench database with the server's SECRET_KEY (to make
    confirmation links). Nothing from the shell's environment reaches its settings."""
    os.environ.clear()
    os.environ.update(environ)
    import django

    django.setup()


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


# --- The run ----------------------------------------------------------------------------------


def public(outcome):
    """A phase result without the per-request index list."""
    return {key: value for key, value in outcome.items() if key != "acknowledged"}


def run(args, stack, tmp):
    results = {"phases": {}, "checks": {}}
    url = server_url()
    db_name = f"spero_bench_{secrets.token_hex(4)}"
    postgres_version = create_database(url, db_name)
    stack.callback(log, f"dropped database {db_name}")
    stack.callback(drop_database, url, db_name)
    log(f"created database {db_name} (PostgreSQL {postgres_version})")

    cache = args.cache
    if cache == "auto":
        cache = "redis" if redis_answers() else "locmem"
    key_prefix = f"spero-bench-{secrets.token_hex(4)}"
    if cache == "redis":
        cache_url = REDIS_URL
        stack.callback(delete_cache_keys, key_prefix)
    else:
        cache_url = "locmemcache://"

    environ = site_environment(with_database(url, db_name), cache_url, key_prefix, tmp)
    if args.workers:
        environ["WEB_CONCURRENCY"] = str(args.workers)
    if args.threads:
        environ["GUNICORN_THREADS"] = str(args.threads)
    workers, threads = gunicorn_sizes(environ)
    gunicorn_args = shlex.split(args.gunicorn_args)

    log("migrating, loading demo content, collecting static files")
    manage(environ, "migrate", "--noinput")
    manage(environ, "load_demo_content")
    manage(environ, "collectstatic", "--noinput")
    setup_django(environ)
    from django.db import connections

    stack.callback(connections.close_all)

    results["meta"] = {
        "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "machine": {
            "usable_cores": len(os.sched_getaffinity(0)),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "postgresql": postgres_version,
        },
        "gunicorn": {"workers": workers, "threads": threads, "worker_class": "gthread"},
        "cache": cache,
        "gunicorn_extra_args": args.gunicorn_args,
        "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
        "email_backend": "dummymail:// (messages discarded)",
        "client": {"concurrency": args.concurrency, "process": "bench/loadgen.py, threads"},
        "limits": {
            "signatures_per_phase": args.signatures,
            "max_seconds_per_phase": args.duration,
            "requests_per_page_phase": args.get_requests,
            "export_rows": [args.export_small_rows, args.export_rows],
        },
    }
    acknowledged = set()
    phases, checks = results["phases"], results["checks"]

    def signed(outcome):
        emails = {email_of(index) for index in outcome["acknowledged"]}
        acknowledged.update(emails)
        return emails

    # As in production: e-mail queued in the database, the worker sending it beside the app.
    with Server(environ, tmp, args.worker_nice, gunicorn_args) as srv:
        log(f"gunicorn on 127.0.0.1:{srv.port}: {workers} workers x {threads} threads, {cache}")
        bounds = {"duration": args.duration, "concurrency": args.concurrency}
        load(srv, tmp, "warmup_get", **get_spec(CAMPAIGN_PATH, 200), **bounds)
        load(srv, tmp, "warmup_pages", **get_spec(HOME_PATH, 100), **bounds)
        load(srv, tmp, "warmup_statistics", **get_spec(STATISTICS_PATH, 100), **bounds)
        load(srv, tmp, "warmup_baseline", **baseline_spec(500), **bounds)
        load(srv, tmp, "warmup_baseline_get", **get_spec(BASELINE_GET_PATH, 500), **bounds)
        signed(load(srv, tmp, "warmup_sign", **sign_spec(args, "warmup", 200)))

        phases["baseline"] = load(
            srv, tmp, "baseline", **baseline_spec(args.baseline_requests), **bounds
        )
        phases["sign"] = load(srv, tmp, "sign", **sign_spec(args, "sign", args.signatures))
        signed(phases["sign"])
        checks["outbox_after_signing"], checks["outbox_drained"] = drain_outbox(srv, acknowledged)

        # The public pages against the cheapest GET, measured right before them.
        phases["baseline_get"] = load(
            srv,
            tmp,
            "baseline_get",
            **get_spec(BASELINE_GET_PATH, args.baseline_requests),
            **bounds,
        )
        for name, path in PAGE_PHASES.items():
            phases[name] = load(srv, tmp, name, **get_spec(path, args.get_requests), **bounds)
        paths = confirm_paths(stored_signatures()[1])
        phases["confirm"] = load(
            srv,
            tmp,
            "confirm",
            kind="token_post",
            paths=paths,
            expect_status=302,
            expect_location=THANKS_PATH,
            count=len(paths),
            **bounds,
        )
        event = create_bench_event(args.seats)
        phases["register"] = load(srv, tmp, "register", **register_spec(args))
        registered = {
            f"deltaker-{index}@{EMAIL_DOMAIN}" for index in phases["register"]["acknowledged"]
        }
        checks["registrations"] = check_registrations(event, registered)
        checks["stored"] = check_stored(acknowledged)
        checks["confirmed_in_process"] = confirm_rest()
        checks["count"] = check_count(srv.port)
        if args.export_rows:
            results["export"] = export_phase(srv, tmp, args)
        results["server_log_problems"] = srv.error_lines()[:20]

    # Once gunicorn has stopped: nothing else runs while the queries are counted.
    results["query_counts"] = query_counts(environ)
    results["phases"] = {name: public(outcome) for name, outcome in phases.items()}
    results["summary"] = summarise(results)
    return results


def summarise(results):
    phases, checks = results["phases"], results["checks"]
    baseline = phases["baseline"]["rps"]
    # The median of the per-second rates leaves out the seconds in which gunicorn was replacing
    # workers (max_requests), which hit the phases unevenly.
    baseline_steady = phases["baseline"]["per_second"]["median"]
    stored, count = checks["stored"], checks["count"]
    outbox = checks["outbox_drained"]
    summary = {
        "baseline_rps": baseline,
        "baseline_steady_per_s": baseline_steady,
        "target_signatures_per_s": TARGET_SIGNATURES_PER_S,
        "lost": stored["lost"],
        "duplicates": stored["duplicates"],
        "count_matches_recount": count["signature_count"] == count["recount"],
        "count_matches_signatures": count["recount"] == count["bench_signatures"]
        and count["bench_confirmed"] == count["bench_signatures"],
        "count_json_matches": count["count_json"] == count["signature_count"],
        "every_signature_emailed": outbox["due"] == 0
        and outbox["signatures"] == stored["acknowledged"]
        and set(outbox["runs"]) == {"SUCCESSFUL"},
        "email_runs": outbox["runs"],
    }
    for name in ("sign",):
        if name in phases:
            phase = phases[name]
            summary[name] = {
                "signatures_per_s": phase["rps"],
                "p50_ms": phase["latency_ms"].get("p50"),
                "p95_ms": phase["latency_ms"].get("p95"),
                "errors": phase["errors"],
                "ratio_to_baseline": round(phase["rps"] / baseline, 3) if baseline else None,
                "steady_per_s": phase["per_second"]["median"],
                "steady_ratio_to_baseline": (
                    round(phase["per_second"]["median"] / baseline_steady, 3)
                    if baseline_steady and phase["per_second"]["median"] is not None
                    else None
                ),
                "worker_boots": phase["cpu"]["worker_boots"],
                **capacity(phase["cpu"], results["meta"]["machine"]["usable_cores"]),
                "meets_target": phase["rps"] >= TARGET_SIGNATURES_PER_S,
            }
    registrations = checks["registrations"]
    if "register" in phases:
        phase = phases["register"]
        summary["register"] = {
            "registrations_per_s": phase["rps"],
            "p50_ms": phase["latency_ms"].get("p50"),
            "p95_ms": phase["latency_ms"].get("p95"),
            "errors": phase["errors"],
            "ratio_to_baseline": round(phase["rps"] / baseline, 3) if baseline else None,
            "app_cpu_ms": phase["cpu"]["app_ms_per_ok"],
            "db_cpu_ms": phase["cpu"]["db_ms_per_ok"],
        }
    summary["registrations_correct"] = (
        registrations["lost"] == 0
        and registrations["duplicates"] == 0
        and registrations["seats_taken"] == min(registrations["capacity"], registrations["stored"])
        and registrations["waiting"] == registrations["stored"] - registrations["seats_taken"]
        and registrations["first_come_first_seated"]
        and registrations["emails_due_after_drain"] == 0
    )
    summary["pages"] = summarise_pages(phases)
    summary["queries"] = summarise_queries(results.get("query_counts", {}))
    if "export" in results:
        summary["export"] = summarise_export(results["export"])
    summary["exports_correct"] = summary.get("export", {}).get("rows_correct", True)
    summary["correct"] = (
        summary["exports_correct"]
        and summary["registrations_correct"]
        and summary["lost"] == 0
        and summary["duplicates"] == 0
        and summary["count_matches_recount"]
        and summary["count_matches_signatures"]
        and summary["count_json_matches"]
        and summary["every_signature_emailed"]
    )
    return summary


def ratio(value, baseline):
    return round(value / baseline, 3) if baseline else None


def summarise_pages(phases):
    """Each public GET phase against baseline_get of the same run, and each POST phase against
    the POST baseline."""
    rows = {}
    for name, baseline_name in [
        ("baseline_get", "baseline_get"),
        *((page, "baseline_get") for page in PAGE_PHASES),
        ("baseline", "baseline"),
        *((post, "baseline") for post in POST_PHASES),
    ]:
        if name not in phases or baseline_name not in phases:
            continue
        phase, baseline = phases[name], phases[baseline_name]
        rows[name] = {
            "requests_per_s": phase["rps"],
            "p50_ms": phase["latency_ms"].get("p50"),
            "p95_ms": phase["latency_ms"].get("p95"),
            "errors": phase["errors"],
            "baseline": baseline_name,
            "ratio_to_baseline": ratio(phase["rps"], baseline["rps"]),
            "app_cpu_ms": phase["cpu"]["app_ms_per_ok"],
            "db_cpu_ms": phase["cpu"]["db_ms_per_ok"],
            "other_cores": phase["cpu"]["other_cores"],
        }
        if name in PAGE_PHASES:
            rows[name]["meets_half_baseline"] = (
                rows[name]["ratio_to_baseline"] is not None
                and rows[name]["ratio_to_baseline"] >= TARGET_PAGE_RATIO
            )
    return rows


def summarise_queries(counts):
    summary = {name: {"warm": page["warm"], "cold": page["cold"]} for name, page in counts.items()}
    if "home" in counts:
        summary["home_under_target"] = (
            max(counts["home"]["warm"], counts["home"]["cold"]) < TARGET_HOME_QUERIES
        )
    return summary


def summarise_export(export):
    """Time and the serving worker's memory for the small and the large export, and whether the
    memory stayed constant: the large export's peak RSS no more than EXPORT_MEMORY_TOLERANCE_KB
    above the small one's."""
    items = {item["name"]: item for item in export["downloads"]}
    summary = {
        "rows_correct": all(
            item["status"] == 200
            and item["rows"] == item["expect_rows"]
            and item["content_type"].startswith("text/csv")
            for item in export["downloads"]
        )
    }
    for name, item in items.items():
        summary[name] = {
            key: item[key]
            for key in (
                "rows",
                "seconds",
                "rows_per_s",
                "mb_per_s",
                "first_byte_s",
                "worker_pid",
                "worker_cpu_s",
                "rss_before_kb",
                "peak_kb",
                "growth_kb",
            )
        }
    small, large = items.get("small"), items.get("large")
    if small and large and small["peak_kb"] and large["peak_kb"]:
        summary["rows_ratio"] = ratio(large["rows"], small["rows"])
        summary["time_ratio"] = ratio(large["seconds"], small["seconds"])
        summary["peak_ratio"] = ratio(large["peak_kb"], small["peak_kb"])
        summary["peak_difference_kb"] = large["peak_kb"] - small["peak_kb"]
        summary["same_worker"] = small["worker_pid"] == large["worker_pid"]
        summary["memory_constant"] = (
            large["growth_kb"] is not None
            and small["growth_kb"] is not None
            and large["peak_kb"] - small["peak_kb"] <= EXPORT_MEMORY_TOLERANCE_KB
            and large["growth_kb"] - small["growth_kb"] <= EXPORT_MEMORY_TOLERANCE_KB
        )
    return summary


def capacity(cpu, cores):
    """What the CPU measured per signature would allow if this machine did nothing else: the
    rate at which app, database, e-mail worker (its share during the phase) and client together
    would keep every core busy. A projection to compare runs on a shared machine, not a
    measurement."""
    per_signature = (
        cpu["app_ms_per_ok"]
        + cpu["db_ms_per_ok"]
        + cpu["worker_ms_per_ok"]
        + cpu["client_ms_per_ok"]
    )
    return {
        "cpu_ms_per_signature": round(per_signature, 2),
        "projected_per_s_on_idle_machine": round(cores * 1000 / per_signature)
        if per_signature
        else None,
    }


def git_commit():
    try:
        return subprocess.run(  # noqa: S603 - fixed arguments, no shell
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH is fine here
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def print_table(results):
    pages = results["summary"]["pages"]
    rows = [
        ("phase", "ok", "errors", "req/s", "ratio", "median/s", "min/s", "p50 ms", "p95 ms")
        + ("p99 ms", "app CPU ms", "db CPU ms", "boots")
    ]
    for name, phase in results["phases"].items():
        latency = phase["latency_ms"]
        cpu = phase["cpu"]
        page_ratio = pages.get(name, {}).get("ratio_to_baseline")
        rows.append(
            (
                name,
                str(phase["ok"]),
                str(phase["errors"]),
                f"{phase['rps']:.1f}",
                "-" if page_ratio is None else f"{page_ratio:.3f}",
                str(phase["per_second"]["median"]),
                str(phase["per_second"]["min"]),
                str(latency.get("p50", "-")),
                str(latency.get("p95", "-")),
                str(latency.get("p99", "-")),
                str(cpu["app_ms_per_ok"]),
                str(cpu["db_ms_per_ok"]),
                str(cpu["worker_boots"]),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    summary = results["summary"]
    for name in ("sign",):
        if name in summary:
            s = summary[name]
            print(
                f"{name}: {s['signatures_per_s']}/s = {s['ratio_to_baseline']} x baseline "
                f"(steady {s['steady_per_s']}/s = {s['steady_ratio_to_baseline']} x); "
                f"target {TARGET_SIGNATURES_PER_S}/s {'met' if s['meets_target'] else 'NOT met'}; "
                f"CPU {s['cpu_ms_per_signature']} ms/signature, i.e. about "
                f"{s['projected_per_s_on_idle_machine']}/s if nothing else ran"
            )
    if "register" in summary:
        r, checked = summary["register"], results["checks"]["registrations"]
        print(
            f"register: {r['registrations_per_s']}/s = {r['ratio_to_baseline']} x baseline, "
            f"p95 {r['p95_ms']} ms; {checked['stored']} stored, {checked['seats_taken']} of "
            f"{checked['capacity']} seats taken, {checked['waiting']} waiting, lost "
            f"{checked['lost']}, duplicates {checked['duplicates']} -> "
            f"{'CORRECT' if summary['registrations_correct'] else 'INCORRECT'}"
        )
    for name in PAGE_PHASES:
        if name in pages:
            page = pages[name]
            print(
                f"{name}: {page['requests_per_s']}/s = {page['ratio_to_baseline']} x "
                f"baseline_get; target {TARGET_PAGE_RATIO} x "
                f"{'met' if page['meets_half_baseline'] else 'NOT met'}"
            )
    queries = summary["queries"]
    if queries:
        print(
            "SQL queries per page (warm/cold cache): "
            + ", ".join(
                f"{name} {counts['warm']}/{counts['cold']}"
                for name, counts in queries.items()
                if isinstance(counts, dict)
            )
        )
        if "home_under_target" in queries:
            print(
                f"home page under {TARGET_HOME_QUERIES} queries: "
                f"{'met' if queries['home_under_target'] else 'NOT met'}"
            )
    export = summary.get("export")
    if export:
        for name in ("small", "large", "small_again"):
            if name in export:
                e = export[name]
                print(
                    f"export {name}: {e['rows']} rows in {e['seconds']} s ({e['rows_per_s']}/s), "
                    f"worker RSS {kib(e['rss_before_kb'])} -> peak {kib(e['peak_kb'])} "
                    f"(+{kib(e['growth_kb'])})"
                )
        if "memory_constant" in export:
            print(
                f"export memory: peak x{export['peak_ratio']} for x{export['rows_ratio']} rows "
                f"(time x{export['time_ratio']}) -> "
                f"{'constant' if export['memory_constant'] else 'NOT constant'}; rows correct: "
                f"{export['rows_correct']}"
            )
    print(
        f"lost {summary['lost']}, duplicates {summary['duplicates']}, count == recount: "
        f"{summary['count_matches_recount']}, all e-mails sent: "
        f"{summary['every_signature_emailed']} -> "
        f"{'CORRECT' if summary['correct'] else 'INCORRECT'}"
    )


def stop_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)  # unwinds like Ctrl-C: servers stopped, database dropped


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    os.chdir(BASE_DIR)
    tmp = Path(tempfile.mkdtemp(prefix="spero-bench-"))
    try:
        with ExitStack() as stack:
            results = run(args, stack, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    args.results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = args.results_dir / f"{stamp}-bench.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    print(f"results: {path.relative_to(BASE_DIR) if path.is_relative_to(BASE_DIR) else path}")
    return 0 if results["summary"]["correct"] else 1


if __name__ == "__main__":
    sys.exit(main())
