"""Test settings: the real settings with DEBUG off, plus the few overrides tests need."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Browser tests drive a live server from the test thread and read the ORM in between.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from sozialamt.settings import *  # noqa: F403

# The race tests' threads need one SQLite file: the shared in-memory database fails a locked
# table at once instead of waiting for the writer before.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    _name = Path(DATABASES["default"]["NAME"]).stem  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"test_{_name}.sqlite3")}  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run in-process unless a test starts a real worker (which reads the real settings).
CELERY_TASK_ALWAYS_EAGER = True
AXES_ENABLED = True
# The API's proof of work, cheap here (tests/booking/test_bot_checks.py checks the real default).
BOOKING_POW_BITS = 8
# The day's share for unverified online bookings is tested on its own (test_unverified_share.py,
# which sets the real defaults); test offices have one counsellor, whose day a 5 % share would shut.
BOOKING_PENDING_SHARE = 100
BOOKING_NO_EMAIL_SHARE = 100
LANGUAGE_CODE = "de"
# Static files straight from the finders, as in development (no collectstatic before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A real Celery worker started by a test (tests/messaging/test_worker.py) runs with these
# settings too; the environment switches off eager tasks there and sends e-mail to files.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_TASK_ALWAYS_EAGER", "true") == "true"
if os.environ.get("TEST_EMAIL_BACKEND"):
    EMAIL_BACKEND = os.environ["TEST_EMAIL_BACKEND"]
    EMAIL_FILE_PATH = os.environ.get("TEST_EMAIL_FILE_PATH", "")

# On SQLite (make test's second run) the test database is a file, not Django's shared in-memory
# one: threads of the concurrency tests then meet SQLite's own write lock, as the demo does.
_default_db = DATABASES["default"]  # noqa: F405
if _default_db["ENGINE"].endswith("sqlite3"):
    _default_db["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME", "test-db.sqlite3")}
