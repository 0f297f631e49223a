"""Local development: SQLite, console e-mail and local-memory cache unless the environment says
otherwise, so that a fresh clone runs with one command."""

import os

# DEBUG off, so that a visitor of the embedded default sees the site's own Norwegian 404 and 500
# pages; DEBUG=true brings Django's technical pages back for a developer.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "dev-only-not-secret-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
# A fixed key so that encrypted test data survives restarts; production sets its own.
os.environ.setdefault("DONATION_ENCRYPTION_KEYS", "c3Blcm8tZGV2LW9ubHktbm90LWEtc2VjcmV0LWtleSE=")

from .base import *  # noqa: E402,F403

# runserver serves the static and uploaded files itself (production has whitenoise and S3).
SERVE_LOCAL_FILES = True
