"""Fixtures for the reminder tests: a pinned clock and a booking as the booking service makes it."""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction

from messaging import notify
from tests.factories import AppointmentFactory, CounsellorFactory
from tests.staff import works_at

# Friday 20 November 2026, 10:00 in Münster; appointments default to Thursday 3 December 10:00.
NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clerk(clerk, location):
    """The clerk works at the office's location (they see only its citizens)."""
    return works_at(clerk, location)


@pytest.fixture
def team_lead(team_lead, location):
    return works_at(team_lead, location)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def book(counsellor, appointment_service):
    """Books like booking.services does: the row and the notification in one transaction. When
    the counsellor is booked at that time already, another one like them takes it."""

    def _book(**kwargs):
        with transaction.atomic():
            try:
                with transaction.atomic():
                    appointment = AppointmentFactory(
                        counsellor=counsellor, service=appointment_service, **kwargs
                    )
            except IntegrityError:  # the occupancy's unique constraint: that time is taken
                other = CounsellorFactory(
                    location=counsellor.location,
                    name=counsellor.name,
                    room=counsellor.room,
                    team=counsellor.team,
                    services=[appointment_service],
                )
                appointment = AppointmentFactory(counsellor=other, service=appointment_service, **kwargs)
            notify.appointment_booked(appointment)
        return appointment

    return _book


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Print batch PDFs go to a temporary folder, not the worktree."""
    settings.MEDIA_ROOT = tmp_path / "media"
