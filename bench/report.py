"""The report of a run: what it ran on (meta), the summary of its phases and checks against the
targets, the JSON file in bench/results/ and the table printed at the end."""

import datetime
import json
import os
import platform
import subprocess

from bench.common import BASE_DIR, PAGE_PHASES, POST_PHASES, kib

TARGET_SIGNATURES_PER_S = 300
# The targets: a public page at least half the GET baseline's rate; the home page under
# 20 queries uncached; the export in constant memory (here: the peak RSS of the worker serving
# 10 times the rows grows by less than this).
TARGET_PAGE_RATIO = 0.5
TARGET_HOME_QUERIES = 20
EXPORT_MEMORY_TOLERANCE_KB = 10 * 1024


def describe(args, site):
    """The run's meta: when, on which commit and machine, with which stack and limits."""
    return {
        "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "machine": {
            "usable_cores": len(os.sched_getaffinity(0)),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "postgresql": site.postgresql,
        },
        "gunicorn": {
            "workers": site.workers,
            "threads": site.threads,
            "worker_class": "gthread",
        },
        "cache": site.cache,
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
    if "sign" in phases:
        phase = phases["sign"]
        steady = phase["per_second"]["median"]
        summary["sign"] = {
            **speed(phase, "signatures_per_s"),
            "ratio_to_baseline": ratio(phase["rps"], baseline),
            "steady_per_s": steady,
            "steady_ratio_to_baseline": None if steady is None else ratio(steady, baseline_steady),
            "worker_boots": phase["cpu"]["worker_boots"],
            **capacity(phase["cpu"], results["meta"]["machine"]["usable_cores"]),
            "meets_target": phase["rps"] >= TARGET_SIGNATURES_PER_S,
        }
    registrations = checks["registrations"]
    if "register" in phases:
        phase = phases["register"]
        summary["register"] = {
            **speed(phase, "registrations_per_s"),
            "ratio_to_baseline": ratio(phase["rps"], baseline),
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


def speed(phase, rate_name):
    """A phase's rate (under `rate_name`), latency and errors, as each summary row begins."""
    return {
        rate_name: phase["rps"],
        "p50_ms": phase["latency_ms"].get("p50"),
        "p95_ms": phase["latency_ms"].get("p95"),
        "errors": phase["errors"],
    }


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
            **speed(phase, "requests_per_s"),
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


def write_results(results, results_dir):
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results_dir / f"{stamp}-bench.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    return path


# --- The table printed at the end -------------------------------------------------------------


def print_table(results):
    summary = results["summary"]
    print_phases(results["phases"], summary["pages"])
    print_rates(summary, results["checks"]["registrations"])
    print_queries(summary["queries"])
    if summary.get("export"):
        print_export(summary["export"])
    print(
        f"lost {summary['lost']}, duplicates {summary['duplicates']}, count == recount: "
        f"{summary['count_matches_recount']}, all e-mails sent: "
        f"{summary['every_signature_emailed']} -> "
        f"{'CORRECT' if summary['correct'] else 'INCORRECT'}"
    )


def print_phases(phases, pages):
    rows = [
        ("phase", "ok", "errors", "req/s", "ratio", "median/s", "min/s", "p50 ms", "p95 ms")
        + ("p99 ms", "app CPU ms", "db CPU ms", "boots")
    ]
    for name, phase in phases.items():
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


def print_rates(summary, registrations):
    """Signing, registering and each public page against its target."""
    if "sign" in summary:
        s = summary["sign"]
        print(
            f"sign: {s['signatures_per_s']}/s = {s['ratio_to_baseline']} x baseline "
            f"(steady {s['steady_per_s']}/s = {s['steady_ratio_to_baseline']} x); "
            f"target {TARGET_SIGNATURES_PER_S}/s {'met' if s['meets_target'] else 'NOT met'}; "
            f"CPU {s['cpu_ms_per_signature']} ms/signature, i.e. about "
            f"{s['projected_per_s_on_idle_machine']}/s if nothing else ran"
        )
    if "register" in summary:
        r = summary["register"]
        print(
            f"register: {r['registrations_per_s']}/s = {r['ratio_to_baseline']} x baseline, "
            f"p95 {r['p95_ms']} ms; {registrations['stored']} stored, "
            f"{registrations['seats_taken']} of {registrations['capacity']} seats taken, "
            f"{registrations['waiting']} waiting, lost {registrations['lost']}, duplicates "
            f"{registrations['duplicates']} -> "
            f"{'CORRECT' if summary['registrations_correct'] else 'INCORRECT'}"
        )
    for name in PAGE_PHASES:
        if name in summary["pages"]:
            page = summary["pages"][name]
            print(
                f"{name}: {page['requests_per_s']}/s = {page['ratio_to_baseline']} x "
                f"baseline_get; target {TARGET_PAGE_RATIO} x "
                f"{'met' if page['meets_half_baseline'] else 'NOT met'}"
            )


def print_queries(queries):
    if not queries:
        return
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


def print_export(export):
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
