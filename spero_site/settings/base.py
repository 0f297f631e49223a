"""Settings shared by every environment.

Every environment variable the site reads is declared in ``env`` below with its type. Defaults
here are the closed ones: no debug, no hosts, no secret. ``dev.py`` and ``test.py`` supply
convenient defaults; ``production.py`` refuses to start without its secrets.
"""

import datetime
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    SECRET_KEY=(str, ""),
    ALLOWED_HOSTS=(list, []),
    CSRF_TRUSTED_ORIGINS=(list, []),
    DATABASE_URL=(str, ""),
    CACHE_URL=(str, "locmemcache://"),
    PAGE_CACHE_SECONDS=(int, 300),
    EMAIL_URL=(str, "consolemail://"),
    EMAIL_TIMEOUT_SECONDS=(int, 10),
    DEFAULT_FROM_EMAIL=(str, "Spero foreningen <post@speroforeningen.no>"),
    SITE_BASE_URL=(str, "http://127.0.0.1:8000"),
    MEDIA_ROOT=(str, str(BASE_DIR / "media")),
    STATIC_ROOT=(str, str(BASE_DIR / "staticfiles")),
    AWS_STORAGE_BUCKET_NAME=(str, ""),
    AWS_S3_ENDPOINT_URL=(str, ""),
    AWS_S3_REGION_NAME=(str, ""),
    AWS_S3_CUSTOM_DOMAIN=(str, ""),
    SEARCH_CONFIG=(str, "norwegian"),
    LOG_LEVEL=(str, "INFO"),
    IP_HASH_KEY=(str, ""),
    NUM_PROXIES=(int, 0),
    SIGNATURE_RETENTION_MONTHS=(int, 6),
    EVENT_REGISTRATION_RETENTION_DAYS=(int, 90),
    DONATION_MIN_KRONER=(int, 50),
    DONATION_MAX_KRONER=(int, 100_000),
    DONATION_UNPAID_RETENTION_DAYS=(int, 90),
    DONATION_RETENTION_YEARS=(int, 5),
    CONTACT_CLOSED_RETENTION_DAYS=(int, 90),
    CONTACT_RETENTION_DAYS=(int, 365),
    MEMBERSHIP_GRACE_DAYS=(int, 90),
    MEMBERSHIP_RESIGNED_RETENTION_DAYS=(int, 365),
    TAX_DEDUCTION_MIN_KRONER=(int, 500),
    TAX_DEDUCTION_MAX_KRONER=(int, 25_000),
    DONATION_ENCRYPTION_KEYS=(list, []),
    VIPPS_API_URL=(str, "https://apitest.vipps.no"),
    VIPPS_CLIENT_ID=(str, ""),
    VIPPS_CLIENT_SECRET=(str, ""),
    VIPPS_SUBSCRIPTION_KEY=(str, ""),
    VIPPS_MERCHANT_SERIAL_NUMBER=(str, ""),
    VIPPS_WEBHOOK_SECRET=(str, ""),
    VIPPS_RECURRING_ENABLED=(bool, False),
    VIPPS_TIMEOUT_SECONDS=(float, 10.0),
    VIPPS_WEBHOOK_MAX_AGE_SECONDS=(int, 15 * 60),
    TASK_BACKEND=(str, ""),
    SCHEDULER_INTERVAL_SECONDS=(int, 60),
    NEWSLETTER_LEASE_SECONDS=(int, 120),
    BACKUP_DIR=(str, ""),
    BACKUP_KEEP_DAYS=(int, 35),
    BACKUP_HOUR=(int, 3),
    AXES_FAILURE_LIMIT=(int, 5),
    AXES_COOLOFF_MINUTES=(int, 15),
    TWOFACTOR_REQUIRED_GROUPS=(list, ["Ansatt"]),
)

DEBUG = env("DEBUG")
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")
SITE_BASE_URL = env("SITE_BASE_URL").rstrip("/")
# Key for hashing IP addresses; falls back to SECRET_KEY. Rotating it forgets old hashes.
IP_HASH_KEY = env("IP_HASH_KEY") or None
# How many proxies in front of the app append to X-Forwarded-For (0: use REMOTE_ADDR).
NUM_PROXIES = env("NUM_PROXIES")
# Signatures are anonymised this many months after their petition closes.
SIGNATURE_RETENTION_MONTHS = env("SIGNATURE_RETENTION_MONTHS")
EVENT_REGISTRATION_RETENTION_DAYS = env("EVENT_REGISTRATION_RETENTION_DAYS")
# Bounds of one gift, in whole kroner.
DONATION_MIN_KRONER = env("DONATION_MIN_KRONER")
DONATION_MAX_KRONER = env("DONATION_MAX_KRONER")
# Gifts never paid are deleted this many days after they were made; paid ones lose who gave
# this many years after the end of the year of their last payment (bokføringsloven § 13).
DONATION_UNPAID_RETENTION_DAYS = env("DONATION_UNPAID_RETENTION_DAYS")
DONATION_RETENTION_YEARS = env("DONATION_RETENTION_YEARS")
# Contact messages are deleted this many days after staff closed them, and any message this many
# days after it came, closed or not.
CONTACT_CLOSED_RETENTION_DAYS = env("CONTACT_CLOSED_RETENTION_DAYS")
CONTACT_RETENTION_DAYS = env("CONTACT_RETENTION_DAYS")
# A membership not paid for this year stays «venter på betaling» this many days after New Year
# (or after joining) before it is «utgått». A member who resigned is anonymised this many days
# after: that year's grant count can still be checked (docs/members.md).
MEMBERSHIP_GRACE_DAYS = env("MEMBERSHIP_GRACE_DAYS")
MEMBERSHIP_RESIGNED_RETENTION_DAYS = env("MEMBERSHIP_RESIGNED_RETENTION_DAYS")
# Skattefradrag for gaver: a donor's gifts in a year count when they reach the minimum, and
# count up to the maximum (skatteloven § 6-50; 500 kr and 25 000 kr since 2024).
TAX_DEDUCTION_MIN_KRONER = env("TAX_DEDUCTION_MIN_KRONER")
TAX_DEDUCTION_MAX_KRONER = env("TAX_DEDUCTION_MAX_KRONER")
# Fernet keys for fødselsnummer at rest: the first encrypts, all decrypt (for rotation). Without
# them the tax-deduction field is not offered.
DONATION_ENCRYPTION_KEYS = env("DONATION_ENCRYPTION_KEYS")
# Vipps MobilePay (docs/donations.md): off until the four credentials are set.
VIPPS_API_URL = env("VIPPS_API_URL")
VIPPS_CLIENT_ID = env("VIPPS_CLIENT_ID")
VIPPS_CLIENT_SECRET = env("VIPPS_CLIENT_SECRET")
VIPPS_SUBSCRIPTION_KEY = env("VIPPS_SUBSCRIPTION_KEY")
VIPPS_MERCHANT_SERIAL_NUMBER = env("VIPPS_MERCHANT_SERIAL_NUMBER")
# The secret Vipps gave when the webhook was registered (manage.py vipps_webhook); without it
# every webhook is refused and the poll (manage.py process_donations) does the work alone.
VIPPS_WEBHOOK_SECRET = env("VIPPS_WEBHOOK_SECRET")
# Monthly gifts through Vipps need the Recurring API ("Faste betalinger") on the sales unit.
VIPPS_RECURRING_ENABLED = env("VIPPS_RECURRING_ENABLED")
VIPPS_TIMEOUT_SECONDS = env("VIPPS_TIMEOUT_SECONDS")
# A webhook signed longer ago than this is refused as a replay.
VIPPS_WEBHOOK_MAX_AGE_SECONDS = env("VIPPS_WEBHOOK_MAX_AGE_SECONDS")

INSTALLED_APPS = [
    "spero_site",
    "pages",
    "campaigns",
    "events",
    "donations",
    "contact",
    "newsletter",
    "members",
    "privacy",
    "twofactor",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "django_tasks_db",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
    "axes",
]

MIDDLEWARE = [
    "spero_site.middleware.SecurityHeadersMiddleware",
    "spero_site.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "spero_site.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any admin page, the second factor for those who need it (twofactor/).
    "twofactor.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "spero_site.urls"
WSGI_APPLICATION = "spero_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_url(var):
    """A CACHES entry from a URL variable, with Django's Redis backend swapped for the site's
    (spero_site/cache.py: one shared client, rate limits in one round trip)."""
    config = env.cache_url(var)
    if config["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        config["BACKEND"] = "spero_site.cache.RedisCache"
        # Without timeouts a Redis that stops answering would hold every request forever;
        # with them the site goes on without its cache (docs/deploy.md, "When a part fails").
        config.setdefault("OPTIONS", {}).update(socket_connect_timeout=1, socket_timeout=2)
    return config


# One cache, two aliases (spero_site/cache.py): "default" goes on without Redis while it is
# away (Wagtail's and Django's own uses), "strict" raises for the site's rate limits, login
# lockout, generations and queued-run marks, which must know. A local-memory cache is one store
# for both (the same LOCATION).
CACHES = {"default": cache_from_url("CACHE_URL"), "strict": cache_from_url("CACHE_URL")}
if CACHES["default"]["BACKEND"] == "spero_site.cache.RedisCache":
    CACHES["default"]["FAIL_SOFT"] = True
# Public pages are stored whole for readers without cookies (spero_site/page_cache.py), renewed
# at once after any change to content and at the latest after this many seconds; 0 turns it off.
PAGE_CACHE_SECONDS = env("PAGE_CACHE_SECONDS")

vars().update(env.email_url("EMAIL_URL"))
# A mail server that stops answering must not hold the e-mail worker forever: after this many
# seconds the run gives up and its e-mails stay due for the next one (spero_site/outbox.py).
EMAIL_TIMEOUT = env("EMAIL_TIMEOUT_SECONDS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Slow work (e-mail, search indexing) goes through django-tasks: "immediate" runs it at once in
# the request (dev and test); "database" queues it for `manage.py db_worker` (production).
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS = {"default": {"BACKEND": TASK_BACKENDS[env("TASK_BACKEND") or "immediate"]}}
# The scheduler's tick (manage.py run_scheduler): due e-mails every tick, the other jobs every
# so many ticks.
SCHEDULER_INTERVAL_SECONDS = env("SCHEDULER_INTERVAL_SECONDS")
# A newsletter's sending run renews its hold with every message; a run that has not for this
# long is presumed dead, and the scheduler's next run takes over (newsletter/services.py).
NEWSLETTER_LEASE_SECONDS = env("NEWSLETTER_LEASE_SECONDS")

# The first backend refuses a locked-out login before the second checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Admin login lockout (spero_site/login_lockout.py): after AXES_FAILURE_LIMIT failed logins with
# one username from one client, that pair is refused for AXES_COOLOFF_MINUTES (each further try
# starts the time again); a successful login clears that pair's count. Counts live in the cache
# only, under a keyed pseudonym of the client's address, never the address itself.
AXES_FAILURE_LIMIT = env("AXES_FAILURE_LIMIT")
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env("AXES_COOLOFF_MINUTES"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A second factor (twofactor/, docs/operations.md «Totrinnsinnlogging») at the admin login for
# superusers and these groups (they can see personal data); others may turn it on themselves.
TWOFACTOR_REQUIRED_GROUPS = env("TWOFACTOR_REQUIRED_GROUPS")
OTP_TOTP_ISSUER = "Spero foreningen"
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "spero_site.login_lockout.LockoutCacheHandler"
AXES_CACHE = "strict"
AXES_CLIENT_IP_CALLABLE = "spero_site.login_lockout.client_pseudonym"
AXES_LOCKOUT_CALLABLE = "spero_site.login_lockout.lockout_response"
# Log lines name the client by its pseudonym and hide the username.
AXES_SENSITIVE_PARAMETERS = ["username"]
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # no Django admin here; nothing is stored to show

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# Whether the app serves static and media files itself also with DEBUG off (settings/dev.py).
SERVE_LOCAL_FILES = False
MEDIA_ROOT = env("MEDIA_ROOT")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Readers get no cookie: sessions and CSRF are only touched by forms and the admin.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "spero_site.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "Spero foreningen"
# No avatars from gravatar.com: the admin would send a hash of every staff e-mail address there.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# No release check from the dashboard: a superuser's browser would call releases.wagtail.org.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_BASE_URL = SITE_BASE_URL
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("nb", "Norsk bokmål")]
# Every rich text field and block (pages, the opprop's text) offers the same few features.
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {
            "features": ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
        },
    }
}
WAGTAIL_DATE_FORMAT = "%d.%m.%Y"
WAGTAIL_DATETIME_FORMAT = "%d.%m.%Y %H:%M"
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        # PostgreSQL full-text search with Norwegian stemming; other databases ignore it.
        "SEARCH_CONFIG": env("SEARCH_CONFIG"),
    }
}
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"gif": "webp", "bmp": "webp", "tiff": "webp"}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL")},
    # One line per background task run is noise at INFO; failures still show.
    "loggers": {"django_tasks": {"level": "WARNING"}},
}

# Backups (manage.py backup / restore, docs/operations.md). Empty BACKUP_DIR: no daily backup.
BACKUP_DIR = env("BACKUP_DIR")
BACKUP_KEEP_DAYS = env("BACKUP_KEEP_DAYS")
BACKUP_HOUR = env("BACKUP_HOUR")
