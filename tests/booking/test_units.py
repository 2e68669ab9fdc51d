"""Every appointment's 5-minute unit numbers (what the free-time search reads) follow its start
and end through every ORM write: booking, moving, the admin's save and bulk_create."""

import datetime as dt

import pytest

from booking.models import Appointment, Occupancy
from booking.services import book_appointment, move_appointment
from booking.slots import unit_number, unit_span
from tests.booking.conftest import TUESDAY_9
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


def stored_units(appointment) -> tuple[int, int]:
    return Appointment.objects.values_list("start_unit", "end_unit").get(pk=appointment.pk)


def test_a_booking_stores_the_units_of_its_occupancy_rows(clock, counsellor, location, appointment_service):
    booked = book_appointment(
        service=appointment_service, location=location, start=TUESDAY_9, person={"name": "A"}
    ).appointment
    first, end = stored_units(booked)
    rows = sorted(unit_number(u) for u in Occupancy.objects.values_list("unit_start", flat=True))
    assert rows == list(range(first, end))


def test_moving_moves_the_units_and_frees_the_old_time(clock, counsellor, location, appointment_service):
    def book(start):
        person = {"name": "A"}
        return book_appointment(service=appointment_service, location=location, start=start, person=person)

    booked = book(TUESDAY_9).appointment
    later = TUESDAY_9 + dt.timedelta(hours=2)
    move_appointment(appointment=booked, start=later)
    assert stored_units(booked) == unit_span(later, later + dt.timedelta(minutes=45))
    assert book(TUESDAY_9).appointment.start == TUESDAY_9  # the search sees the old time free


def test_a_changed_end_changes_the_units_on_save():
    appointment = AppointmentFactory()
    appointment.end += dt.timedelta(minutes=7)
    appointment.save(update_fields=["end"])
    assert stored_units(appointment) == unit_span(appointment.start, appointment.end)


def test_bulk_created_appointments_get_their_units():
    template = AppointmentFactory()
    start = template.start + dt.timedelta(days=1, minutes=3)
    [copy] = Appointment.objects.bulk_create(
        [
            Appointment(
                code="BULK-0001",
                token_hash="b" * 64,
                service=template.service,
                location=template.location,
                counsellor=template.counsellor,
                start=start,
                end=start + dt.timedelta(minutes=30),
            )
        ]
    )
    assert stored_units(copy) == unit_span(start, start + dt.timedelta(minutes=30))
