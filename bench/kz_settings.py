"""Settings for bench/kundenzentrum.py: the real settings plus a trivial view and a query counter."""

from sozialamt.settings import *  # noqa: F403

ROOT_URLCONF = "bench.kz_urls"
MIDDLEWARE = ["bench.kz_middleware.count_queries", *MIDDLEWARE]  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
