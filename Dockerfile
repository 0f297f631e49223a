# syntax=docker/dockerfile:1
# The Spero site: gunicorn serving Django/Wagtail, static files through WhiteNoise.
# Build: docker build -t spero-site .   Run and deploy: see docs/deploy.md.

ARG PYTHON_VERSION=3.11
# The same uv version as scripts/bootstrap.sh, so the lock file is read the same way.
ARG UV_VERSION=0.13.9

# --- build: the pinned dependencies, installed into /app/.venv --------------------------------
# Debian 13: its postgresql-client (17) can dump the PostgreSQL 16 server of compose.yaml.
FROM python:${PYTHON_VERSION}-slim-trixie AS build
ARG UV_VERSION
RUN pip install --no-cache-dir "uv==${UV_VERSION}"
# copy: the cache mount is another filesystem; never: use this image's Python, not a download.
ENV UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never
WORKDIR /app
COPY requirements/base.txt requirements/base.txt
# requirements/base.txt is the production lock file (`make lock`): exact versions, each with its
# hashes. `pip sync` installs exactly that set, and --require-hashes refuses anything unverified.
RUN --mount=type=cache,target=/root/.cache/uv \
    uv venv --python /usr/local/bin/python3 /app/.venv \
    && uv pip sync --python /app/.venv/bin/python --require-hashes requirements/base.txt

# --- app: the runtime image, without uv or any build tools ------------------------------------
FROM python:${PYTHON_VERSION}-slim-trixie AS app
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/app/.venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=spero_site.settings.production \
    PORT=8000

# pg_dump and pg_restore for manage.py backup / restore (docs/operations.md).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 spero \
    && useradd --system --uid 10001 --gid spero --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin spero

WORKDIR /app
# The venv's scripts point at /app/.venv/bin/python, so it keeps the same path as in "build".
COPY --from=build /app/.venv /app/.venv
# Code and static files stay owned by root: the app user can read them but not change them.
COPY . .

# Production settings refuse to start without their variables. These placeholders exist only
# for this one command (nothing connects to them) and are not kept in the image's environment.
RUN SECRET_KEY=collectstatic-build-only \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/collectstatic-build-only.sqlite3 \
    CACHE_URL=dummycache:// \
    EMAIL_URL=dummymail:// \
    python manage.py collectstatic --noinput

# Uploaded media when no S3 bucket is configured, and the scheduler's backups: volumes go here
# (a new named volume takes these owners).
RUN mkdir -p /app/media /backups && chown spero:spero /app/media /backups

USER spero
EXPOSE 8000

# /healthz is answered before host validation and the HTTPS redirect (HealthCheckMiddleware).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; r.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/healthz', timeout=4)"]

CMD ["gunicorn", "-c", "gunicorn.conf.py", "spero_site.wsgi:application"]
