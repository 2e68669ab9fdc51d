"""The booking tests' pinned clock for the staff's booking pages; a Thursday in the
Kundenzentrum with a counsellor who signs in to "Mein Tag"."""

import datetime as dt

import pytest
import time_machine

from tests.booking.conftest import clock, relaxed_limits  # noqa: F401
from tests.factories import AppointmentFactory, CounsellorFactory, UserFactory
from tests.staff import works_at

# Thursday 3 December 2026, 10:00 in Münster (open 8:00–18:00).
THURSDAY_10 = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def thursday():
    with time_machine.travel(THURSDAY_10, tick=False) as traveller:
        yield traveller


@pytest.fixture
def counsellor_user(db):
    return UserFactory(username="hoffmann", first_name="Petra", last_name="Hoffmann")


@pytest.fixture
def my_counsellor(location, appointment_service, counsellor_user):
    return CounsellorFactory(
        location=location,
        services=[appointment_service],
        user=counsellor_user,
        room="Raum E.12",
        seed_hours=True,
    )


@pytest.fixture
def my_appointment(my_counsellor, appointment_service):
    """10:30 today, with an interpreter and a case reference."""
    return AppointmentFactory(
        counsellor=my_counsellor,
        service=appointment_service,
        start=dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.UTC),
        name="Hildegard Becker",
        interpreter_language="Türkisch",
        step_free=True,
        accompanied=True,
        case_reference="50.2-123/26",
    )


@pytest.fixture
def located_info_desk(info_desk, location):
    return works_at(info_desk, location)


@pytest.fixture
def located_team_lead(team_lead, location):
    return works_at(team_lead, location)
