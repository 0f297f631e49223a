"""SQL queries per public page, counted in a child process of bench/run.py on the benchmark's
database with the production settings (bench/settings.py):

    python -m bench.querycount > RESULT.json      (environment from bench/run.py)

Each page is requested through Django's test client (the whole middleware stack, as gunicorn
runs it, but in this process) with django.test.utils.CaptureQueriesContext around it:

- `cold`: a request right after emptying the cache: the site root paths and image renditions
  that Wagtail keeps in Django's cache are read from the database too (after one pass over
  every page, so that what lives in the process, compiled templates and content types, is
  warm);
- `warm`: the next request, as on a running site. The site caches no page, view or template
  fragment, so this is still a full render from the database: it is the number to compare.

bench/run.py gives this process a local-memory cache of its own (CACHE_URL=locmemcache://), so
that "cold" is really empty and nothing here touches the shared Redis. It also times `repeat`
warm renders of each page in this one thread, in wall time and in this process's CPU time: what
a page costs without gunicorn, HTTP or other requests competing (on a shared machine the wall
time also holds the waits for a core).

The result: per page its path, status, the two counts, the warm request's statements with their
literal values left out (`shape`), the statements run more than once, and the median render
time and CPU.
"""

import json
import re
import statistics
import sys
import time
from collections import Counter

REPEAT = 15


def shape(sql):
    """A statement without its literal values and its column list: the same query for other
    rows compares equal, and what tells queries apart (table, joins, conditions) stays."""
    sql = re.sub(r"'[^']*'|\b\d+\b", "?", sql)
    sql = re.sub(r"\bIN \([^)]*\)", "IN (...)", sql)
    return re.sub(r"^SELECT (DISTINCT )?.*? FROM ", r"SELECT \1… FROM ", sql, count=1)


def public_pages():
    """(name, path) of one live page of each public page type, the ones the benchmark asks for
    first, and the two bench views for comparison."""
    from pages.models import (
        ArticlePage,
        CampaignPage,
        ConferencePage,
        ContactPage,
        DonationPage,
        EventIndexPage,
        HomePage,
        NewsIndexPage,
        StandardPage,
        StatisticsPage,
    )

    pages = [
        ("home", HomePage),
        ("statistics", StatisticsPage),
        ("campaign", CampaignPage),
        ("conference", ConferencePage),
        ("donation", DonationPage),
        ("news", NewsIndexPage),
        ("contact", ContactPage),
        ("standard", StandardPage),
        ("events", EventIndexPage),
        ("article", ArticlePage),
    ]
    found = []
    for name, model in pages:
        page = model.objects.live().order_by("path").first()
        if page is not None:
            found.append((name, page.url))
    return [
        *found,
        ("baseline_get", "/bench/baseline-get/"),
        ("count_json", "/opprop/stopp-stigma/count.json"),
    ]


def clear_caches():
    from django.conf import settings
    from django.core.cache import caches

    for alias, config in settings.CACHES.items():
        # Never a shared cache: bench/run.py gives this process its own.
        if not config["BACKEND"].endswith("LocMemCache"):
            raise SystemExit(f"bench.querycount needs a local-memory cache, not {alias}")
        caches[alias].clear()


def measure(client, path, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clear_caches()
    runs = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        runs.append((response.status_code, [query["sql"] for query in captured]))
    timings, cpu = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        client.get(path)
        timings.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    (cold_status, cold), (status, warm) = runs
    shapes = [shape(sql) for sql in warm]
    return {
        "path": path,
        "status": status,
        "cold_status": cold_status,
        "cold": len(cold),
        "warm": len(warm),
        "warm_sql": [sql[:400] for sql in shapes],
        "repeated": {sql[:400]: n for sql, n in Counter(shapes).most_common() if n > 1},
        "render_ms_median": round(1000 * statistics.median(timings), 2) if timings else None,
        "render_cpu_ms_median": round(1000 * statistics.median(cpu), 2) if cpu else None,
    }


def main():
    import django

    django.setup()
    from django.test import Client

    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else REPEAT
    # As the benchmark's own client: HTTPS behind the proxy, the host the settings allow.
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    pages = public_pages()
    for _name, path in pages:
        client.get(path)
    results = {name: measure(client, path, repeat) for name, path in pages}
    json.dump(results, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
