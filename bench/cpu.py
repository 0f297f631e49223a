"""CPU accounting from /proc (Linux): the CPU time of gunicorn, the e-mail worker and the bench
database's PostgreSQL backends, and of the whole machine, in snapshots taken around a phase."""

import os
import time
from pathlib import Path

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


def db_cpu(before, after):
    """CPU seconds the bench database's backends used between two snapshots."""
    return sum(cpu - before["db"].get(pid, 0.0) for pid, cpu in after["db"].items())


def cpu_use(before, after, outcome):
    """CPU per successful request of each part, and how many cores everything else on the
    machine (other people's jobs) kept busy meanwhile. PostgreSQL's time is that of the bench
    database's backends (approximate: a backend that exits in between is missed)."""
    ok = max(outcome["ok"], 1)
    wall = after["at"] - before["at"]
    app = after["app"] - before["app"]
    worker = after["worker"] - before["worker"]
    db = db_cpu(before, after)
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
