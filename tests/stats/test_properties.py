"""Random valid ticket histories, made through the queue's services: the figures keep their
invariants and agree with the same arithmetic done in Python on the history rows."""

import contextlib
import datetime as dt
import math

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kundenzentrum import services as queue
from kundenzentrum.models import Ticket, TicketHistory
from kundenzentrum.services import QueueError
from sozialamt import roles
from stats.figures import MEDIAN, P90, percentile
from stats.queries import Scope
from stats.report import build_report
from tests.factories import ClosureFactory, DeskFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db
# A Thursday (8:00–18:00) and the Sunday the clocks go back (night opening 0:30–4:30 local,
# 2:00–3:00 happens twice): the opening instant in UTC of each.
DAYS = {
    dt.date(2026, 3, 26): dt.datetime(2026, 3, 26, 7, 0, tzinfo=dt.UTC),
    dt.date(2026, 10, 25): dt.datetime(2026, 10, 24, 22, 30, tzinfo=dt.UTC),
}
S = Ticket.Status


@pytest.fixture
def queue_setup(location):
    service = ServiceFactory(name="Unterlagen", slug="unterlagen", walk_in=True, ticket_letter="A")
    location.services.add(service)
    ClosureFactory(
        location=location, start=dt.date(2026, 10, 25), opens=dt.time(0, 30), closes=dt.time(4, 30)
    )
    desk = DeskFactory(location=location, name="Platz 1")
    desk.services.set([service])
    other = DeskFactory(location=location, name="Platz 2")
    other.services.set([service])
    clerks = [UserFactory(username=f"prop{n}", roles=[roles.CLERK]) for n in (1, 2)]
    return location, service, [(desk, clerks[0]), (other, clerks[1])]


def _options(desk, clerk) -> list[str]:
    current = queue.current_ticket(clerk)
    parked = Ticket.objects.filter(desk=desk, status=S.PARKED).first()
    if current is None:
        return ["issue", "call"] + (["resume"] if parked else [])
    if current.status == S.CALLED:
        return ["recall", "start", "transfer", "park"] + (["no_show"] if current.call_count >= 2 else [])
    return ["finish", "transfer", "park"]


def _do(op: str, location, service, desk, clerk, now) -> None:
    current = queue.current_ticket(clerk)
    kwargs = {"desk": desk, "user": clerk, "now": now}
    if op == "issue":
        queue.issue_ticket(location=location, service=service, now=now)
    elif op == "call":
        queue.call_next_ticket(desk_id=desk.pk, user=clerk, now=now)
    elif op == "resume":
        parked = Ticket.objects.filter(desk=desk, status=S.PARKED).first()
        queue.resume_ticket(ticket_id=parked.pk, **kwargs)
    else:
        action = {
            "recall": queue.recall_ticket,
            "start": queue.start_service,
            "finish": queue.finish_ticket,
            "no_show": queue.mark_no_show,
        }.get(op)
        if action:
            action(ticket_id=current.pk, **kwargs)
        elif op == "transfer":
            queue.transfer_ticket(ticket_id=current.pk, seen=current.status, to_service=service, **kwargs)
        else:
            queue.park_ticket(ticket_id=current.pk, seen=current.status, **kwargs)


def _python_waits(day) -> list[int]:
    """Whole minutes from issue to first call (both cut to the second), from the history rows."""
    waits = []
    for ticket in Ticket.objects.filter(day=day, due_at__isnull=True):
        calls = TicketHistory.objects.filter(ticket=ticket, new_status=S.CALLED).order_by("at", "pk")
        if calls:
            span = calls[0].at.replace(microsecond=0) - ticket.issued_at.replace(microsecond=0)
            waits.append(math.floor(span.total_seconds() / 60))
    return waits


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_histories_keep_the_invariants(queue_setup, data):
    location, service, desks = queue_setup
    day = data.draw(st.sampled_from(sorted(DAYS)))
    now = DAYS[day]
    with transaction.atomic(), time_machine.travel(now, tick=False) as traveller:
        for desk, clerk in desks:
            queue.sign_in_to_desk(desk=desk, user=clerk, now=now)
        for _ in range(data.draw(st.integers(1, 30))):
            now += dt.timedelta(seconds=data.draw(st.integers(0, 25 * 60)))
            traveller.move_to(now)
            desk, clerk = data.draw(st.sampled_from(desks))
            # The office may refuse (e.g. no more tickets today); then nothing changed.
            with contextlib.suppress(QueueError):
                _do(data.draw(st.sampled_from(_options(desk, clerk))), location, service, desk, clerk, now)
        if data.draw(st.booleans()):
            closing = DAYS[day] + dt.timedelta(hours=10 if day.weekday() == 3 else 4, minutes=5)
            queue.close_day(location=location, now=max(now, closing) + dt.timedelta(days=1))
        _check(Scope(location=location, service=None, start=day, end=day), day)
        transaction.set_rollback(True)


def _check(scope, day) -> None:
    walk_ins = build_report(scope, with_today=False).groups[0]
    assert walk_ins.key == "tickets"
    figures = {f.key: f.current for f in walk_ins.figures}
    assert (
        figures["issued"] == figures["served"] + figures["not_served"] + figures["no_show"] + figures["open"]
    )
    assert figures["issued"] == Ticket.objects.filter(day=day).count()
    level = figures["service_level"]
    assert level is None or 0 <= level <= 1
    waits = _python_waits(day)
    if not waits:
        assert figures["wait_median"] is None
        return
    assert min(waits) <= figures["wait_median"] <= figures["wait_p90"] <= max(waits)
    histogram = {w: waits.count(w) for w in waits}
    assert figures["wait_median"] == percentile(histogram, MEDIAN)
    assert figures["wait_p90"] == percentile(histogram, P90)
