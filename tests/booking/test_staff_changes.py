"""Staff change a booking for the citizen through the one write path: with a reason, and never
over a change they did not see (on PostgreSQL, and on SQLite in make test's second run)."""

import datetime as dt

import pytest

from booking.models import Appointment
from booking.services import BookingError, cancel_appointment, move_appointment
from tests.booking.conftest import TUESDAY_9, book_confirmed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LATER = TUESDAY_9 + dt.timedelta(hours=2)


@pytest.fixture
def booked(clock, counsellor, location, appointment_service, person):
    return book_confirmed(
        service=appointment_service, location=location, start=TUESDAY_9, person=person
    ).appointment


def test_a_move_for_the_citizen_keeps_who_and_why_in_the_history(booked):
    clerk = UserFactory()
    move_appointment(appointment=booked, start=LATER, by=clerk, reason="am Telefon", seen_start=TUESDAY_9)
    row = booked.history.last()
    assert row.by == clerk and row.note == "moved_on_behalf 01.12.2026 09:00 – am Telefon"
    assert row.get_note_display() == "im Auftrag verschoben von 01.12.2026 09:00 – am Telefon"


def test_a_move_from_a_page_that_showed_another_time_changes_nothing(booked):
    move_appointment(appointment=booked, start=LATER)
    with pytest.raises(BookingError) as error:
        move_appointment(
            appointment=booked, start=TUESDAY_9, by=UserFactory(), reason="x", seen_start=TUESDAY_9
        )
    assert error.value.kind == "stale"
    assert Appointment.objects.get(pk=booked.pk).start == LATER


def test_a_cancellation_for_the_citizen_is_refused_after_a_move_they_did_not_see(booked):
    move_appointment(appointment=booked, start=LATER)
    with pytest.raises(BookingError) as error:
        cancel_appointment(
            appointment=booked, by=UserFactory(), on_behalf=True, reason="x", seen_start=TUESDAY_9
        )
    assert error.value.kind == "stale"
    assert Appointment.objects.get(pk=booked.pk).status == Appointment.Status.BOOKED


def test_a_cancellation_for_the_citizen_frees_the_time_and_says_why(booked):
    clerk = UserFactory()
    cancel_appointment(appointment=booked, by=clerk, on_behalf=True, reason="umgezogen", seen_start=TUESDAY_9)
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CANCELLED and not booked.occupancy.exists()
    assert booked.history.last().get_note_display() == "im Auftrag abgesagt: umgezogen"
