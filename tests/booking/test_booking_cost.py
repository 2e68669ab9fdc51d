"""What a booking costs, and which cached free times a change leaves alone."""

import datetime as dt

import pytest

from booking.selectors import availability, service_and_location
from booking.services import book_appointment, cancel_appointment, move_appointment
from tests.booking.conftest import TUESDAY_9
from tests.factories import AppointmentFactory, ClosureFactory, CounsellorFactory, LocationFactory
from tests.helpers import assert_queries_do_not_grow, count_queries

pytestmark = pytest.mark.django_db

DEC_3 = dt.date(2026, 12, 3)
DEC_10 = dt.date(2026, 12, 10)


def free_times(service, location, day):
    found = availability(service=service, location=location, start=day, end=day).day(day)
    return [s.start for s in found.slots]


def test_a_booking_costs_the_same_queries_however_many_bookings_there_are(
    clock, counsellor, location, appointment_service, person
):
    others = [
        CounsellorFactory(location=location, services=[appointment_service], seed_hours=True)
        for _ in range(3)
    ]
    availability(service=appointment_service, location=location)  # the page the citizen booked from
    booked = []

    def book():
        start = TUESDAY_9 + dt.timedelta(days=7, minutes=45 * len(booked))
        contact = {**person, "email": f"person{len(booked)}@example.org", "reminder": "email"}
        booked.append(
            book_appointment(service=appointment_service, location=location, start=start, person=contact)
        )

    def grow():
        for n in range(40):
            start = TUESDAY_9 + dt.timedelta(days=7 + n // 10, minutes=45 * (n % 10))
            AppointmentFactory(counsellor=others[n % 3], service=appointment_service, start=start)

    # Seven: who is free, one statement of locks and one count for the limits and the day's
    # share of unverified bookings, then the appointment, its occupancy, history and message rows.
    assert_queries_do_not_grow(book, grow, limit=7, savepoints=False)


def test_a_booking_on_one_day_leaves_the_cached_free_times_of_another_day(
    clock, counsellor, location, appointment_service
):
    assert free_times(appointment_service, location, DEC_3) and free_times(
        appointment_service, location, DEC_10
    )
    start = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
    booked = book_appointment(
        service=appointment_service, location=location, start=start, person={"name": "A"}
    )
    assert count_queries(lambda: free_times(appointment_service, location, DEC_10)) == 0  # still cached
    assert start not in free_times(appointment_service, location, DEC_3)  # worked out afresh
    cancel_appointment(appointment=booked.appointment)
    assert start in free_times(appointment_service, location, DEC_3)
    assert count_queries(lambda: free_times(appointment_service, location, DEC_10)) == 0


def test_a_move_frees_the_day_it_left_and_takes_the_day_it_went_to(
    clock, counsellor, location, appointment_service
):
    start, later = (
        dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC),
    )
    booked = book_appointment(
        service=appointment_service, location=location, start=start, person={"name": "A"}
    )
    assert start not in free_times(appointment_service, location, DEC_3)
    assert later in free_times(appointment_service, location, DEC_10)
    move_appointment(appointment=booked.appointment, start=later)
    assert start in free_times(appointment_service, location, DEC_3)
    assert later not in free_times(appointment_service, location, DEC_10)


def test_an_admin_edit_of_the_location_shows_in_the_free_times_at_once(
    clock, counsellor, location, appointment_service
):
    assert free_times(appointment_service, location, DEC_10)
    ClosureFactory(location=location, start=DEC_10, reason="Betriebsausflug")
    day = availability(service=appointment_service, location=location, start=DEC_10, end=DEC_10).day(DEC_10)
    assert day.slots == () and day.day.reason == "Betriebsausflug"


def test_the_cached_free_times_cost_no_query(clock, counsellor, location, appointment_service):
    availability(service=appointment_service, location=location)
    assert count_queries(lambda: availability(service=appointment_service, location=location)) == 0


def test_the_pair_of_slugs_is_cached_until_an_admin_edits_the_location_or_service(
    counsellor, location, appointment_service
):
    slugs = (appointment_service.slug, location.slug)
    assert service_and_location(*slugs) == (appointment_service, location)
    assert count_queries(lambda: service_and_location(*slugs)) == 0
    location.active = False
    location.save()
    assert service_and_location(*slugs) == (None, None)
    location.active = True
    location.save()
    assert service_and_location(*slugs) == (appointment_service, location)
    location.services.remove(appointment_service)
    assert service_and_location(*slugs) == (None, None)
    location.services.add(appointment_service)
    appointment_service.active = False
    appointment_service.save()
    assert service_and_location(*slugs) == (None, None)


def test_with_the_free_times_cache_off_the_office_plan_stays_cached(
    clock, counsellor, location, appointment_service, settings
):
    settings.BOOKING_FREE_TIMES_CACHE_SECONDS = 0
    availability(service=appointment_service, location=location)
    # Only the bookings of the days are read again; hours, closures and counsellors are not.
    assert count_queries(lambda: availability(service=appointment_service, location=location)) == 1
    start = dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC)
    book_appointment(service=appointment_service, location=location, start=start, person={"name": "A"})
    assert start not in free_times(appointment_service, location, DEC_10)
    ClosureFactory(location=location, start=DEC_10, reason="Betriebsausflug")  # an admin edit
    day = availability(service=appointment_service, location=location, start=DEC_10, end=DEC_10).day(DEC_10)
    assert day.slots == () and day.day.reason == "Betriebsausflug"


def test_with_both_caches_off_every_read_works_everything_out(
    clock, counsellor, location, appointment_service, settings
):
    settings.BOOKING_FREE_TIMES_CACHE_SECONDS = settings.BOOKING_OFFICE_CACHE_SECONDS = 0
    availability(service=appointment_service, location=location)
    ClosureFactory(location=location, start=DEC_10, reason="Betriebsausflug")
    assert count_queries(lambda: availability(service=appointment_service, location=location)) >= 6


def test_a_counsellor_moved_to_another_location_leaves_the_free_times_of_the_old_one(
    clock, counsellor, location, appointment_service
):
    assert free_times(appointment_service, location, DEC_10)  # cached, with the office plan
    other = LocationFactory(seed_hours=True)
    other.services.add(appointment_service)
    counsellor.location = other
    counsellor.save()
    assert free_times(appointment_service, location, DEC_10) == []
    assert free_times(appointment_service, other, DEC_10)
