"""Races: clerks calling at once, kiosks issuing at once (threads, own connections), on
PostgreSQL and on SQLite."""

import datetime as dt
import threading
from collections import Counter

import pytest
import time_machine
from django.db import connections

from kundenzentrum import services
from kundenzentrum.models import Ticket, TicketCounter, TicketHistory
from kundenzentrum.services import QueueError
from sozialamt import roles
from tests.factories import DeskFactory, TicketFactory, UserFactory
from tests.kundenzentrum.conftest import THURSDAY_10

pytestmark = pytest.mark.django_db(transaction=True)

CLERKS = 20
TICKETS = 200


def run_in_threads(count, work):
    barrier = threading.Barrier(count)
    errors = []

    def target(index):
        try:
            barrier.wait()
            work(index)
        except Exception as exc:  # collected and re-raised in the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_twenty_clerks_call_two_hundred_tickets_each_exactly_once(location, walk_in_service, thursday):
    desks = []
    for n in range(CLERKS):
        desk = DeskFactory(location=location, name=f"Platz {n + 1}")
        desk.services.set([walk_in_service])
        user = UserFactory(username=f"clerk{n}", roles=[roles.CLERK])
        services.sign_in_to_desk(desk=desk, user=user)
        desks.append((desk, user))
    TicketFactory.create_batch(TICKETS, location=location, service=walk_in_service)
    called: list[list[int]] = [[] for _ in range(CLERKS)]

    def clerk_works(index):
        desk, user = desks[index]
        while (ticket := services.call_next_ticket(desk_id=desk.pk, user=user)) is not None:
            # A double click in the middle of the race must hand back the same ticket.
            assert services.call_next_ticket(desk_id=desk.pk, user=user).pk == ticket.pk
            called[index].append(ticket.pk)
            services.start_service(ticket_id=ticket.pk, desk=desk, user=user)
            services.finish_ticket(ticket_id=ticket.pk, desk=desk, user=user)

    run_in_threads(CLERKS, clerk_works)
    every_call = [pk for calls in called for pk in calls]
    assert len(every_call) == TICKETS
    assert set(every_call) == set(Ticket.objects.values_list("pk", flat=True))
    calls_per_ticket = Counter(
        TicketHistory.objects.filter(new_status="called").values_list("ticket_id", flat=True)
    )
    assert set(calls_per_ticket.values()) == {1}
    assert Ticket.objects.filter(status=Ticket.Status.SERVED).count() == TICKETS
    assert sum(1 for calls in called if calls) > 1  # the clerks really raced


def test_concurrent_kiosks_issue_gap_free_unique_numbers_in_queue_order(location, walk_in_service):
    kiosks, each = 6, 7  # 42 of 10 minutes fit into the 8 hours left

    def kiosk_issues(_index):
        for _ in range(each):
            services.issue_ticket(location=location, service=walk_in_service)

    with time_machine.travel(THURSDAY_10, tick=True):  # a running clock, as at a real kiosk
        run_in_threads(kiosks, kiosk_issues)
    numbers = sorted(Ticket.objects.values_list("number", flat=True))
    assert numbers == list(range(1, kiosks * each + 1))
    # The queue is served by issue time: it must agree with the numbers on the tickets.
    in_queue_order = Ticket.objects.order_by("issued_at", "pk").values_list("number", flat=True)
    assert list(in_queue_order) == list(range(1, kiosks * each + 1))


def test_concurrent_kiosks_never_issue_past_the_capacity_before_closing(location, walk_in_service):
    # 17:35 on a Thursday, closing at 18:00: two walk-ins of 10 minutes fit, a third does not.
    kiosks, fit = 8, 2
    outcomes: list[str] = []

    def kiosk_issues(_index):
        try:
            ticket = services.issue_ticket(location=location, service=walk_in_service)
        except QueueError:
            outcomes.append("refused")
        else:
            outcomes.append(ticket.display_number)

    with time_machine.travel(dt.datetime(2026, 12, 3, 16, 35, tzinfo=dt.UTC), tick=False):
        run_in_threads(kiosks, kiosk_issues)
    assert sorted(outcomes) == ["A-001", "A-002"] + ["refused"] * (kiosks - fit)
    assert sorted(Ticket.objects.values_list("number", flat=True)) == [1, 2]
    # The refused issuers rolled their numbers back: the counter stays gap-free.
    assert TicketCounter.objects.get().last_number == fit
