"""Settings for bench/kundenzentrum.py: bench/settings.py plus a per-request query counter."""

from bench.settings import *  # noqa: F403

MIDDLEWARE = ["bench.kz_middleware.count_queries", *MIDDLEWARE]  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
# Five bench kiosks on one address issue far more tickets than a real kiosk: no kiosk limits.
KUNDENZENTRUM_KIOSK_ADDRESS_RATE = 10**9
KUNDENZENTRUM_KIOSK_DEVICE_RATE = 10**9
