"""Hamsu settings: one module, every knob an environment variable with a safe default.

Defaults run the embedded setup (SQLite under ``var/``, DEBUG off, console e-mail), so a
newcomer needs no configuration; production sets ``HAMSU_*`` variables instead of editing
this file.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
# In a checkout the project root sits two levels above the package (src/hamsu).
PROJECT_DIR = PACKAGE_DIR.parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


VAR_DIR = Path(env_str("HAMSU_VAR_DIR", str(PROJECT_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Use HAMSU_SECRET_KEY, else generate one on first run and keep it under var/.

    Keeping it on disk means sessions survive restarts without anyone having to invent
    a key; the file is created with owner-only permissions.
    """
    explicit = env_str("HAMSU_SECRET_KEY")
    if explicit:
        return explicit
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(50)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


SECRET_KEY = _secret_key()
# The address people reach Hamsu at, for links in e-mails (invitations, digests, alerts).
BASE_URL = env_str("HAMSU_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
DEBUG = env_bool("HAMSU_DEBUG", False)
ALLOWED_HOSTS = env_list("HAMSU_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("HAMSU_CSRF_TRUSTED_ORIGINS", "")
# HAMSU_SECURE_COOKIES=1 says Hamsu is served over https only (docs/security.md): cookies
# travel over https alone, plain http is redirected and browsers are told by HSTS never to
# use http for this host again (a year, sub-domains included, eligible for the browsers'
# preload list), so `hamsu check --deploy` is clean. Each can still be set on its own.
SESSION_COOKIE_SECURE = env_bool("HAMSU_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("HAMSU_SECURE_SSL_REDIRECT", SESSION_COOKIE_SECURE)
SECURE_HSTS_SECONDS = env_int("HAMSU_HSTS_SECONDS", 31_536_000 if SESSION_COOKIE_SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HAMSU_HSTS_INCLUDE_SUBDOMAINS", SESSION_COOKIE_SECURE)
SECURE_HSTS_PRELOAD = env_bool("HAMSU_HSTS_PRELOAD", SESSION_COOKIE_SECURE)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("HAMSU_BEHIND_PROXY") else None
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (django-csp): every script, style, font and image comes from
# Hamsu itself (front-end libraries are installed from npm and served as static files), no
# inline script or style attribute runs, nothing may frame a page, and forms post only back
# to Hamsu. An injected <script> or style= therefore does nothing even if escaping failed.
# Bootstrap draws a few icons as data: images (select arrows, the menu button).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "hamsu.core",
    "hamsu.directory",
    "hamsu.crm",
    "hamsu.funnel",
    "hamsu.campaigns",
    "hamsu.scorecard",
    "hamsu.alignment",
    "hamsu.collaboration",
    "hamsu.dataio",
    "hamsu.api",
    "hamsu.web",
    "hamsu.demo",
    # For its catalogues only: country names in the reader's language (the rule builder's
    # list of countries). Listed last so Hamsu's own translations take precedence.
    "django_countries",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The public lead-capture endpoint needs no CSP nonce, session, CSRF, auth or messages:
    # answered here, with its own payload limit and a fixed CSP (capture_http explains).
    "hamsu.funnel.capture_http.CaptureFastPathMiddleware",
    "csp.middleware.CSPMiddleware",
    "hamsu.api.middleware.ApiPayloadLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hamsu.core.middleware.FormTextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Two-factor login (hamsu.core.two_factor): who gave a code, and who still owes one.
    "django_otp.middleware.OTPMiddleware",
    "hamsu.core.views_two_factor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a login refused by the throttle into the login page that says so.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hamsu.urls"
WSGI_APPLICATION = "hamsu.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Two-factor login: the name authenticator apps show for Hamsu's codes.
OTP_TOTP_ISSUER = env_str("HAMSU_TOTP_ISSUER", "Hamsu")

# Login throttling (django-axes, hamsu.core.login_throttle): this many wrong passwords for
# one account (from anywhere), or from one address (for any account: an office shares
# one), within the lockout time lock it out for that time — the right password included.
# An administrator lifts a lockout under Settings → Locked-out logins.
HAMSU_LOGIN_ACCOUNT_FAILURES = env_int("HAMSU_LOGIN_ACCOUNT_FAILURES", 5)
HAMSU_LOGIN_ADDRESS_FAILURES = env_int("HAMSU_LOGIN_ADDRESS_FAILURES", 30)
AUTHENTICATION_BACKENDS = [
    "hamsu.core.login_throttle.ThrottledLoginBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "hamsu.core.login_throttle.AccountAndAddressHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = HAMSU_LOGIN_ACCOUNT_FAILURES
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("HAMSU_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_CALLABLE = "hamsu.core.login_throttle.lockout_response"
# Attempts refused during a lockout neither count nor extend it: the lockout ends
# HAMSU_LOGIN_LOCKOUT_MINUTES after the failure that caused it, as the page says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, unless a trusted proxy in front sets X-Forwarded-For
# (otherwise anyone could claim any address and escape the per-address bound).
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if env_bool("HAMSU_BEHIND_PROXY") else ("REMOTE_ADDR",)
)
AXES_IPWARE_PROXY_COUNT = 1 if env_bool("HAMSU_BEHIND_PROXY") else None
# API token guessing (hamsu.api.throttle): this many requests with an unknown or revoked
# token from one address within the window block every token request from it until the
# window ends (429 with Retry-After).
HAMSU_API_TOKEN_FAILURES = env_int("HAMSU_API_TOKEN_FAILURES", 20)
HAMSU_API_TOKEN_WINDOW_SECONDS = env_int("HAMSU_API_TOKEN_WINDOW_SECONDS", 600)

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "hamsu.web.context_processors.shell",
            ],
            "builtins": ["hamsu.core.templatetags.hamsu"],
        },
    }
]

DATABASE_URL = env_str("HAMSU_DATABASE_URL", f"sqlite:///{VAR_DIR / 'hamsu.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("HAMSU_DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker write while the web process reads; IMMEDIATE transactions
    # take the write lock up front so concurrent writers wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": env_str("HAMSU_TEST_SQLITE_NAME", "") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The capture endpoint's INSERT is a prepared statement on PostgreSQL (hamsu.funnel.
# services.capture: 40 % less database CPU per capture). Turn this off behind a connection
# pooler in transaction mode that does not track prepared statements (PgBouncer < 1.21).
HAMSU_CAPTURE_PREPARED_STATEMENTS = env_bool("HAMSU_CAPTURE_PREPARED_STATEMENTS", True)

TASKS = {
    "default": {
        "BACKEND": env_str("HAMSU_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Lead capture keeps each processed submission this many days (it answers a client's
# retry with the same Idempotency-Key and links the lead), then the clock deletes it.
# Failed submissions are kept until someone deals with them.
HAMSU_CAPTURE_KEEP_DAYS = env_int("HAMSU_CAPTURE_KEEP_DAYS", 30)

# Covering indexes (INCLUDE columns) speed PostgreSQL up; SQLite builds the same index
# without them, which is all we want there, so its warning is noise on every migrate.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = env_str("HAMSU_LANGUAGE", "en")
LANGUAGES = [("en", _("English")), ("fa", _("Persian"))]
LANGUAGES_BIDI = ["fa"]
TIME_ZONE = env_str("HAMSU_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PACKAGE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("HAMSU_STATIC_ROOT", str(VAR_DIR / "static")))
NODE_MODULES = Path(env_str("HAMSU_NODE_MODULES", str(PROJECT_DIR / "node_modules")))
# Front-end libraries come from npm at install time; only their built files are served.
STATICFILES_DIRS = [
    (prefix, NODE_MODULES / relative)
    for prefix, relative in [
        ("vendor/bootstrap", "bootstrap/dist"),
        ("vendor/bootstrap-icons", "bootstrap-icons/font"),
        ("vendor/htmx", "htmx.org/dist"),
        ("vendor/echarts", "echarts/dist"),
        ("vendor/swagger-ui", "swagger-ui-dist"),
    ]
    if (NODE_MODULES / relative).is_dir()
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "HAMSU_STATICFILES_STORAGE", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("HAMSU_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
# Where long jobs hold their leases (hamsu.core.leases): a directory every web process and
# worker shares, as they share MEDIA_ROOT.
HAMSU_LEASE_DIR = Path(env_str("HAMSU_LEASE_DIR", str(MEDIA_ROOT / "leases")))
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("HAMSU_MAX_REQUEST_BYTES", 2_621_440)
# What an uploaded table may hold (hamsu.core.uploads; docs/security.md). A compressed
# XLSX can unzip to far more than it weighs, so its parts are bounded before parsing, and
# every file's rows, columns, lines and cells while it is read; beyond a bound the upload
# is refused (413) with the bound named.
HAMSU_UPLOAD_MAX_BYTES = env_int("HAMSU_UPLOAD_MAX_BYTES", 2 * 1024**3)  # a data import, streamed to disk
HAMSU_UPLOAD_MAX_IN_MEMORY_BYTES = env_int("HAMSU_UPLOAD_MAX_IN_MEMORY_BYTES", 20 * 1024**2)  # read whole
HAMSU_UPLOAD_MAX_UNCOMPRESSED_BYTES = env_int("HAMSU_UPLOAD_MAX_UNCOMPRESSED_BYTES", 1024**3)
HAMSU_UPLOAD_MAX_COMPRESSION_RATIO = env_int("HAMSU_UPLOAD_MAX_COMPRESSION_RATIO", 100)
HAMSU_UPLOAD_MAX_ROWS = env_int("HAMSU_UPLOAD_MAX_ROWS", 5_000_000)
HAMSU_UPLOAD_MAX_COLUMNS = env_int("HAMSU_UPLOAD_MAX_COLUMNS", 500)
HAMSU_UPLOAD_MAX_LINE_CHARS = env_int("HAMSU_UPLOAD_MAX_LINE_CHARS", 1024**2)
HAMSU_UPLOAD_MAX_CELL_CHARS = env_int("HAMSU_UPLOAD_MAX_CELL_CHARS", 32_767)  # Excel's own cell limit
HAMSU_UPLOAD_MAX_HEADER_CHARS = env_int("HAMSU_UPLOAD_MAX_HEADER_CHARS", 200)

# Every form's fields leave out the HTML maxlength that made browsers cut long input silently:
# the server's max_length check answers on the field instead (hamsu.core.forms_render).
FORM_RENDERER = "hamsu.core.forms_render.FormRenderer"

# Until a mail server is configured, mail goes to the outbox (hamsu.core.mail): the
# administrator reads it on the Outbox page and as .eml files here, and the terminal stays quiet.
EMAIL_BACKEND = env_str("HAMSU_EMAIL_BACKEND", "hamsu.core.mail.OutboxBackend")
EMAIL_FILE_PATH = Path(env_str("HAMSU_EMAIL_FILE_PATH", str(VAR_DIR / "mail")))
EMAIL_HOST = env_str("HAMSU_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("HAMSU_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("HAMSU_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("HAMSU_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("HAMSU_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("HAMSU_DEFAULT_FROM_EMAIL", "hamsu@localhost")

# Rate limits and cached results must be shared by every web process in production:
# point these at Redis/Memcached or use django.core.cache.backends.db.DatabaseCache.
CACHES = {
    "default": {
        "BACKEND": env_str("HAMSU_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": env_str("HAMSU_CACHE_LOCATION", "hamsu"),
    }
}

NINJA_PAGINATION_MAX_LIMIT = 500

# Webhooks are sent only over https to public internet addresses (checked when an endpoint
# is saved and again, after DNS resolution, at every delivery). Plain http must be allowed
# here, and receivers on the intranet network by network (CIDR, e.g. "10.20.0.0/16,
# 192.168.5.7"); a malformed network stops the start-up rather than the first delivery.
HAMSU_WEBHOOK_ALLOW_HTTP = env_bool("HAMSU_WEBHOOK_ALLOW_HTTP", False)
HAMSU_WEBHOOK_ALLOWED_NETWORKS = [
    str(ipaddress.ip_network(item, strict=False)) for item in env_list("HAMSU_WEBHOOK_ALLOWED_NETWORKS", "")
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("HAMSU_LOG_LEVEL", "WARNING")},
}
