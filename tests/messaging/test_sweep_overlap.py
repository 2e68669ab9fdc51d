"""Sweeps that overlap (the beat's and a kicked one) take different rows, never the same twice."""

import datetime as dt
import threading

import pytest
from django.core.cache import cache
from django.db import connection, connections, transaction

from messaging import services, tasks
from messaging.models import Message

from .conftest import NOW

pytestmark = pytest.mark.django_db(transaction=True)

Channel = Message.Channel


def test_a_sweep_skips_the_rows_an_overlapping_sweep_holds_and_together_they_take_each_once(clock, book):
    # A sweep is queued and has not begun: the bookings' commits kick none (eager here, it
    # would send the confirmations at once).
    cache.add(tasks.KICK_KEY, 1, timeout=tasks.KICK_SECONDS)
    for n in range(6):
        book(
            by_email=True,
            email=f"buerger{n}@example.org",
            start=dt.datetime(2026, 12, 3, 7 + n, tzinfo=dt.UTC),
        )
    book()  # a letter: no e-mail to sweep
    due = set(Message.objects.filter(channel=Channel.EMAIL, due_at__lte=NOW).values_list("pk", flat=True))
    assert len(due) == 6

    holds_its_rows, may_commit = threading.Event(), threading.Event()
    first_sweep, failures = [], []

    def overlapping_sweep():
        try:
            with transaction.atomic():  # its rows stay locked until it commits
                first_sweep.extend(services.sweep_due_messages(limit=3))
                holds_its_rows.set()
                assert may_commit.wait(30)
        except Exception as error:  # reported in the main thread
            failures.append(error)
        finally:
            holds_its_rows.set()
            connections.close_all()

    thread = threading.Thread(target=overlapping_sweep)
    thread.start()
    try:
        assert holds_its_rows.wait(30)
        assert not failures and len(first_sweep) == 3
        with connection.cursor() as cursor:
            # Waiting for the other sweep's rows would wait for ever: fail instead.
            cursor.execute("SET lock_timeout = '5s'")
        try:
            second_sweep = services.sweep_due_messages()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    finally:
        may_commit.set()
        thread.join(30)
    assert not thread.is_alive() and not failures

    assert not set(first_sweep) & set(second_sweep)
    assert sorted(first_sweep + second_sweep) == sorted(due)
    assert set(Message.objects.filter(pk__in=due).values_list("queued_at", flat=True)) == {NOW}
    assert services.sweep_due_messages() == []  # each taken once
