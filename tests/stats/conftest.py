"""The known week (tests/stats/known_week.py) for every statistics test."""

from tests.stats.known_week import known_week, services  # noqa: F401
