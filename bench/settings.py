"""Production settings for the benchmark: everything as in production (DEBUG off, CSRF, HTTPS
behind a proxy, whitenoise, persistent connections, the task backend from TASK_BACKEND), plus
the bench URLconf with its baseline view. Used only by bench/run.py, never deployed."""

import os

from spero_site.settings.production import *  # noqa: F403
from spero_site.settings.production import CACHES

ROOT_URLCONF = "bench.urls"

# Each run keeps its rate-limit counters apart from everything else on a shared Redis, and
# bench/run.py deletes them by this prefix afterwards.
for _alias in CACHES.values():
    _alias["KEY_PREFIX"] = os.environ.get("BENCH_CACHE_KEY_PREFIX", "")
