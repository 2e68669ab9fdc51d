"""'Persönlichen Link verloren?': at most three e-mails per booking and day, and the same work
(one queued task) whether or not anything matched."""

import datetime as dt
import json
from collections import Counter

import pytest
import redis
from django.core import mail

from booking import lostlink
from booking.models import Appointment
from tests.booking.conftest import TUESDAY_9, book_confirmed
from tests.booking.test_pages import FIND, PERSON
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

SEND_LINK = "booking.tasks.send_new_manage_link"


@pytest.fixture
def booked_with_email(clock, counsellor, location, appointment_service):
    person = {**PERSON, "email": "erika@example.org", "reminder": "both"}
    return book_confirmed(service=appointment_service, location=location, start=TUESDAY_9, person=person)


def ask(client, code: str, postcode: str = "48153"):
    return client.post(FIND, {"code": code, "postcode": postcode})


def test_at_most_three_new_link_emails_per_booking_and_day(
    client, booked_with_email, relaxed_limits, settings, clock, django_capture_on_commit_callbacks
):
    settings.BOOKING_FIND_PER_HOUR = 100
    code = booked_with_email.appointment.code
    mail.outbox.clear()
    answers = []
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(ask(client, code).status_code)
    assert answers == [200] * 5
    assert len(mail.outbox) == 3
    clock.shift(dt.timedelta(hours=14, minutes=30))  # 00:30 the next day, before the appointment
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, code)
    assert len(mail.outbox) == 4
    # The booking's own link still works: nobody was locked out by the requests.
    assert client.get(f"/termin/verwalten/{booked_with_email.token}/").status_code == 200


def queued(broker: str) -> Counter:
    tasks = redis.Redis.from_url(broker).lrange("celery", 0, -1)
    return Counter(json.loads(task)["headers"]["task"] for task in tasks)


def test_the_page_does_the_same_work_on_a_match_and_on_no_match(
    client, booked_with_email, relaxed_limits, broker
):
    code = booked_with_email.appointment.code
    # The confirmation by e-mail sent a new link already (see confirming.confirm_appointment).
    link_before = Appointment.objects.get().new_token_hash
    ask(client, "ZZZ-ZZZZ")  # the first request of a session does one-time work
    match = count_queries(lambda: ask(client, code))
    no_match = count_queries(lambda: ask(client, "ZZZ-ZZZZ"))
    wrong_postcode = count_queries(lambda: ask(client, code, postcode="48155"))
    assert match == no_match == wrong_postcode
    assert queued(broker) == {SEND_LINK: 4}
    assert Appointment.objects.get().new_token_hash == link_before  # nothing was decided in the request


def test_the_task_sends_only_on_a_match(booked_with_email, clock, django_capture_on_commit_callbacks):
    code = booked_with_email.appointment.code
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert not lostlink.send_new_manage_link(code=code, postcode="48155")
        assert lostlink.send_new_manage_link(code=code, postcode="48153")
    assert len(mail.outbox) == 1
