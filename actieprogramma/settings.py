"""Settings for Actieprogramma-tracker.

Everything that differs between machines comes from the environment, under
Django's own names. With no environment at all the project runs in development
mode (DEBUG on, a development-only secret, SQLite), so that a fresh clone works
without configuration; production sets ``DEBUG=false`` and must then provide
``SECRET_KEY`` and ``ALLOWED_HOSTS`` or start-up fails.
"""

import datetime
import ipaddress
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    # The ground floor first: the audit machinery and the pages' building blocks.
    "historie",
    "basis",
    "pijlers",
    "acties",
    "evaluatie",
    "taken",
    "meldingen",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "beveiliging",
    "rest_framework",
    "drf_spectacular",
    "api",
    # Last, so that its templates and migrations (the roles) come after the apps
    # whose models they refer to.
    "actieprogramma",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves the static files itself (compressed, cached) so that gunicorn needs
    # no web server in front of it for them.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "actieprogramma.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "actieprogramma.middleware.SessionTimeoutMiddleware",
    "beveiliging.middleware.SecondFactorMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # The request's transaction around the view; after every other middleware
    # with a process_view, since it calls the view itself.
    "basis.transactions.RequestTransactionMiddleware",
    # Last, as django-axes requires: it answers locked-out login attempts.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "actieprogramma.urls"

# The API (/api/v1/, api/): personal tokens only, JSON in and out, problem
# details for errors, cursor pages, a rate limit per token in the cache.
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 600)  # requests per minute per token
# The public read API (/api/v1/openbaar/): calls a minute per client address, and
# how long a cache may keep an answer (seconds).
API_PUBLIC_RATE_LIMIT = env_int("API_PUBLIC_RATE_LIMIT", 120)
API_PUBLIC_MAX_AGE = env_int("API_PUBLIC_MAX_AGE", 60)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.RolePermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.StrictJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerToken"],
    "DEFAULT_THROTTLE_RATES": {"token": f"{API_RATE_LIMIT}/min"},
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "URL_FORMAT_OVERRIDE": None,
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Actieprogramma-tracker API",
    "DESCRIPTION": (
        "De acties, raadsopdrachten en evaluaties van een actieprogramma, met hun "
        "historie; volgens de NLGov REST API Design Rules. Zie docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.dutch_parameters",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ActieStatusEnum": "acties.constants.ActieStatus",
        "RaadsopdrachtStatusEnum": "acties.constants.RaadsopdrachtStatus",
        "EvaluatieStatusEnum": "evaluatie.constants.EvaluatieStatus",
        "OrganisatieSoortEnum": "acties.constants.OrganisatieSoort",
        "RaadsopdrachtSoortEnum": "acties.constants.RaadsopdrachtSoort",
        "VergaderingSoortEnum": "acties.constants.VergaderingSoort",
    },
}

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
                "actieprogramma.context_processors.role",
                "actieprogramma.context_processors.navigation",
            ],
        },
    },
]

# Form fields render through templates/django/forms/, in NL Design System markup.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "actieprogramma.wsgi.application"

# SQLite under the git-ignored var/ unless DATABASE_URL says otherwise.
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
_default_database_url = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or _default_database_url,
        conn_max_age=env_int("CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
# A request writes everything or nothing: not ATOMIC_REQUESTS but
# basis.transactions.RequestTransactionMiddleware, which also retries a
# transaction that PostgreSQL aborts as a deadlock.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
elif env_bool("DATABASE_POOL", False):
    # psycopg's connection pool (per process) instead of a connection per request
    # or CONN_MAX_AGE; Django requires CONN_MAX_AGE 0 with it. With
    # conn_health_checks the pool checks each connection before handing it out,
    # so connections broken while the database was away are replaced and the
    # application recovers without a restart (scripts/db_outage.sh).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN_SIZE", 2),
        "max_size": env_int("DATABASE_POOL_MAX_SIZE", 8),
        "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {
        "NAME": f"{_VALIDATORS}.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
    # Refuses what the above let through: aaaaaaaaaaaa, abcdefghijkl, qwertyuiopas,
    # and a common word with a year or signs around it (Welkom2025!).
    {"NAME": "beveiliging.passwords.VarietyPasswordValidator"},
    {"NAME": "beveiliging.passwords.CommonWordPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands"))]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# In development whitenoise finds static files where they are, as runserver does.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# In production static files get content-hashed names (cached for a year) and
# precompressed copies; that needs `collectstatic`, which `make serve` runs.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
# Uploaded documents and final evaluation PDFs (the "default" storage): local
# disk under MEDIA_ROOT, or, with more than one application node, a store every
# node reaches (docs/operations.md). DOCUMENT_STORAGE=s3 puts them in an
# S3-compatible bucket through django-storages (AWS S3, MinIO, Ceph, a Dutch
# cloud's object store); files stay private and are served by the application
# with its permission checks, never by a public bucket URL.
DOCUMENT_STORAGE = env_str("DOCUMENT_STORAGE", "local")
if DOCUMENT_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET", ""),
            "endpoint_url": env_str("S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("S3_REGION", "") or None,
            "access_key": env_str("S3_ACCESS_KEY", ""),
            "secret_key": env_str("S3_SECRET_KEY", ""),
            "location": env_str("S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if not STORAGES["default"]["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("DOCUMENT_STORAGE=s3 needs S3_BUCKET.")
elif DOCUMENT_STORAGE != "local":
    raise ImproperlyConfigured(
        f"DOCUMENT_STORAGE is 'local' or 's3', not {DOCUMENT_STORAGE!r}."
    )
# Documents attached to actions and mandates: at most this many megabytes each.
# Files are served by the application (with its permission checks), never
# from MEDIA_URL by the web server.
DOCUMENT_MAX_MB = env_int("DOCUMENT_MAX_MB", 20)

# --- E-mail (docs/operations.md) ------------------------------------------------
# Notices and digests go through Django's e-mail framework. With EMAIL_HOST set
# they go to that SMTP server; without it (development) they are printed on
# the console. The test suite replaces either with its own outbox.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", bool(EMAIL_HOST))
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Actieprogramma-tracker <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people reach the application at: links in e-mails start with it.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The digest before a meeting goes out this many days before it.
DIGEST_DAYS_BEFORE_MEETING = env_int("DIGEST_DAYS_BEFORE_MEETING", 5)
# The weekly digest names what is due within this many days (and what is overdue).
DIGEST_HORIZON_DAYS = env_int("DIGEST_HORIZON_DAYS", 14)

# --- Job queue: Celery with Redis (docs/operations.md) -------------------------
# With CELERY_BROKER_URL set, long work (evaluation PDFs, large imports, mail)
# goes to the workers through that broker. Without it (make run, the test
# suite) every job runs in the process that starts it, after its transaction.
JOB_BROKER_URL = env_str("CELERY_BROKER_URL", "")
JOBS_IN_PROCESS = not JOB_BROKER_URL
CELERY_BROKER_URL = JOB_BROKER_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = JOBS_IN_PROCESS
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that hands over a job must not hang when Redis is down: one
# quick try, then the job is marked as not started (the person sees why).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 1,
    # A job a worker took but did not finish (killed) is handed out again
    # after this many seconds; longer than the longest job.
    "visibility_timeout": 3600,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# The schedule (celery beat): fixed times in code rather than rows in the
# database (django-celery-beat), since nobody should have to edit them in the
# admin; the times are settings. Each run is safe to repeat: a digest is sent
# once per person and week or meeting (meldingen.Bericht.sleutel).
WEEKLY_DIGEST_DAY = env_int("WEEKLY_DIGEST_DAY", 1)  # 1 = Monday (cron)
WEEKLY_DIGEST_HOUR = env_int("WEEKLY_DIGEST_HOUR", 7)
CELERY_BEAT_SCHEDULE = {
    "weekoverzicht": {
        "task": "meldingen.weekoverzichten",
        "schedule": crontab(
            minute=0, hour=WEEKLY_DIGEST_HOUR, day_of_week=WEEKLY_DIGEST_DAY
        ),
    },
    "overzicht-voor-vergadering": {
        "task": "meldingen.vergaderoverzichten",
        "schedule": crontab(minute=15, hour=WEEKLY_DIGEST_HOUR),
    },
    "berichten-opnieuw": {
        "task": "meldingen.opnieuw_versturen",
        "schedule": crontab(minute="*/10"),
    },
    "taken-opruimen": {
        "task": "taken.opruimen",
        "schedule": crontab(minute=30, hour=3),
    },
}
# Imports of more rows than this are written by a job, not in the request.
IMPORT_JOB_ROWS = env_int("IMPORT_JOB_ROWS", 200)
# A job's file (a concept PDF) is kept this many days.
JOB_FILE_DAYS = env_int("JOB_FILE_DAYS", 7)

# Audit history: text change reasons (reasons are sentences, not labels), the
# composite (history_date, id) index that point-in-time queries need, and no
# revert: history is a record of what happened, not an undo button.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_DATE_INDEX = "composite"
SIMPLE_HISTORY_REVERT_DISABLED = True

# Username of the account that history rows name when a command, not a person,
# made the change.
SYSTEM_USERNAME = env_str("SYSTEM_USERNAME", "systeem")

# Rendering an evaluation PDF runs in a child process within these bounds.
PDF_RENDER_TIMEOUT = env_int("PDF_RENDER_TIMEOUT", 120)
PDF_RENDER_MEMORY_MB = env_int("PDF_RENDER_MEMORY_MB", 1536)

# The cache: rendered page fragments (historie.cache, keyed by the data's
# generation, so never stale for recorded data), the API's rate limits, the
# answers of the identity provider for access tokens. One machine: a memory
# cache per process is enough. More than one (docs/operations.md): CACHE_URL
# names a Redis that every node shares (redis://host:6379/1), so that a rate
# limit is one count for the whole installation; sessions then read from it
# before the database. A Redis that is away is a cache miss, never an error
# page (django-redis IGNORE_EXCEPTIONS): every value in it can be rebuilt.
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "actieprogramma"),
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    # Sessions stay in the database (every node reads them there, and they
    # survive a Redis restart); the cache spares the query of each request.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 2000)},
        }
    }
FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 300)

# --- Security baseline (docs/security.md) -----------------------------------------
# Cookies: never readable by scripts, only over HTTPS in production, not sent
# along with requests from other sites.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# Sessions: ended after 30 minutes without a request (idle) and 12 hours after
# signing in whatever happens (absolute), and when the browser closes.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# HTTPS only in production: redirect plain HTTP, and tell browsers for a year
# (HSTS) never to try it. Behind a TLS-terminating proxy, set
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
_proxy_header = env_list("SECURE_PROXY_SSL_HEADER", [])
if _proxy_header:
    if len(_proxy_header) != 2:
        raise ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER must be a header and a value, e.g. "
            "HTTP_X_FORWARDED_PROTO,https."
        )
    SECURE_PROXY_SSL_HEADER = tuple(_proxy_header)


def _trusted_proxy(value: str) -> str:
    try:
        # "*" is gunicorn's "any address": refused below like 0.0.0.0/0.
        network = ipaddress.ip_network("0.0.0.0/0" if value == "*" else value)
    except ValueError as exc:
        try:
            loose = ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {value!r} is not an IP address or network "
                "(e.g. 10.0.0.5 or 10.0.0.0/24)."
            ) from exc
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {value!r} has host bits set; did you mean {loose}?"
        ) from exc
    if network.prefixlen == 0:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {value!r} would trust every address, so anyone "
            "could choose the address the lockout and the security log see."
        )
    return str(network)


# The reverse proxies in front of the application (addresses or networks,
# comma-separated). A request from one of them is taken to be for the client
# it names in X-Forwarded-For: the right-most entry that is no trusted proxy
# (beveiliging.security_log.client_ip). The sign-in lockout and the security log
# both use that address. Empty: REMOTE_ADDR, and the header is ignored.
# Addresses rather than a count of proxies: a request that reaches the
# application past the proxy cannot pass off a header of its own.
TRUSTED_PROXIES = [_trusted_proxy(item) for item in env_list("TRUSTED_PROXIES", [])]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content Security Policy (django-csp): only this site's own scripts, styles,
# images and fonts; no inline script or style anywhere; no framing.
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        # data: for the small SVG icons inside the NL Design System CSS
        # (checkbox tick, select arrow); an image cannot run script.
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
        "base-uri": [_NONE],
        "object-src": [_NONE],
    }
}

# Authentication: django-axes locks an account after 5 failed sign-ins in a row
# (per username, whatever the address), and an address after 5 failures
# whatever the usernames (password spraying), for AXES_COOLOFF_MINUTES. Behind
# one shared office address, set AXES_LOCKOUT_PARAMETERS=username,ip_address
# with care (docs/security.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = env_list(
    "AXES_LOCKOUT_PARAMETERS", ["username", "ip_address"]
)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 60))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# The client's address as the security log sees it (TRUSTED_PROXIES), not the
# proxy's, so that a lockout hits one person rather than everyone behind it.
AXES_CLIENT_IP_CALLABLE = "beveiliging.security_log.client_ip"

# Logging: the console, and the security log as one JSON object per line
# (docs/security.md), to standard error or to SECURITY_LOG_FILE.
_security_handler = {"class": "logging.StreamHandler", "formatter": "security"}
if env_str("SECURITY_LOG_FILE"):
    _security_handler = {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": env_str("SECURITY_LOG_FILE"),
        "formatter": "security",
    }
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"security": {"()": "beveiliging.security_log.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "security": _security_handler,
    },
    "loggers": {
        "actieprogramma.security": {
            "handlers": ["security"],
            "level": "INFO",
            "propagate": False,
        },
        # django-axes logs each attempt itself; the security log has them.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
}

# --- Second factor (django-otp) and single sign-on (OpenID Connect) ---
# docs/authentication.md. A code from an authenticator app (TOTP) as second
# factor, which a coordinator can require per role (beveiliging.Rolbeleid);
# django-otp slows guessing down (1, 2, 4, 8 ... seconds after each wrong code).
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Actieprogramma-tracker")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Single sign-on through the municipality's identity provider: off unless
# OIDC_RP_CLIENT_ID is set. Users who sign in that way get the provider's own
# second factor and none of this application's while OIDC_SKIP_OTP is on.
OIDC_ENABLED = bool(env_str("OIDC_RP_CLIENT_ID"))
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "uw organisatieaccount")
OIDC_SKIP_OTP = env_bool("OIDC_SKIP_OTP", True)
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT") or None
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", True)
OIDC_CREATE_USER = env_bool("OIDC_CREATE_USER", True)
OIDC_USERNAME_CLAIM = env_str("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_ROLE_CLAIM = env_str("OIDC_ROLE_CLAIM", "groups")
# The API takes the provider's access tokens too (api.authentication): how long
# the provider's answer for one token is kept (seconds), and how long to wait.
OIDC_BEARER_CACHE = env_int("OIDC_BEARER_CACHE", 60)
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 5)
# claim value:role pairs, e.g. "ap-beleid:beleidsmedewerker,ap-coord:coordinator";
# split at the last colon, so claim values may contain colons themselves.
OIDC_ROLE_MAP = {}
for _pair in env_list("OIDC_ROLE_MAP", []):
    _claim_value, _sep, _role = _pair.rpartition(":")
    if not (_sep and _claim_value.strip() and _role.strip()):
        raise ImproperlyConfigured(
            f"OIDC_ROLE_MAP needs claim-value:role pairs, not {_pair!r}."
        )
    OIDC_ROLE_MAP[_claim_value.strip()] = _role.strip()
# Failed sign-ins return to the login page, which shows why.
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
if OIDC_ENABLED:
    _missing = [
        name
        for name in (
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_ROLE_MAP",
        )
        if not globals()[name]
    ]
    if OIDC_RP_SIGN_ALGO.startswith(("RS", "ES")) and not OIDC_OP_JWKS_ENDPOINT:
        _missing.append("OIDC_OP_JWKS_ENDPOINT")
    if _missing:
        raise ImproperlyConfigured(
            "OIDC_RP_CLIENT_ID is set, so single sign-on also needs "
            + ", ".join(_missing)
            + "."
        )
    AUTHENTICATION_BACKENDS = [
        *globals().get(
            "AUTHENTICATION_BACKENDS", ["django.contrib.auth.backends.ModelBackend"]
        ),
        "beveiliging.oidc.RoleMappingOIDCBackend",
    ]
    # A refused single sign-on names no username: not a password guess to count.
    AXES_WHITELIST_CALLABLE = globals().get(
        "AXES_WHITELIST_CALLABLE", "beveiliging.oidc.is_sso_callback"
    )
