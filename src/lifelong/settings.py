"""Lifelong settings: one module, driven by the environment.

Every knob is an environment variable with a safe default for a single practitioner on one
machine: SQLite in the data directory, a secret key generated there on first run, email printed
to the console. Production sets ``DATABASE_URL``, ``LIFELONG_ALLOWED_HOSTS``, ``LIFELONG_HTTPS``
and the ``EMAIL_*`` variables (see docs/deployment.md).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.getenv("LIFELONG_DATA_DIR", Path.cwd() / "data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept in the data directory."""
    if key := os.getenv("SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("LIFELONG_DEBUG", "false")
HTTPS = envbool("LIFELONG_HTTPS", "false")
ALLOWED_HOSTS = envlist("LIFELONG_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("LIFELONG_CSRF_TRUSTED_ORIGINS", "")
SITE_NAME = "Lifelong"
SITE_ID = 1

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
    "ninja",  # its static Swagger UI for /api/docs (no CDN)
    "csp",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "lifelong.core",
    "lifelong.accounts",
    "lifelong.licensure",
    "lifelong.credits",
    "lifelong.literature",
    "lifelong.practice",
    "lifelong.growth",
    "lifelong.wellbeing",
    "lifelong.community",
    "lifelong.supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lifelong.accounts.middleware.TimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "lifelong.urls"
WSGI_APPLICATION = "lifelong.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

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
                "csp.context_processors.nonce",
                "lifelong.core.context_processors.site",
            ],
        },
    },
]

# Database: SQLite in the data directory unless DATABASE_URL names another one.
SQLITE_OPTIONS = {
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL;"
    ),
    "transaction_mode": "IMMEDIATE",
}
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'lifelong.sqlite3'}", conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache, so that login rate limits hold across worker processes.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "lifelong_cache",
    }
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Accounts (django-allauth): email login, mandatory verification, TOTP and recovery codes.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "licensure:dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = os.getenv("LIFELONG_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Lifelong] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_SIGNUP_FORM_CLASS = "lifelong.accounts.forms.SignupProfileForm"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Lifelong"

# Email: printed to the console unless EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "Lifelong <lifelong@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.getenv("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = envint("EMAIL_PORT", "587")
    EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "true")
    EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", "false")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Reminders, weekly summaries and calendars. Links in emails and calendar files are absolute:
# they start with the address users reach Lifelong at.
LIFELONG_BASE_URL = os.getenv("LIFELONG_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# `lifelong worker` checks for due reminders this often, and sends the weekly summary on this
# ISO weekday (1 = Monday) at this hour (UTC), or as soon as it runs again later that week.
LIFELONG_REMINDER_INTERVAL_MINUTES = envint("LIFELONG_REMINDER_INTERVAL_MINUTES", "60")
LIFELONG_WEEKLY_SUMMARY_WEEKDAY = envint("LIFELONG_WEEKLY_SUMMARY_WEEKDAY", "1")
LIFELONG_WEEKLY_SUMMARY_HOUR = envint("LIFELONG_WEEKLY_SUMMARY_HOUR", "8")
# Built audit packets (zips of a license cycle's proof) are kept this many days, then the
# worker's schedule deletes them with their files.
AUDIT_PACKET_KEEP_DAYS = envint("LIFELONG_AUDIT_PACKET_KEEP_DAYS", "7")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Created up front: WhiteNoise warns about a missing directory before collectstatic has run.
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Stored files (certificates): in the data directory, or in an S3-compatible bucket with
# LIFELONG_STORAGE=s3 (install the `s3` extra; see docs/deployment.md). They are never served
# from a URL (no MEDIA_URL, no URL pattern, not WhiteNoise's): downloads go through an owner
# check in the app.
MEDIA_ROOT = DATA_DIR / "media"
LIFELONG_STORAGE = os.getenv("LIFELONG_STORAGE", "filesystem").strip().lower()


def _file_storage() -> dict[str, Any]:
    if LIFELONG_STORAGE == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if LIFELONG_STORAGE != "s3":
        raise ImproperlyConfigured("LIFELONG_STORAGE must be 'filesystem' or 's3'")
    if not os.getenv("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("LIFELONG_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.getenv("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.getenv("AWS_S3_REGION_NAME") or None,
            "access_key": os.getenv("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.getenv("AWS_SECRET_ACCESS_KEY") or None,
            "location": os.getenv("AWS_LOCATION", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


STORAGES = {
    "default": _file_storage(),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Security headers. Content-Security-Policy: nothing from outside, scripts only by nonce.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and envbool("LIFELONG_SSL_REDIRECT", "true")
SECURE_HSTS_SECONDS = envint("LIFELONG_HSTS_SECONDS", "31536000") if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if envbool("LIFELONG_BEHIND_PROXY", "false"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# CE ledger limits.
LIFELONG_CSV_MAX_BYTES = envint("LIFELONG_CSV_MAX_BYTES", str(2 * 1024 * 1024))
LIFELONG_RULESET_MAX_BYTES = envint("LIFELONG_RULESET_MAX_BYTES", str(256 * 1024))
# Certificates: size of one file, pages of a PDF, pixels of an image (checked before decoding).
LIFELONG_CERTIFICATE_MAX_BYTES = envint("LIFELONG_CERTIFICATE_MAX_BYTES", str(10 * 1024 * 1024))
LIFELONG_CERTIFICATE_MAX_PAGES = envint("LIFELONG_CERTIFICATE_MAX_PAGES", "20")
LIFELONG_CERTIFICATE_MAX_PIXELS = envint("LIFELONG_CERTIFICATE_MAX_PIXELS", "50000000")
LIFELONG_CERTIFICATE_MAX_FILES = envint("LIFELONG_CERTIFICATE_MAX_FILES", "20")

# Literature sources (PubMed E-utilities, journal feeds) and imports.
# NCBI asks every E-utilities client to name itself (tool) and give a contact email; an API key
# raises the rate limit from 3 to 10 requests per second.
LIFELONG_PUBMED_TOOL = os.getenv("LIFELONG_PUBMED_TOOL", "lifelong")
LIFELONG_PUBMED_EMAIL = os.getenv("LIFELONG_PUBMED_EMAIL", "")
LIFELONG_PUBMED_API_KEY = os.getenv("LIFELONG_PUBMED_API_KEY", "")
LIFELONG_EUTILS_BASE_URL = os.getenv(
    "LIFELONG_EUTILS_BASE_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
)
LIFELONG_PUBMED_BACKFILL_DAYS = envint("LIFELONG_PUBMED_BACKFILL_DAYS", "30")
LIFELONG_PUBMED_MAX_IDS_PER_REFRESH = envint("LIFELONG_PUBMED_MAX_IDS_PER_REFRESH", "5000")
# Feed and API addresses that resolve to private, loopback or link-local addresses are refused
# unless this is on (tests serve from loopback); keep it off in production.
LIFELONG_ALLOW_PRIVATE_FEED_URLS = envbool("LIFELONG_ALLOW_PRIVATE_FEED_URLS", "false")
LIFELONG_FETCH_MAX_BYTES = envint("LIFELONG_FETCH_MAX_BYTES", str(20 * 1024 * 1024))
LIFELONG_FETCH_TIMEOUT_SECONDS = envint("LIFELONG_FETCH_TIMEOUT_SECONDS", "20")
LIFELONG_FETCH_TOTAL_SECONDS = envint("LIFELONG_FETCH_TOTAL_SECONDS", "120")
LIFELONG_FETCH_MAX_REDIRECTS = envint("LIFELONG_FETCH_MAX_REDIRECTS", "5")
LIFELONG_FETCH_USER_AGENT = os.getenv(
    "LIFELONG_FETCH_USER_AGENT", "Lifelong/0.1 (literature feeds)"
)
LIFELONG_LITERATURE_UPLOAD_MAX_BYTES = envint(
    "LIFELONG_LITERATURE_UPLOAD_MAX_BYTES", str(50 * 1024 * 1024)
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LIFELONG_LOG_LEVEL", "INFO")},
}
