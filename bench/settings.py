"""Settings for bench/booking.py: the real settings plus a trivial view to compare against."""

from sozialamt.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The bench is one client hammering the server: rate limits would measure themselves.
BOOKING_SEARCH_RATE = 10**9
BOOKING_POST_RATE = 10**9
# The day's shares for unconfirmed holds would refuse all but a few of the bench's bookings (the
# share check itself still runs); the proof of work is solved by the bench ahead of the run,
# and the server's cost of checking it does not depend on its difficulty.
BOOKING_PENDING_SHARE = 100
BOOKING_NO_EMAIL_SHARE = 100
BOOKING_POW_BITS = 8
BOOKING_CHALLENGE_MINUTES = 60  # the bodies are prepared before the whole run
# The bench's bookings come from many networks, as citizens' do: X-Forwarded-For as one proxy
# in front of the app sets it (bench/booking.py), so the network limit counts per citizen.
TRUSTED_PROXIES = 1
# No collectstatic before the bench: plain static storage, files served from the finders.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# 409s and 404s are expected answers in the bench; do not log each one.
LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "django.request": {"level": "ERROR"}}}  # noqa: F405
