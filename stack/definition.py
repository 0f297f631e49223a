"""What the deployed site is made of: the commands its services run, as the container image and
compose.yaml run them. `make stack` runs exactly these on loopback, adding only addresses, ports
and folders; tests/test_stack_definition.py checks that compose.yaml and the Dockerfile say the
same, so the three cannot drift apart."""

# The settings every process of the site runs with (the Dockerfile's ENV).
SETTINGS_MODULE = "spero_site.settings.production"

# The app image's CMD: gunicorn with gunicorn.conf.py.
APP_COMMAND = ("gunicorn", "-c", "gunicorn.conf.py", "spero_site.wsgi:application")
APP_INSTANCES = ("app-1", "app-2")

# One-off steps before the app starts: the migrations (compose's `migrate` service) and the
# static files (the image's build step).
MIGRATE_COMMAND = ("python", "manage.py", "migrate", "--noinput")
COLLECTSTATIC_COMMAND = ("python", "manage.py", "collectstatic", "--noinput")

# The e-mail and background worker, below the app's CPU priority (docs/performance.md).
WORKER_COMMAND = ("nice", "-n", "19", "python", "manage.py", "db_worker", "--interval", "1")
SCHEDULER_COMMAND = ("python", "manage.py", "run_scheduler")

# HAProxy in front of the app instances, from one configuration file for both.
PROXY_CONFIG = "deploy/haproxy.cfg"
PROXY_COMMAND = ("haproxy", "-W", "-db", "-f", PROXY_CONFIG)

# A cache only: nothing is written to disk, and old keys make room for new ones.
REDIS_COMMAND = (
    *("redis-server", "--save", "", "--appendonly", "no"),
    *("--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru"),
)

# The services that run the site's own code, with their commands.
SITE_SERVICES = {
    "migrate": MIGRATE_COMMAND,
    **dict.fromkeys(APP_INSTANCES, APP_COMMAND),
    "worker": WORKER_COMMAND,
    "scheduler": SCHEDULER_COMMAND,
}

# Variables the app's environment must set in every deployment (production.py's REQUIRED and
# what the proxy in front needs); the stack sets each of them, compose takes them from .env or
# wires them to its services.
SITE_ENVIRONMENT = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CACHE_URL",
    "EMAIL_URL",
    "SITE_BASE_URL",
    "CSRF_TRUSTED_ORIGINS",
    "NUM_PROXIES",
    "FORWARDED_ALLOW_IPS",
)
