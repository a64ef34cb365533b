"""Vigil settings. Configuration comes from the environment and is validated here, at start-up.

Safe by default: without an explicit ``VIGIL_ENV`` of ``demo``, ``development`` or ``test`` the settings are
production's (no debug pages, MFA required, secure cookies, a secret key that is not public). See ADR 0011.

Environment variables:
- ``DATABASE_URL``: ``sqlite:///path`` or ``postgres://user@host:port/db``; default ``./var/vigil.sqlite3``.
- ``VIGIL_ENV``: ``production`` (default), ``demo``, ``development`` or ``test``.
- ``VIGIL_SECRET_KEY``: 40+ random characters, never the development default. Unset, a random key is made
  once and kept in ``VIGIL_VAR_DIR/secret.key`` (owner-only).
- ``VIGIL_MFA``: ``on`` (default) or ``off``; ``off`` is allowed only in the demo and development.
- ``VIGIL_ALLOWED_HOSTS``: comma-separated host names.
- ``VIGIL_AUDIT_KEY`` or ``VIGIL_AUDIT_KEY_FILE``: the access log's signing keys (``core/log_anchor.py``);
  default ``VIGIL_VAR_DIR/audit.keys``, made on first use.
- ``VIGIL_AUDIT_WITNESS``: where the log's checkpoints go: a file path and/or ``syslog``, comma-separated;
  default ``VIGIL_VAR_DIR/audit-witness.jsonl``. ``VIGIL_AUDIT_CHECKPOINT_SECONDS``: how often (default 300).
- ``VIGIL_EMAIL_HOST``, ``VIGIL_EMAIL_PORT`` (default 587; 465 means implicit TLS), ``VIGIL_EMAIL_USER``,
  ``VIGIL_EMAIL_PASSWORD``, ``VIGIL_EMAIL_FROM``: the SMTP relay for notices of owned work (production, TLS
  always); elsewhere emails are files under ``VIGIL_VAR_DIR/mail/``. ``VIGIL_BASE_URL``: the address people open
  Vigil at, for the link in a notice (ADR 0019).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from vigil.config.database import parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent  # src/vigil
VAR_DIR = Path(os.environ.get("VIGIL_VAR_DIR", Path.cwd() / "var"))

VIGIL_ENV = os.environ.get("VIGIL_ENV", "production")
if VIGIL_ENV not in {"development", "demo", "test", "production"}:
    raise ImproperlyConfigured(f"VIGIL_ENV={VIGIL_ENV!r} is not one of production, demo, development, test")
VIGIL_PRODUCTION = VIGIL_ENV == "production"

_DEV_SECRET = "insecure-development-key-never-use-in-production"  # noqa: S105 - refused in production below


def _installation_secret() -> str:
    """A random key made once for this installation and kept beside its data (never a public default)."""
    path = VAR_DIR / "secret.key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
        except FileExistsError:
            pass
    return path.read_text().strip()


SECRET_KEY = os.environ.get("VIGIL_SECRET_KEY") or (_installation_secret() if VIGIL_PRODUCTION else _DEV_SECRET)
DEBUG = os.environ.get("VIGIL_DEBUG", "0") == "1"
VIGIL_MFA_REQUIRED = os.environ.get("VIGIL_MFA", "on") != "off"
VIGIL_DEMO = VIGIL_ENV == "demo"

if not VIGIL_MFA_REQUIRED and not VIGIL_DEMO and VIGIL_ENV != "development":
    raise ImproperlyConfigured("VIGIL_MFA=off is allowed only in the demo and development")
if VIGIL_PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("production refuses to start with VIGIL_DEBUG=1 "
                                   "(set VIGIL_ENV=development for a developer's machine)")
    if SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 40 or len(set(SECRET_KEY)) < 10:
        raise ImproperlyConfigured("production refuses a weak or default VIGIL_SECRET_KEY: use at least 40 random "
                                   "characters, or leave it unset for a generated one")

VIGIL_AUDIT_KEY = os.environ.get("VIGIL_AUDIT_KEY", "")
VIGIL_AUDIT_KEY_FILE = os.environ.get("VIGIL_AUDIT_KEY_FILE", "")
VIGIL_AUDIT_WITNESS = os.environ.get("VIGIL_AUDIT_WITNESS", "")
VIGIL_AUDIT_CHECKPOINT_SECONDS = int(os.environ.get("VIGIL_AUDIT_CHECKPOINT_SECONDS", 300))

ALLOWED_HOSTS = [h for h in os.environ.get("VIGIL_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    # Vigil, foundation first: later apps register their sections, generators, rules and pages with these.
    "vigil.core",
    "vigil.accounts",
    "vigil.people",
    "vigil.interchange",
    "vigil.sweep",
    "vigil.demo",
    "vigil.web",
    "vigil.work",
    # Capabilities.
    "vigil.offenders",
    "vigil.investigations",
    "vigil.standards",
    "vigil.missing",
    "vigil.assurance",
    "vigil.governance",
    # Django's own widget templates, after Vigil's: web/templates/django/forms/ gives them GOV.UK Frontend's classes.
    "django.forms",
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "vigil.core.middleware.RequestIdMiddleware",
    "vigil.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "vigil.accounts.middleware.SessionLifetimeMiddleware",
    "vigil.accounts.middleware.RequireMFAMiddleware",
    "vigil.accounts.middleware.CurrentOfficerMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "vigil.core.submissions.OneSubmissionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "vigil.core.middleware.FriendlyErrorMiddleware",
]

ROOT_URLCONF = "vigil.config.urls"
WSGI_APPLICATION = "vigil.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vigil.web.context.shell",
            ],
            "builtins": ["vigil.web.templatetags.submission", "vigil.web.templatetags.words",
                         "vigil.web.templatetags.kept"],
        },
    },
]

DATABASES = {"default": parse_database_url(os.environ.get("DATABASE_URL"), VAR_DIR / "vigil.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs (core/jobs.py): queued in Vigil's own database and run by `vigil worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

# Sessions: 30 minutes idle, 10 hours absolute (SessionLifetimeMiddleware enforces both).
VIGIL_SESSION_IDLE_SECONDS = int(os.environ.get("VIGIL_SESSION_IDLE_SECONDS", 30 * 60))
VIGIL_SESSION_ABSOLUTE_SECONDS = int(os.environ.get("VIGIL_SESSION_ABSOLUTE_SECONDS", 10 * 3600))
VIGIL_REAUTH_SECONDS = 5 * 60  # an export needs a password + code entered this recently
SESSION_COOKIE_AGE = VIGIL_SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "vigil.web.views.csrf_failure"  # the answers are kept (web/kept.py)
CSRF_COOKIE_SAMESITE = "Strict"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if VIGIL_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("VIGIL_SSL_REDIRECT", "1") == "1"
    # TLS ends at the proxy in front (docs/operations.md), which sets X-Forwarded-Proto and strips the client's.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # HSTS preloading commits the force's whole domain in every browser: its network team's decision, not ours.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Strict CSP: no inline script or style anywhere; every script is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# django-axes: five failures lock the account for 30 minutes, and five from one client address lock that address
# (two separate entries, each counted on its own: rotating usernames does not get round it); a success resets
# the count.
AXES_FAILURE_LIMIT = int(os.environ.get("VIGIL_LOCKOUT_FAILURES", 5))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Vigil"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "vigil.accounts.tokens.ApiTokenAuthentication",
        "vigil.accounts.api_auth.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "vigil.core.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {"TITLE": "Vigil API", "VERSION": "1", "SERVE_INCLUDE_SCHEMA": False,
                        "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"]}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
# Static files are served from the apps' static folders (WhiteNoise finders); a deployment that runs
# collectstatic sets VIGIL_STATIC_ROOT.
STATIC_ROOT = os.environ.get("VIGIL_STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Email: notices of owned work (work/notices.py, ADR 0019). A notice says only that there is work and where; the
# relay still gets TLS and a login. Outside production emails are written as files (tests use pytest-django's locmem).
VIGIL_BASE_URL = os.environ.get("VIGIL_BASE_URL", "" if VIGIL_PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("VIGIL_EMAIL_FROM", "vigil@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = ""
EMAIL_TIMEOUT = 30
if VIGIL_PRODUCTION:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ.get("VIGIL_EMAIL_HOST", "localhost")
    EMAIL_PORT = int(os.environ.get("VIGIL_EMAIL_PORT", 587))
    EMAIL_HOST_USER = os.environ.get("VIGIL_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("VIGIL_EMAIL_PASSWORD", "")
    EMAIL_USE_SSL = EMAIL_PORT == 465  # implicit TLS; otherwise STARTTLS
    EMAIL_USE_TLS = not EMAIL_USE_SSL
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
VIGIL_IMPORT_MAX_BYTES = int(os.environ.get("VIGIL_IMPORT_MAX_BYTES", 200 * 1024 * 1024))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "vigil": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
