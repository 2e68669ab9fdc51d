"""A commit with due e-mails kicks one sweep, not one task per e-mail; a burst of bookings costs
the broker one task, and nothing is missed (the sweep deletes the kick before it reads)."""

import datetime as dt
import json
from collections import Counter

import pytest
import redis
import time_machine
from django.core import mail
from django.core.cache import cache

from messaging import services, tasks
from messaging.models import Message
from messaging.tasks import sweep_messages
from sozialamt.celery import app
from tests.messaging.test_worker import broker_down

from .conftest import NOW

pytestmark = pytest.mark.django_db(transaction=True)

SWEEP = "messaging.tasks.sweep_messages"
SEND = "messaging.tasks.send_message"


@pytest.fixture
def book_email(book):
    """Books (and commits) an appointment with an e-mail address, one hour after the last."""
    booked = []

    def _book():
        start = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC) + dt.timedelta(hours=len(booked))
        booked.append(book(by_email=True, start=start))
        return booked[-1]

    return _book


def queued(broker: str) -> Counter:
    """The tasks waiting in the broker's `celery` list, by name."""
    tasks = redis.Redis.from_url(broker).lrange("celery", 0, -1)
    return Counter(json.loads(task)["headers"]["task"] for task in tasks)


def test_a_burst_of_commits_queues_one_sweep_and_a_begun_sweep_lets_the_next_kick(clock, book_email, broker):
    for _ in range(3):
        book_email()
    assert queued(broker) == {SWEEP: 1}
    # A kicked sweep that gets lost holds back further kicks for a minute at most.
    assert 0 < redis.Redis.from_url(broker).ttl(cache.make_key(tasks.KICK_KEY)) <= 60
    assert sweep_messages() == 3  # the queued sweep begins (here, in-process)
    assert queued(broker) == {SWEEP: 1, SEND: 3}
    book_email()
    assert queued(broker) == {SWEEP: 2, SEND: 3}


def test_a_booking_committed_while_the_kicked_sweep_waits_is_sent_by_that_sweep(clock, book_email, broker):
    first, second = book_email(), book_email()
    assert queued(broker) == {SWEEP: 1}
    app.conf.task_always_eager = True  # the waiting sweep begins; it and its sends run in-process
    assert sweep_messages() == 2
    assert len(mail.outbox) == 2
    assert {m.appointment for m in Message.objects.filter(status=Message.Status.SENT)} == {first, second}


def test_a_booking_committed_while_a_sweep_runs_kicks_another(clock, book_email, broker, monkeypatch):
    """The sweep has read the due e-mails when another booking commits: that booking must kick a
    new sweep, which it can only because the running sweep deleted the kick before reading."""
    book_email()
    real_sweep = services.sweep_due_messages

    def read_then_a_booking_commits(**kwargs):
        ids = real_sweep(**kwargs)
        book_email()
        return ids

    monkeypatch.setattr(services, "sweep_due_messages", read_then_a_booking_commits)
    assert sweep_messages() == 1
    assert queued(broker) == {SWEEP: 2, SEND: 1}
    monkeypatch.setattr(services, "sweep_due_messages", real_sweep)
    assert sweep_messages() == 1  # the second booking's confirmation, which the first sweep missed


@pytest.fixture
def ticking_clock(monkeypatch):
    """kombu gives up connecting to a dead broker after broker_connection_timeout of clock time."""
    monkeypatch.setitem(app.conf, "broker_connection_timeout", 0.5)
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


def test_a_dead_broker_does_not_fail_the_booking_and_the_next_commit_kicks_again(
    ticking_clock, book_email, broker
):
    with broker_down(broker):
        first = book_email()
    assert Message.objects.get(appointment=first, kind="confirmation").status == Message.Status.PENDING
    assert queued(broker) == {}
    assert cache.get(tasks.KICK_KEY) is None  # else no kick would reach the broker for a minute
    book_email()
    assert queued(broker) == {SWEEP: 1}
    app.conf.task_always_eager = True
    assert sweep_messages() == 2
    assert len(mail.outbox) == 2


def test_a_dead_cache_does_not_fail_the_booking_and_still_queues_a_sweep(clock, book_email, dead_cache):
    """Unreadable, the cache cannot say whether a sweep is queued: one is queued (tasks run
    in-process here), rather than leaving the e-mail to the beat."""
    appointment = book_email()
    assert Message.objects.get(appointment=appointment, kind="confirmation").status == Message.Status.SENT
    assert len(mail.outbox) == 1
    assert sweep_messages() == 0
