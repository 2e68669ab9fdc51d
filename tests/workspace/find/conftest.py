"""Fixtures for finding bookings and absences: the pinned clock, staff of the office's location
and bookings as the booking service makes them (from the reminder tests)."""

import pytest

from tests.messaging.conftest import NOW, book, clock  # noqa: F401
from tests.staff import works_at


@pytest.fixture
def clerk(clerk, location):
    return works_at(clerk, location)


@pytest.fixture
def info_desk(info_desk, location):
    return works_at(info_desk, location)


@pytest.fixture
def team_lead(team_lead, location):
    return works_at(team_lead, location)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
