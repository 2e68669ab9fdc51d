"""Settings, read from the environment (see README.md, "Konfiguration").

Development defaults are safe and local (SQLite, tasks in-process, mail to the console);
with DEBUG off there is no default for secrets and bad values stop the start-up.
"""

import datetime as dt
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def _required(name: str, value: str) -> str:
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off.")
    return value


def _database(url_var: str = "DATABASE_URL") -> dict:
    default = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    try:
        config = env.db_url(url_var, default=default)
    except Exception as exc:  # environ raises several types for a malformed URL
        raise ImproperlyConfigured(f"{url_var} is not a valid database URL: {exc}") from exc
    engine = config.get("ENGINE") or ""
    if engine.rsplit(".", 1)[-1] not in {"sqlite3", "postgresql"}:
        raise ImproperlyConfigured(
            f"{url_var} must be a postgres:// or sqlite:// URL, not {engine or 'empty'!r}."
        )
    config.setdefault("ATOMIC_REQUESTS", False)
    # Connections stay open across requests; Django checks a kept one before a request uses it,
    # so a database restart or fail-over costs a reconnect, not a failed request.
    config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
    if engine.endswith("postgresql"):
        # A database host that does not answer fails the request (a 503 page) instead of hanging it.
        config.setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5)
        )
    if "sqlite" in config["ENGINE"]:
        # Writers wait for each other instead of failing with "database is locked".
        config.setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    return config


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production" if DEBUG else ""
    _required("SECRET_KEY", SECRET_KEY)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    _required("ALLOWED_HOSTS", "")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address of the site, used in letters, e-mails and QR codes.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The office's telephone on the error pages (which may not read the database for it).
OFFICE_PHONE = env.str("OFFICE_PHONE", default="")

INSTALLED_APPS = [
    # Before the admin, so that its admin classes offer one field per language.
    "modeltranslation",
    # The admin site asks for the second factor too (sozialamt/admin_site.py).
    "sozialamt.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "sozialamt",
    "booking",
    "messaging",
    "workspace",
    "kundenzentrum",
    "stats",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "sozialamt.middleware.api_request_guard",
]

ROOT_URLCONF = "sozialamt.urls"
WSGI_APPLICATION = "sozialamt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sozialamt.context_processors.office",
            ],
        },
    },
]

DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # The cache only spares work or counts requests: a Redis that is away or hangs makes
            # every call answer as an empty cache would (logged), so no page or booking fails.
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 2},
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="sozialamt"),
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rate limits (django-ratelimit) count in the cache; while it cannot count, requests pass.
RATELIMIT_FAIL_OPEN = True

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff-home"
LOGOUT_REDIRECT_URL = "home"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
# Only the pair (user name, client address) is locked, and only briefly: a stranger cannot lock
# out staff by trying their names, and a locked pair waits minutes, not hours.
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=5))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "sozialamt.security.axes_client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"

# Two-factor sign-in for staff (TOTP apps; backup codes as django-otp's static device). The issuer
# is the name the authenticator app shows next to the code.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Sozialamt Termine")
OTP_BACKUP_CODES = env.int("OTP_BACKUP_CODES", default=10)

SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day; staff sign in each morning
SESSION_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "de"
# Every language a citizen can read the site, e-mails and letters in (the switcher shows each
# name in its own script, from Django's language info); staff pages may stay German or English. German is the default and
# the fallback of every text, also of the office's own content (services, directions).
LANGUAGES = [
    ("de", "Deutsch"),
    ("en", "English"),
    ("tr", "Türkçe"),
    ("ar", "العربيّة"),
    ("uk", "Українська"),
    ("ru", "Русский"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The citizen's language is kept in a cookie for a year (no personal data, needed for the
# function; DSGVO Art. 6 (1) e).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
MODELTRANSLATION_DEFAULT_LANGUAGE = "de"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("de",)
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Nothing is loaded from another host (data protection); no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Production hardening; each can be relaxed behind a proxy that terminates TLS elsewhere.
# X-Forwarded-Proto is believed only from a proxy of ours (a client could send it itself).
SECURE_PROXY_SSL_HEADER = None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Preloading HSTS binds the whole domain for years; that is the operator's decision, not ours.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# E-mail: EMAIL_URL such as smtp+tls://user:password@mail.example.org:587
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
vars().update(_email)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Sozialamt <termine@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Public holidays of this federal state close every location (ISO 3166-2 code, NW = NRW).
HOLIDAY_SUBDIVISION = env.str("HOLIDAY_SUBDIVISION", default="NW")

# Celery: Redis as broker when configured, otherwise every task runs in-process at once.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=150)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Management tokens in paths and query strings never reach a log line (see sozialamt/logs.py).
    "filters": {"no_tokens": {"()": "sozialamt.logs.RedactTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["no_tokens"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Messaging: reminders, letters and deleting on time (messaging/). Every value can be set by env.
# Due e-mails are swept every minute in batches of this size (a fixed number of queries each).
MESSAGE_SWEEP_BATCH = env.int("MESSAGE_SWEEP_BATCH", default=500)
# A claim older than this is taken to be from a dead worker and the message becomes due again;
# longer than CELERY_TASK_TIME_LIMIT so a live send is never doubled.
MESSAGE_CLAIM_TIMEOUT_SECONDS = env.int("MESSAGE_CLAIM_TIMEOUT_SECONDS", default=300)
# A queued id that no worker took (broker lost it) is queued again after this.
MESSAGE_REQUEUE_SECONDS = env.int("MESSAGE_REQUEUE_SECONDS", default=600)
# SMTP failures: retry after base·2^(n-1) seconds, at most max seconds, then give up.
MESSAGE_RETRY_BASE_SECONDS = env.int("MESSAGE_RETRY_BASE_SECONDS", default=60)
MESSAGE_RETRY_MAX_SECONDS = env.int("MESSAGE_RETRY_MAX_SECONDS", default=3600)
MESSAGE_MAX_ATTEMPTS = env.int("MESSAGE_MAX_ATTEMPTS", default=8)
# Letters per WeasyPrint document while building a print batch (bounds memory).
PRINT_BATCH_CHUNK = env.int("PRINT_BATCH_CHUNK", default=50)
# Retention (DSGVO Art. 5 (1) e): days until personal data is emptied or files deleted.
RETENTION_APPOINTMENT_DAYS = env.int("RETENTION_APPOINTMENT_DAYS", default=30)
RETENTION_CANCELLED_DAYS = env.int("RETENTION_CANCELLED_DAYS", default=7)
RETENTION_PRINT_BATCH_DAYS = env.int("RETENTION_PRINT_BATCH_DAYS", default=14)
RETENTION_UNPOSTED_PRINT_BATCH_DAYS = env.int("RETENTION_UNPOSTED_PRINT_BATCH_DAYS", default=30)
RETENTION_ACCESS_LOG_DAYS = env.int("RETENTION_ACCESS_LOG_DAYS", default=365)
PRINT_BATCH_HOUR = env.int("PRINT_BATCH_HOUR", default=6)

# WeasyPrint reports every rendering step at INFO; letters are rendered by the thousand.
LOGGING["loggers"]["weasyprint"] = {"level": "WARNING"}

# Booking: free-time grid, abuse limits. Rates are "requests per minute per client".
BOOKING_SLOT_STEP_MINUTES = env.int("BOOKING_SLOT_STEP_MINUTES", default=15)
BOOKING_SEARCH_RATE = env.int("BOOKING_SEARCH_RATE", default=120)
BOOKING_POST_RATE = env.int("BOOKING_POST_RATE", default=20)
# A form sent back faster than this was not filled in by a person.
BOOKING_MIN_FILL_SECONDS = env.int("BOOKING_MIN_FILL_SECONDS", default=3)
# At most this many active (future, not cancelled) bookings per e-mail or phone and service.
BOOKING_MAX_ACTIVE_PER_CONTACT = env.int("BOOKING_MAX_ACTIVE_PER_CONTACT", default=1)
# Seconds free times stay cached; every booking change and admin edit invalidates them at once.
BOOKING_FREE_TIMES_CACHE_SECONDS = env.int("BOOKING_FREE_TIMES_CACHE_SECONDS", default=60)
# Seconds a location's office plan (hours, closures, counsellors' working hours and absences,
# which services it offers) stays cached; every admin edit of the location invalidates it at once.
BOOKING_OFFICE_CACHE_SECONDS = env.int("BOOKING_OFFICE_CACHE_SECONDS", default=600)

# Kundenzentrum (walk-in queue). Check-in of a booked appointment is possible from
# CHECKIN_EARLY minutes before to CHECKIN_LATE minutes after its start; a clerk may mark a
# ticket as no-show after it was called NO_SHOW_AFTER_CALLS times; the waiting-room display
# shows the latest DISPLAY_CALLS calls; checked-in appointments get APPOINTMENT_LETTER numbers
# when their service has no letter of its own.
KUNDENZENTRUM_CHECKIN_EARLY_MINUTES = env.int("KUNDENZENTRUM_CHECKIN_EARLY_MINUTES", default=30)
KUNDENZENTRUM_CHECKIN_LATE_MINUTES = env.int("KUNDENZENTRUM_CHECKIN_LATE_MINUTES", default=15)
KUNDENZENTRUM_NO_SHOW_AFTER_CALLS = env.int("KUNDENZENTRUM_NO_SHOW_AFTER_CALLS", default=2)
KUNDENZENTRUM_DISPLAY_CALLS = env.int("KUNDENZENTRUM_DISPLAY_CALLS", default=8)
KUNDENZENTRUM_APPOINTMENT_LETTER = env.str("KUNDENZENTRUM_APPOINTMENT_LETTER", default="T")
# Kiosks (pages and API): tickets and check-ins per device and minute, and kiosk requests per
# client address and minute (every kiosk of a building may share one address).
KUNDENZENTRUM_KIOSK_DEVICE_RATE = env.int("KUNDENZENTRUM_KIOSK_DEVICE_RATE", default=6)
KUNDENZENTRUM_KIOSK_ADDRESS_RATE = env.int("KUNDENZENTRUM_KIOSK_ADDRESS_RATE", default=30)
# The daily print batch renders thousands of letters: its own time limits instead of the
# global ones. A batch still "building" after PRINT_BATCH_TIME_LIMIT + 10 minutes was left by
# a dead worker and its letters go back to the queue.
PRINT_BATCH_SOFT_TIME_LIMIT = env.int("PRINT_BATCH_SOFT_TIME_LIMIT", default=1800)
PRINT_BATCH_TIME_LIMIT = env.int("PRINT_BATCH_TIME_LIMIT", default=1900)
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none, use
# REMOTE_ADDR). The rate limits take the client address from there; never more than really exist.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
if TRUSTED_PROXIES > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Bookings without e-mail and phone (no per-contact limit applies): at most this many per
# client and hour, through the pages and the API.
BOOKING_ANONYMOUS_PER_HOUR = env.int("BOOKING_ANONYMOUS_PER_HOUR", default=3)
# Online bookings (pages and API, not staff) whose client network (IPv4 /24, IPv6 /64) may hold
# at once per service: many addresses and made-up contacts of one network cannot book out a week.
BOOKING_MAX_ACTIVE_PER_NETWORK = env.int("BOOKING_MAX_ACTIVE_PER_NETWORK", default=2)
# "Personal link lost" page (/termin/finden/): requests per client and hour.
BOOKING_FIND_PER_HOUR = env.int("BOOKING_FIND_PER_HOUR", default=10)
# Online bookings with an e-mail address hold their time for this many minutes until the
# citizen confirms by the link in the e-mail; unconfirmed holds are released by the beat.
BOOKING_CONFIRM_MINUTES = env.int("BOOKING_CONFIRM_MINUTES", default=30)
# Per location, service and day, unconfirmed online holds may take at most this share (in per
# cent) of the day's room for bookings, and online bookings without an e-mail address (nobody
# can confirm those) a share of their own: together what made-up contacts can ever hold.
BOOKING_PENDING_SHARE = env.int("BOOKING_PENDING_SHARE", default=5)
BOOKING_NO_EMAIL_SHARE = env.int("BOOKING_NO_EMAIL_SHARE", default=5)
# The API's proof of work: leading zero bits of sha256(challenge ":" nonce). 18 bits take a
# few hundred milliseconds in Python; a challenge is good from BOOKING_MIN_FILL_SECONDS after it
# was issued for BOOKING_CHALLENGE_MINUTES, and once.
BOOKING_POW_BITS = env.int("BOOKING_POW_BITS", default=18)
BOOKING_CHALLENGE_MINUTES = env.int("BOOKING_CHALLENGE_MINUTES", default=10)

# Periodic tasks, all in one place. DatabaseScheduler copies them into the admin on start-up,
# by entry name: an entry keeps its name when its task moves, so the stored row follows it.
CELERY_BEAT_SCHEDULE = {
    # Due e-mails (a commit with one due kicks a sweep at once; this one catches the rest).
    "reminders-sweep-due-messages": {"task": "messaging.tasks.sweep_messages", "schedule": 60.0},
    "reminders-daily-print-batch": {
        "task": "messaging.tasks.build_print_batch",
        "schedule": crontab(hour=PRINT_BATCH_HOUR, minute=0),
    },
    "reminders-delete-personal-data": {
        "task": "messaging.tasks.delete_personal_data",
        "schedule": crontab(hour=2, minute=30),
    },
    # Closes each location's day (waiting tickets → not served, missed appointments → no-show).
    "kundenzentrum-close-days": {"task": "kundenzentrum.tasks.close_days", "schedule": 15 * 60.0},
    # Expired sessions are deleted, and booking-wizard data older than 30 minutes taken out of
    # live ones, every hour (a citizen's session itself ends 30 minutes after the wizard's last step).
    "booking-clear-sessions": {"task": "booking.tasks.clear_sessions", "schedule": crontab(minute=15)},
    # Online holds nobody confirmed in time go back to the free times.
    "booking-release-unconfirmed": {"task": "booking.tasks.release_unconfirmed", "schedule": 60.0},
}
