"""What a booking costs on PostgreSQL: one round trip to the database once the hours are cached."""

import datetime as dt
import json
import threading
import time

import pytest
import redis
from django.db import connection, connections, transaction
from django.utils import timezone

from booking.models import Appointment, AppointmentHistory, Occupancy
from booking.selectors import static_plan
from booking.services import book_appointment
from messaging.models import Message
from tests.booking.conftest import TUESDAY_9
from tests.factories import AppointmentFactory, CounsellorFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_booking_with_contact_limit_and_messages_is_one_round_trip(
    clock, counsellor, location, appointment_service, person, django_assert_num_queries, broker
):
    """The first booking on a connection also prepares the statement; each after is one query."""
    assert connection.vendor == "postgresql"
    for _n in range(5):
        CounsellorFactory(location=location, services=[appointment_service], seed_hours=True)
    start = TUESDAY_9 + dt.timedelta(days=7)  # far enough ahead for an e-mail reminder too
    static_plan(service=appointment_service, location=location, day=start.date(), now=timezone.now())
    person = {**person, "reminder": "email", "phone": "0251 4920"}  # both contacts: two locks
    connection.close()  # a new connection: nothing prepared yet
    with django_assert_num_queries(2) as first:
        book_appointment(service=appointment_service, location=location, start=start, person=person)
    assert first.captured_queries[0]["sql"].startswith("PREPARE booking_")
    other = {**person, "email": "andere@example.org", "phone": "0251 4921"}
    later = start + dt.timedelta(hours=1)
    with django_assert_num_queries(1):
        booked = book_appointment(service=appointment_service, location=location, start=later, person=other)
    appointment = Appointment.objects.get(start=later)
    assert appointment == booked.appointment and appointment.email == other["email"]
    assert booked.appointment.counsellor.room == appointment.counsellor.room
    assert Occupancy.objects.filter(appointment=appointment).count() == 9
    assert AppointmentHistory.objects.get(appointment=appointment).new_status == "booked"
    assert set(Message.objects.filter(appointment=appointment).values_list("kind", "channel")) == {
        ("confirmation", "email"),
        ("reminder", "email"),
    }
    # The first confirmation kicked a sweep, which has not begun: the second kicks none.
    [task] = redis.Redis.from_url(broker).lrange("celery", 0, -1)
    assert json.loads(task)["headers"]["task"] == "messaging.tasks.sweep_messages"


def test_a_counsellor_taken_while_the_statement_waits_is_retried_with_the_next(
    clock, counsellor, location, appointment_service, monkeypatch
):
    """A rival transaction holds the first counsellor's time, not yet committed, when the
    booking's statement picks that counsellor: the statement waits for it, the unique
    constraint refuses the time once the rival commits, and the next try picks the other."""
    from booking import bookingsql
    from booking.slots import units

    other = CounsellorFactory(location=location, services=[appointment_service], seed_hours=True)
    first, second = sorted([counsellor, other], key=lambda c: c.pk)
    connection.ensure_connection()
    our_pid = connection.connection.get_backend_pid()
    rival_holds_the_time, failures = threading.Event(), []

    def rival():
        try:
            with transaction.atomic():
                taken = AppointmentFactory(
                    counsellor=first, service=appointment_service, location=location, start=TUESDAY_9
                )
                Occupancy.objects.bulk_create(
                    Occupancy(counsellor=first, unit_start=u, appointment=taken)
                    for u in units(taken.start, taken.end, dt.timedelta(minutes=5))
                )
                rival_holds_the_time.set()
                _wait_until_waiting_for_a_lock(our_pid)
        except Exception as error:  # reported in the main thread
            failures.append(error)
            rival_holds_the_time.set()
        finally:
            connections.close_all()

    tries = []
    real_run = bookingsql.run

    def counted_run(query, params, **kwargs):
        tries.append(params)
        return real_run(query, params, **kwargs)

    monkeypatch.setattr(bookingsql, "run", counted_run)
    thread = threading.Thread(target=rival)
    thread.start()
    assert rival_holds_the_time.wait(30)
    booked = book_appointment(
        service=appointment_service, location=location, start=TUESDAY_9, person={"name": "A"}
    )
    thread.join(30)
    assert not failures
    assert len(tries) == 2 and booked.appointment.counsellor == second
    assert Appointment.objects.filter(start=TUESDAY_9).count() == 2


def _wait_until_waiting_for_a_lock(pid: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # else the transaction sees one snapshot
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone() == ("Lock",):
                return
            time.sleep(0.01)
    raise AssertionError("the booking never waited for the rival's lock")


def test_after_the_statement_one_round_trip_to_redis_bumps_the_free_times_and_kicks_the_worker(
    clock, counsellor, location, appointment_service, person, broker, monkeypatch, redis_commands
):
    from booking import freecache

    start = TUESDAY_9 + dt.timedelta(days=7)
    static_plan(service=appointment_service, location=location, day=start.date(), now=timezone.now())
    monkeypatch.setattr(freecache, "MEMO_SECONDS", 3600)  # the generations as read a moment ago
    bookings, _static = freecache.generations()
    sent = redis_commands
    sent.clear()
    book_appointment(service=appointment_service, location=location, start=start, person=person)
    assert sent == ["EVALSHA"]  # the generation and the kick in one
    assert redis.Redis.from_url(broker).llen("celery") == 1  # the kick was new: the sweep is queued
    sent.clear()
    other = {**person, "email": "zweite@example.org"}
    book_appointment(
        service=appointment_service, location=location, start=start + dt.timedelta(hours=1), person=other
    )
    assert sent == ["EVALSHA"]  # the sweep is queued and has not begun: no second task
    monkeypatch.undo()
    assert freecache.generations()[0] == bookings + 2
    [task] = redis.Redis.from_url(broker).lrange("celery", 0, -1)
    assert json.loads(task)["headers"]["task"] == "messaging.tasks.sweep_messages"


def test_the_free_times_a_citizen_looked_at_leave_the_booking_one_query(
    clock, counsellor, location, appointment_service, person, django_assert_num_queries
):
    """The booking checks its time against the same cached plan the free-times page made."""
    from django.core.cache import cache

    from booking import freecache
    from booking.selectors import availability
    from messaging.tasks import KICK_KEY

    by_email = {**person, "reminder": "email"}  # a letter's posting day reads the calendar
    start = TUESDAY_9 + dt.timedelta(days=7)
    book_appointment(service=appointment_service, location=location, start=start, person=by_email)  # prepares
    cache.clear()  # nothing cached anywhere: only the page's read fills it
    freecache.clear_local()
    cache.add(KICK_KEY, 1)  # a sweep is queued: its e-mails are not this test's queries
    availability(service=appointment_service, location=location)  # the page's default range
    other = {**by_email, "email": "zweite@example.org"}
    with django_assert_num_queries(1):
        book_appointment(
            service=appointment_service, location=location, start=start + dt.timedelta(hours=1), person=other
        )
