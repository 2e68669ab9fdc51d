"""The booking tests' pinned clock, for the staff's booking pages."""

from tests.booking.conftest import clock, relaxed_limits  # noqa: F401
