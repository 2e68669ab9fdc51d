"""Staff book emergencies inside the citizens' lead time, never in the past or outside hours."""

import datetime as dt

import pytest

from booking.models import ReservedCapacity
from booking.selectors import availability
from booking.services import BookingError, book_appointment
from tests.booking.conftest import NOW
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MONDAY = NOW.date()  # 30 November 2026, 10:00 local: the service needs one working day's notice
MONDAY_11 = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)  # 11:00 local
MONDAY_9 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)  # 09:00 local, gone by now
MONDAY_EVENING = dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC)  # 18:00 local, after hours


def starts(location, service, *, staff):
    avail = availability(service=service, location=location, start=MONDAY, end=MONDAY, staff=staff)
    return avail, [s.start for s in avail.day(MONDAY).slots]


def test_staff_see_todays_remaining_times_inside_the_lead_time(
    clock, location, appointment_service, counsellor
):
    avail, staff = starts(location, appointment_service, staff=True)
    assert MONDAY_11 in staff and MONDAY_9 not in staff
    assert all(s > NOW for s in staff)
    assert avail.window.first_day == MONDAY


def test_citizens_still_see_nothing_inside_the_lead_time(clock, location, appointment_service, counsellor):
    starts(location, appointment_service, staff=True)  # the staff's answer is cached first
    avail, citizen = starts(location, appointment_service, staff=False)
    assert citizen == []
    assert avail.window.first_day == MONDAY + dt.timedelta(days=1)


def test_staff_book_today_from_the_reserve(clock, location, appointment_service, counsellor):
    # Released on the day itself at 15:00: this morning only staff may book it.
    ReservedCapacity.objects.create(
        location=location,
        service=appointment_service,
        per_day=1,
        release_days_before=0,
        release_time=dt.time(15),
    )
    clerk = UserFactory()
    avail = availability(service=appointment_service, location=location, start=MONDAY, end=MONDAY, staff=True)
    reserved = sorted(avail.day(MONDAY).reserved)
    assert reserved
    booked = book_appointment(
        service=appointment_service,
        location=location,
        start=reserved[-1],
        person={"name": "A"},
        booked_by=clerk,
    )
    assert booked.appointment.booked_by == clerk
    assert booked.appointment.start == reserved[-1]


def test_a_citizen_cannot_book_today_inside_the_lead_time(clock, location, appointment_service, counsellor):
    with pytest.raises(BookingError):
        book_appointment(
            service=appointment_service, location=location, start=MONDAY_11, person={"name": "A"}
        )


@pytest.mark.parametrize("start", [MONDAY_9, MONDAY_EVENING], ids=["past", "after-hours"])
def test_staff_cannot_book_a_time_gone_or_outside_hours(
    clock, location, appointment_service, counsellor, start
):
    with pytest.raises(BookingError):
        book_appointment(
            service=appointment_service,
            location=location,
            start=start,
            person={"name": "A"},
            booked_by=UserFactory(),
        )


def test_staff_cannot_book_todays_time_already_taken(clock, location, appointment_service, counsellor):
    clerk = UserFactory()
    book_appointment(
        service=appointment_service, location=location, start=MONDAY_11, person={"name": "A"}, booked_by=clerk
    )
    with pytest.raises(BookingError) as error:
        book_appointment(
            service=appointment_service,
            location=location,
            start=MONDAY_11,
            person={"name": "B"},
            booked_by=clerk,
        )
    assert error.value.kind == "taken"
    assert all(s.start > NOW for s in error.value.next_free)
