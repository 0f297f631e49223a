"""Gunicorn settings for production (the container image and any other host).

Sizes come from the environment so that one image fits a small VM and a large one.
"""

import gc
import os


def _int_env(name, default):
    return int(os.environ.get(name) or default)


def _usable_cores():
    # sched_getaffinity honours a container's cpuset; cpu_count() would count every host core.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# Inside a container the app must listen on every interface; only the proxy should reach it.
bind = f"0.0.0.0:{_int_env('PORT', 8000)}"  # noqa: S104

# 2 × cores + 1 is gunicorn's rule of thumb; the cap keeps a big host from starting more
# processes than memory and PostgreSQL connections (workers × threads each) can carry.
workers = _int_env("WEB_CONCURRENCY", min(2 * _usable_cores() + 1, 8))

# Threads let one process overlap requests that wait on the database, cache or mail server.
worker_class = "gthread"
threads = _int_env("GUNICORN_THREADS", 4)

# A request that takes longer than this is stuck; the worker is killed and replaced.
timeout = 30
# On SIGTERM (deploys, scaling down) running requests get this long to finish. It is below
# Docker's stop grace period (30 s in compose.yaml) so that nothing is cut off mid-response.
graceful_timeout = 25
# Idle keep-alive connections from the proxy; keep the proxy's own idle timeout shorter.
keepalive = 5

# No periodic recycling: under load every worker reached its request limit within a second of
# the others, and the site answered nothing for 8-11 s while they restarted
# (docs/performance.md). Memory is watched by the container's limits instead.
max_requests = 0

# Addresses of the proxies whose X-Forwarded-* headers gunicorn believes. Django itself trusts
# X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER), so the app port must only be reachable by them.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs go to stdout/stderr for the container runtime to collect. The access log is off unless
# GUNICORN_ACCESS_LOG is set: the proxy in front logs requests already, and paths hold the
# opprop's confirmation and withdrawal links, which act for whoever has them. Formatting the line
# was also 5 % of a signature's CPU (docs/performance.md). When on, it leaves out the client
# address, query string, referrer and user agent.
accesslog = (
    "-" if os.environ.get("GUNICORN_ACCESS_LOG", "").lower() in ("1", "true", "yes") else None
)
errorlog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'

# The worker heartbeat file is touched constantly; in memory it cannot stall on a slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# gunicorn's runtime control socket (gunicornc) is not used, and it would be written to $HOME,
# which the non-root container user does not have.
control_socket_disable = True


def post_worker_init(worker):
    """Once the site is loaded: its many long-lived objects (modules, URL patterns, templates)
    need never be scanned by the garbage collector again, and a request, which allocates many
    short-lived objects, should not start a collection every 700 of them. Together this took
    about 6 % off the CPU of a signature (docs/performance.md)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
