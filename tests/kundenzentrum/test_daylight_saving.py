"""Ticket days, numbers and the day close follow the local (Europe/Berlin) day across both 2026 changes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from booking.models import Appointment
from kundenzentrum import selectors, services
from kundenzentrum.models import Ticket
from kundenzentrum.services import QueueError
from kundenzentrum.tasks import close_days
from tests.factories import AppointmentFactory, ClosureFactory, CounsellorFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
S = Ticket.Status

# (Friday before, the Sunday of the change, Monday after). Seed hours: Fri 8–12, Mon 8–15:30.
CHANGES = [
    pytest.param(dt.date(2026, 3, 27), dt.date(2026, 3, 29), dt.date(2026, 3, 30), id="spring-forward"),
    pytest.param(dt.date(2026, 10, 23), dt.date(2026, 10, 25), dt.date(2026, 10, 26), id="fall-back"),
]


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BERLIN)


def utc(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


def issue_at(moment: dt.datetime, location, service) -> Ticket:
    with time_machine.travel(moment, tick=False):
        return services.issue_ticket(location=location, service=service)


def close_at(moment: dt.datetime, location) -> tuple[int, int]:
    with time_machine.travel(moment, tick=False):
        return services.close_day(location=location)


def status(ticket: Ticket) -> str:
    ticket.refresh_from_db()
    return ticket.status


@pytest.mark.parametrize(("friday", "sunday", "monday"), CHANGES)
def test_numbers_restart_on_the_working_day_after_the_change(
    location, walk_in_service, friday, sunday, monday
):
    before = [issue_at(local(friday, 11), location, walk_in_service) for _ in range(2)]
    with pytest.raises(QueueError):  # 7:59 local is closed, whatever the UTC offset
        issue_at(local(monday, 7, 59), location, walk_in_service)
    after = issue_at(local(monday, 8), location, walk_in_service)
    assert [(t.day, t.display_number) for t in [*before, after]] == [
        (friday, "A-001"),
        (friday, "A-002"),
        (monday, "A-001"),
    ]


@pytest.mark.parametrize(("friday", "sunday", "monday"), CHANGES)
def test_the_day_closes_after_the_local_closing_time_on_both_sides(
    location, walk_in_service, appointment_service, friday, sunday, monday
):
    on_friday = issue_at(local(friday, 11), location, walk_in_service)
    assert close_at(local(friday, 11, 55), location) == (0, 0)
    assert close_at(local(friday, 12, 5), location) == (1, 0)
    assert status(on_friday) == S.NOT_SERVED

    on_monday = issue_at(local(monday, 15), location, walk_in_service)
    missed = AppointmentFactory(
        counsellor=CounsellorFactory(location=location), service=appointment_service, start=local(monday, 15)
    )
    with time_machine.travel(local(monday, 15, 25), tick=False):
        assert close_days() == 0  # the beat task: still open until 15:30 local
    with time_machine.travel(local(monday, 15, 35), tick=False):
        assert close_days() == 2
        assert close_days() == 0
    missed.refresh_from_db()
    assert (status(on_monday), missed.status) == (S.NOT_SERVED, Appointment.Status.NO_SHOW)


@pytest.mark.parametrize(("friday", "sunday", "monday"), CHANGES)
def test_a_ticket_issued_at_23_30_utc_belongs_to_the_next_local_day(
    location, walk_in_service, friday, sunday, monday
):
    # A long night of special opening: Sunday 20:00–23:59 and Monday 0:00–2:00 local.
    ClosureFactory(
        location=location, start=sunday, opens=dt.time(20), closes=dt.time(23, 59), reason="Lange Nacht"
    )
    ClosureFactory(location=location, start=monday, opens=dt.time(0), closes=dt.time(2), reason="Lange Nacht")
    late_sunday = issue_at(utc(sunday, 21), location, walk_in_service)
    after_midnight = issue_at(utc(sunday, 23, 30), location, walk_in_service)
    assert (late_sunday.day, late_sunday.display_number) == (sunday, "A-001")
    assert (after_midnight.day, after_midnight.display_number) == (monday, "A-001")
    assert selectors.ticket_position(after_midnight, now=utc(sunday, 23, 30)).ahead == 0

    with time_machine.travel(utc(sunday, 23, 45), tick=False):
        assert close_days() == 1  # Sunday is over in Münster; Monday's night opening is not
    assert (status(late_sunday), status(after_midnight)) == (S.NOT_SERVED, S.WAITING)
    with time_machine.travel(local(monday, 2, 5), tick=False):
        assert close_days() == 1
    assert status(after_midnight) == S.NOT_SERVED


@pytest.mark.parametrize(("friday", "sunday", "monday"), CHANGES)
def test_the_night_of_the_change_is_one_day_with_one_number_sequence(
    location, walk_in_service, friday, sunday, monday
):
    # Open 0:00–6:00 local on the Sunday itself: 00:30 and 01:30 UTC are an hour apart on either
    # side of the change (in October both read 2:30 on the wall clock).
    ClosureFactory(location=location, start=sunday, opens=dt.time(0), closes=dt.time(6), reason="Sondernacht")
    first = issue_at(utc(sunday, 0, 30), location, walk_in_service)
    second = issue_at(utc(sunday, 1, 30), location, walk_in_service)
    assert [(t.day, t.display_number) for t in (first, second)] == [(sunday, "A-001"), (sunday, "A-002")]
    position = selectors.ticket_position(second, now=utc(sunday, 1, 30))
    assert (position.ahead, position.wait_minutes) == (1, 10)
    assert close_at(local(sunday, 5, 55), location) == (0, 0)
    assert close_at(local(sunday, 6, 5), location) == (2, 0)
