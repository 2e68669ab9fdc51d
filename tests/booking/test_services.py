"""Booking, moving and cancelling through the services: on PostgreSQL, and on SQLite in make test's
second run (the one write path both take)."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import translation

from booking import confirming
from booking.models import Appointment, Occupancy
from booking.selectors import appointment_for_token, availability
from booking.services import (
    BookingError,
    book_appointment,
    cancel_appointment,
    move_appointment,
)
from messaging.models import CallListEntry
from tests.booking.conftest import TUESDAY_9
from tests.factories import (
    AbsenceFactory,
    AppointmentFactory,
    ClosureFactory,
    CounsellorFactory,
    WorkingHoursFactory,
)

pytestmark = pytest.mark.django_db


def book(location, service, start=TUESDAY_9, **person):
    return book_appointment(service=service, location=location, start=start, person=person or {"name": "A"})


def test_a_booking_gets_a_readable_code_and_a_hashed_token(
    clock, counsellor, location, appointment_service, person
):
    booked = book(location, appointment_service, **person)
    code = booked.appointment.code
    assert len(code) == 8 and code[3] == "-" and not set(code) & set("01OIL")
    assert len(booked.token) >= 32 and booked.token not in booked.appointment.token_hash
    assert appointment_for_token(booked.token) == booked.appointment
    # With an e-mail address it holds the time until the citizen confirms (test_holds.py).
    assert booked.appointment.history.get().new_status == "pending"
    assert Occupancy.objects.filter(appointment=booked.appointment).count() == 9


def test_the_same_time_cannot_be_booked_twice_with_one_counsellor(
    clock, counsellor, location, appointment_service
):
    book(location, appointment_service)
    with pytest.raises(BookingError) as error:
        book(location, appointment_service)
    assert error.value.kind == "taken"
    assert error.value.next_free[0].start == TUESDAY_9 + dt.timedelta(minutes=45)


def test_a_second_counsellor_takes_the_second_booking(clock, counsellor, location, appointment_service):
    other = CounsellorFactory(location=location, services=[appointment_service], seed_hours=True)
    first = book(location, appointment_service).appointment
    second = book(location, appointment_service).appointment
    assert {first.counsellor, second.counsellor} == {counsellor, other}


def test_cancelling_frees_the_time_at_once(clock, counsellor, location, appointment_service):
    booked = book(location, appointment_service)
    cancel_appointment(appointment=booked.appointment)
    assert not Occupancy.objects.exists()
    assert book(location, appointment_service).appointment.start == TUESDAY_9


def test_moving_holds_the_new_time_and_frees_the_old(clock, counsellor, location, appointment_service):
    booked = book(location, appointment_service)
    later = TUESDAY_9 + dt.timedelta(minutes=15)  # overlaps the old time: kept units are reused
    moved = move_appointment(appointment=booked.appointment, start=later)
    assert moved.start == later
    units = sorted(Occupancy.objects.values_list("unit_start", flat=True))
    assert units[0] == later and len(units) == 9
    assert book(location, appointment_service, start=TUESDAY_9 + dt.timedelta(hours=2)).appointment


def test_moving_to_a_taken_time_changes_nothing(clock, counsellor, location, appointment_service):
    first = book(location, appointment_service).appointment
    second = book(location, appointment_service, start=TUESDAY_9 + dt.timedelta(hours=1)).appointment
    with pytest.raises(BookingError):
        move_appointment(appointment=second, start=TUESDAY_9)
    second.refresh_from_db()
    assert second.start == TUESDAY_9 + dt.timedelta(hours=1)
    assert Occupancy.objects.filter(appointment=first).count() == 9


def test_it_refuses_a_closed_day_a_past_time_and_beyond_the_horizon(
    clock, counsellor, location, appointment_service
):
    ClosureFactory(location=location, start=dt.date(2026, 12, 2))
    for start in (
        dt.datetime(2026, 12, 2, 8, tzinfo=dt.UTC),  # closure
        dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC),  # today: inside the lead time
        dt.datetime(2027, 1, 28, 8, tzinfo=dt.UTC),  # beyond 28 days
        dt.datetime(2026, 12, 5, 9, tzinfo=dt.UTC),  # Saturday
        dt.datetime(2026, 12, 1, 16, tzinfo=dt.UTC),  # Tuesday 17:00, after closing
    ):
        with pytest.raises(BookingError):
            book(location, appointment_service, start=start)
    assert not Appointment.objects.exists()


def test_an_absent_counsellor_offers_no_times(clock, counsellor, location, appointment_service):
    AbsenceFactory(
        counsellor=counsellor, start=TUESDAY_9 - dt.timedelta(hours=2), end=TUESDAY_9 + dt.timedelta(hours=10)
    )
    found = availability(service=appointment_service, location=location)
    assert found.day(dt.date(2026, 12, 1)).slots == ()
    with pytest.raises(BookingError) as error:
        book(location, appointment_service)
    assert error.value.kind == "taken" and not Appointment.objects.exists()


def test_the_least_loaded_counsellor_that_day_gets_the_booking(
    clock, counsellor, location, appointment_service
):
    other = CounsellorFactory(location=location, services=[appointment_service], seed_hours=True)
    busy, idle = sorted([counsellor, other], key=lambda c: c.pk, reverse=True)  # not simply the first id
    AppointmentFactory(counsellor=busy, service=appointment_service, location=location, start=TUESDAY_9)
    later = TUESDAY_9 + dt.timedelta(hours=3)
    assert book(location, appointment_service, start=later).appointment.counsellor == idle
    # Now both have one booking that day: the tie goes to the lower id, as in the free times.
    tie = book(location, appointment_service, start=later + dt.timedelta(hours=1)).appointment
    assert tie.counsellor == min([counsellor, other], key=lambda c: c.pk)


def test_a_booking_overlapping_a_counsellors_appointment_goes_to_another(
    clock, counsellor, location, appointment_service
):
    other = CounsellorFactory(location=location, services=[appointment_service], seed_hours=True)
    AppointmentFactory(
        counsellor=counsellor,
        service=appointment_service,
        location=location,
        start=TUESDAY_9 - dt.timedelta(minutes=30),
    )
    assert book(location, appointment_service).appointment.counsellor == other


def test_one_active_booking_per_phone_and_service(clock, counsellor, location, appointment_service):
    book(location, appointment_service, name="A", phone="0251 4920")
    with pytest.raises(BookingError) as error:
        book(
            location,
            appointment_service,
            start=TUESDAY_9 + dt.timedelta(hours=2),
            name="B",
            phone="0251 4920",
        )
    assert error.value.kind == "limit" and Appointment.objects.count() == 1


def test_the_limit_per_contact_is_a_setting(clock, counsellor, location, appointment_service, settings):
    settings.BOOKING_MAX_ACTIVE_PER_CONTACT = 2
    for hours in (0, 2):
        book(
            location, appointment_service, start=TUESDAY_9 + dt.timedelta(hours=hours), email="A@example.org"
        )
    with pytest.raises(BookingError) as error:
        book(location, appointment_service, start=TUESDAY_9 + dt.timedelta(hours=4), email="a@EXAMPLE.org")
    assert error.value.kind == "limit" and Appointment.objects.count() == 2


def test_a_cancelled_booking_no_longer_counts_against_the_limit(
    clock, counsellor, location, appointment_service
):
    first = book(location, appointment_service, email="a@example.org").appointment
    cancel_appointment(appointment=first)
    again = book(
        location, appointment_service, start=TUESDAY_9 + dt.timedelta(hours=2), email="a@example.org"
    )
    assert again.appointment.status == "pending"


def test_one_active_booking_per_email_and_service(clock, counsellor, location, appointment_service, person):
    book(location, appointment_service, **person)
    with pytest.raises(BookingError) as error:
        book(location, appointment_service, start=TUESDAY_9 + dt.timedelta(hours=2), **person)
    assert error.value.kind == "limit"


def test_the_management_link_stops_working_after_the_appointment(
    clock, counsellor, location, appointment_service
):
    booked = book(location, appointment_service)
    assert appointment_for_token(booked.token, now=TUESDAY_9 + dt.timedelta(minutes=44))
    assert appointment_for_token(booked.token, now=TUESDAY_9 + dt.timedelta(minutes=45)) is None
    assert appointment_for_token("x" * 43) is None


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_bookings_of_one_time_give_exactly_one_appointment(
    clock, counsellor, location, appointment_service
):
    barrier = threading.Barrier(50)
    results: list[str] = []

    def attempt(n):
        try:
            barrier.wait()
            book(location, appointment_service, name=f"Person {n}")
            results.append("booked")
        except BookingError as error:
            results.append(error.kind if error.next_free else "no-next")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["booked"] + ["taken"] * 49
    assert Appointment.objects.count() == 1


def test_cached_free_times_are_invalidated_by_a_booking_and_a_cancellation(
    clock, counsellor, location, appointment_service, django_assert_num_queries
):
    def free_at_nine():
        day = availability(service=appointment_service, location=location).day(dt.date(2026, 12, 1))
        return any(s.start == TUESDAY_9 for s in day.slots)

    assert free_at_nine()
    with django_assert_num_queries(0):
        assert free_at_nine()  # from the cache
    booked = book(location, appointment_service)
    assert not free_at_nine()
    cancel_appointment(appointment=booked.appointment)
    assert free_at_nine()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_bookings_of_one_contact_at_different_times_give_one_appointment(
    clock, counsellor, location, appointment_service, person
):
    barrier = threading.Barrier(4)
    results: list[str] = []

    def attempt(n):
        try:
            barrier.wait()
            book(location, appointment_service, start=TUESDAY_9 + dt.timedelta(hours=n), **person)
            results.append("booked")
        except BookingError as error:
            results.append(error.kind)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["booked", "limit", "limit", "limit"]
    assert Appointment.objects.count() == 1


def test_a_booking_code_that_exists_already_is_replaced_not_reported_as_taken(
    clock, counsellor, location, appointment_service, monkeypatch
):
    import secrets

    AppointmentFactory(code="AAA-AAAA", counsellor=counsellor, start=TUESDAY_9 + dt.timedelta(hours=4))
    drawn = iter("AAAAAAA" + "XYZ2345")  # the random source draws the existing code first
    monkeypatch.setattr(secrets, "choice", lambda _alphabet: next(drawn))
    second = book(location, appointment_service, start=TUESDAY_9 + dt.timedelta(hours=2)).appointment
    assert second.code == "XYZ-2345"


def test_the_calendar_file_keeps_its_uid_and_counts_up_the_sequence_on_every_change(
    clock, counsellor, location, appointment_service
):
    from icalendar import Calendar

    from booking.ics import appointment_ics

    def event(appointment, **kwargs):
        [found] = Calendar.from_ical(appointment_ics(appointment, **kwargs)).walk("VEVENT")
        return str(found["uid"]), int(found["sequence"])

    appointment = book(location, appointment_service).appointment
    uid, first = event(appointment)
    moved = move_appointment(appointment=appointment, start=TUESDAY_9 + dt.timedelta(hours=2))
    assert event(moved) == (uid, first + 1)
    cancelled = cancel_appointment(appointment=moved)
    assert event(cancelled, cancelled=True) == (uid, first + 2)


def test_a_time_sharing_a_unit_with_a_booking_goes_to_the_other_counsellor(
    clock, location, appointment_service
):
    """Hours from 08:02 put the grid off the 5-minute units: 08:47 shares the 08:45 unit with
    an appointment ending at 08:47, so that counsellor cannot take it, though free by the clock."""
    first, second = (CounsellorFactory(location=location, services=[appointment_service]) for _ in range(2))
    for counsellor in (first, second):
        WorkingHoursFactory(counsellor=counsellor, weekday=1, starts=dt.time(8, 2), ends=dt.time(15, 30))
    at = dt.datetime(2026, 12, 1, 7, 2, tzinfo=dt.UTC)  # 08:02 local
    assert book(location, appointment_service, start=at).appointment.counsellor == first
    assert (
        book(location, appointment_service, start=at + dt.timedelta(hours=3)).appointment.counsellor == second
    )
    shared = book(location, appointment_service, start=at + dt.timedelta(minutes=45)).appointment
    assert shared.counsellor == second


def test_a_taken_time_is_reported_before_the_contact_limit(clock, counsellor, location, appointment_service):
    book(location, appointment_service, email="a@example.org")
    later = TUESDAY_9 + dt.timedelta(hours=2)
    book(location, appointment_service, start=later, email="b@example.org")
    with pytest.raises(BookingError) as error:
        book(location, appointment_service, start=later, email="a@example.org")
    assert error.value.kind == "taken" and error.value.next_free


def test_a_booking_too_late_for_a_letter_puts_the_citizen_on_the_call_list(
    clock, counsellor, location, appointment_service, person
):
    booked = book(location, appointment_service, **{**person, "reminder": "letter"}).appointment
    assert not CallListEntry.objects.filter(appointment=booked).exists()  # a hold is not called
    confirming.confirm_appointment(appointment=booked)
    entry = CallListEntry.objects.get(appointment=booked)
    assert entry.reason == CallListEntry.Reason.TOO_LATE
    assert not booked.messages.filter(channel="letter").exists()


def test_history_notes_are_stored_as_codes_and_read_in_the_readers_language(
    clock, counsellor, location, appointment_service
):
    with translation.override("en"):  # the citizen books in English
        booked = book(location, appointment_service).appointment
        move_appointment(appointment=booked, start=TUESDAY_9 + dt.timedelta(hours=1))
        cancel_appointment(appointment=booked, by_office=True, reason="Krankheit")
    notes = [row.note for row in booked.history.all()]
    assert notes == ["booked", "moved 01.12.2026 09:00", "by_office Krankheit"]
    with translation.override("de"):  # the team lead reads the history in German
        shown = [row.get_note_display() for row in booked.history.all()]
    assert shown == ["gebucht", "verschoben von 01.12.2026 09:00", "Absage durch das Amt: Krankheit"]
