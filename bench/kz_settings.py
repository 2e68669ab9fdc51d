"""Settings for bench/kundenzentrum.py: bench/settings.py plus a per-request query counter."""

from bench.settings import *  # noqa: F403

MIDDLEWARE = ["bench.kz_middleware.count_queries", *MIDDLEWARE]  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
