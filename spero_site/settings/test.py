"""Tests: PostgreSQL from DATABASE_URL (scripts/test.sh finds or starts one), a cheap password
hasher, local-memory cache, in-memory e-mail and immediate tasks."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# A fixed key so that encrypted test data survives restarts; production sets its own.
os.environ.setdefault("DONATION_ENCRYPTION_KEYS", "c3Blcm8tZGV2LW9ubHktbm90LWEtc2VjcmV0LWtleSE=")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/spero")
os.environ["CACHE_URL"] = "locmemcache://"

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT", "/tmp/spero-test-media")  # noqa: S108
WAGTAILADMIN_BASE_URL = "http://testserver"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
