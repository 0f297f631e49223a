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

This module only puts the steps in order: bench/stack.py prepares and removes the stack (1, 2),
bench/phases.py runs the load phases (3) and counts the queries (6), with the checks of
bench/checks.py (4) and the CPU accounting of bench/cpu.py, bench/export.py runs the export (5)
and bench/report.py writes the summary, the JSON and the table (7).
"""

import argparse
import os
import shlex
import shutil
import signal
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from bench.common import BASE_DIR, BASELINE_GET_PATH, CAMPAIGN_PATH, STATISTICS_PATH, log
from bench.export import create_export_petition, export_path, export_phase
from bench.phases import query_counts, run_phases
from bench.report import describe, print_table, summarise, write_results
from bench.stack import Server, prepare_site

# The entry point, and what tests/test_bench.py takes from here.
__all__ = [
    "BASELINE_GET_PATH",
    "CAMPAIGN_PATH",
    "STATISTICS_PATH",
    "create_export_petition",
    "export_path",
    "main",
]

RESULTS_DIR = BASE_DIR / "bench" / "results"
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


def run(args, stack, tmp):
    site = prepare_site(args, stack, tmp)
    results = {"phases": {}, "checks": {}, "meta": describe(args, site)}
    # As in production: e-mail queued in the database, the worker sending it beside the app.
    with Server(site.environ, tmp, args.worker_nice, shlex.split(args.gunicorn_args)) as srv:
        log(
            f"gunicorn on 127.0.0.1:{srv.port}: {site.workers} workers x {site.threads} threads, "
            f"{site.cache}"
        )
        results["phases"], results["checks"] = run_phases(srv, tmp, args)
        if args.export_rows:
            results["export"] = export_phase(srv, tmp, args)
        results["server_log_problems"] = srv.error_lines()[:20]

    # Once gunicorn has stopped: nothing else runs while the queries are counted.
    results["query_counts"] = query_counts(site.environ)
    results["summary"] = summarise(results)
    return results


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
    path = write_results(results, args.results_dir)
    print_table(results)
    print(f"results: {path.relative_to(BASE_DIR) if path.is_relative_to(BASE_DIR) else path}")
    return 0 if results["summary"]["correct"] else 1


if __name__ == "__main__":
    sys.exit(main())
