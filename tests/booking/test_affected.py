"""Which booked appointments no longer fit: one rule for absences, closures and shorter hours."""

import datetime as dt

import pytest
import time_machine

from booking.affected import affected_range, unfit_appointments
from booking.models import WorkingHours
from sozialamt.models import OpeningHours
from tests.factories import AbsenceFactory, AppointmentFactory, ClosureFactory, CounsellorFactory
from tests.helpers import assert_queries_do_not_grow
from tests.messaging.conftest import NOW

pytestmark = pytest.mark.django_db

THURSDAY = dt.date(2026, 12, 3)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def booked(clock, counsellor, appointment_service):
    """10:00 and 16:00 (Münster) on Thursday 3 December, which opens 8–18."""
    return [
        AppointmentFactory(counsellor=counsellor, service=appointment_service, start=start)
        for start in (
            dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC),
            dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.UTC),
        )
    ]


def _unfit(location, counsellor_id=None):
    found = unfit_appointments(
        location_id=location.pk, counsellor_id=counsellor_id, first_day=THURSDAY, last_day=THURSDAY
    )
    return [a.pk for a in found]


def test_appointments_inside_every_hour_are_not_affected(booked, location):
    assert _unfit(location) == []


def test_shorter_opening_hours_hit_the_appointments_after_the_new_closing_time(booked, location):
    OpeningHours.objects.filter(location=location, weekday=3).update(closes=dt.time(15, 30))
    assert _unfit(location) == [booked[1].pk]


def test_a_closure_hits_every_appointment_of_its_days(booked, location):
    ClosureFactory(location=location, start=THURSDAY)
    assert _unfit(location) == [a.pk for a in booked]


def test_special_hours_on_a_day_hit_what_lies_outside_them(booked, location):
    ClosureFactory(location=location, start=THURSDAY, special_hours=True)  # 9–11
    assert _unfit(location) == [booked[1].pk]


def test_an_absence_hits_only_that_counsellors_appointments_in_it(
    booked, location, counsellor, appointment_service
):
    colleague = CounsellorFactory(location=location, services=[appointment_service], seed_hours=True)
    theirs = AppointmentFactory(counsellor=colleague, service=appointment_service)
    AbsenceFactory(
        counsellor=counsellor,
        start=dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC),
        end=dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC),
    )
    assert _unfit(location) == [booked[0].pk]
    assert theirs.pk not in _unfit(location)
    assert _unfit(location, counsellor_id=colleague.pk) == []


def test_shorter_working_hours_hit_the_appointments_after_them(booked, location, counsellor):
    WorkingHours.objects.filter(counsellor=counsellor, weekday=3).update(ends=dt.time(12))
    assert _unfit(location, counsellor_id=counsellor.pk) == [booked[1].pk]


def test_past_and_cancelled_appointments_are_never_affected(
    booked, location, counsellor, appointment_service, clock
):
    ClosureFactory(location=location, start=THURSDAY)
    AppointmentFactory(
        counsellor=counsellor,
        service=appointment_service,
        cancelled=True,
        start=dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC),
    )
    clock.move_to(dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC))
    assert _unfit(location) == [booked[1].pk]


def test_the_selector_costs_five_queries_however_many_appointments(
    booked, location, counsellor, appointment_service
):
    ClosureFactory(location=location, start=THURSDAY, special_hours=True)

    def grow():
        for n in range(20):
            other = CounsellorFactory(location=location, services=[appointment_service], seed_hours=True)
            AppointmentFactory(
                counsellor=other,
                service=appointment_service,
                start=dt.datetime(2026, 12, 3, 8 + n % 8, 0, tzinfo=dt.UTC),
            )

    assert assert_queries_do_not_grow(lambda: _unfit(location), grow) == 5


def test_the_range_reaches_from_today_at_most_the_cancellation_steps_three_months(clock):
    assert affected_range() == (dt.date(2026, 11, 20), dt.date(2027, 2, 20))
    assert affected_range(dt.date(2026, 1, 1), dt.date(2026, 11, 25)) == (
        dt.date(2026, 11, 20),
        dt.date(2026, 11, 25),
    )
