"""The lock a booking holds on its contact until it commits, on PostgreSQL (an advisory lock)
and on SQLite (the IMMEDIATE transaction): a second booking of the contact waits, then counts
the first and is refused."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from booking.models import Appointment
from booking.services import BookingError, book_appointment
from sozialamt.locking import lock_keys
from tests.booking.conftest import TUESDAY_9


def test_a_lock_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(RuntimeError):
        lock_keys(["booking.contact:x"])


@pytest.mark.django_db(transaction=True)
def test_a_second_booking_of_the_contact_waits_for_the_first_to_commit_and_is_refused(
    clock, counsellor, location, appointment_service, person
):
    first_booked, second_done, outcome = threading.Event(), threading.Event(), []

    def second():
        first_booked.wait(30)
        try:
            later = TUESDAY_9 + dt.timedelta(hours=3)
            book_appointment(service=appointment_service, location=location, start=later, person=person)
            outcome.append("booked")
        except BookingError as error:
            outcome.append(error.kind)
        finally:
            connection.close()
            second_done.set()

    thread = threading.Thread(target=second)
    thread.start()
    with transaction.atomic():
        book_appointment(service=appointment_service, location=location, start=TUESDAY_9, person=person)
        first_booked.set()
        # The second booking runs meanwhile: it must wait for this transaction, not count past it.
        assert not second_done.wait(1.5)
    thread.join(30)
    assert outcome == ["limit"]
    assert Appointment.objects.count() == 1
