"""People ahead and the estimated wait count the arrived appointments that call_next serves first."""

import datetime as dt

import pytest

from kundenzentrum import selectors, services
from kundenzentrum.models import Ticket
from kundenzentrum.services import QueueError
from tests.factories import AppointmentFactory, CounsellorFactory, DeskFactory, ServiceFactory, TicketFactory
from tests.helpers import assert_queries_do_not_grow
from tests.kundenzentrum.conftest import THURSDAY_10

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def short_service(location, desk):
    """An appointment service of 15 minutes that the walk-in desk serves too."""
    service = ServiceFactory(name="Kurzberatung", slug="kurzberatung", duration_minutes=15)
    location.services.add(service)
    desk.services.add(service)
    return service


def arrive(location, service, start: dt.datetime) -> Ticket:
    """Books an appointment and checks it in now."""
    appointment = AppointmentFactory(
        counsellor=CounsellorFactory(location=location), service=service, start=start
    )
    return services.check_in_appointment(code=appointment.code, location=location)


def issue(location, service) -> Ticket:
    return services.issue_ticket(location=location, service=service)


def play_the_queue(desk, clerk, thursday) -> list[tuple[Ticket, dt.datetime]]:
    """One clerk calls and serves every ticket in exactly its service's time; (ticket, called at)."""
    calls, now = [], THURSDAY_10
    while True:
        thursday.move_to(now)
        ticket = services.call_next_ticket(desk_id=desk.pk, user=clerk, now=now)
        if ticket is None:
            return calls
        calls.append((ticket, now))
        services.start_service(ticket_id=ticket.pk, desk=desk, user=clerk, now=now)
        now += ticket.service.duration_minutes * MINUTE
        thursday.move_to(now)
        services.finish_ticket(ticket_id=ticket.pk, desk=desk, user=clerk, now=now)


def test_people_ahead_and_the_wait_match_the_order_call_next_serves(
    location, walk_in_service, short_service, desk, signed_in_clerk, thursday
):
    # Thursday 10:00. Walk-ins take 10 minutes, appointments 15; one desk.
    walk_ins = [issue(location, walk_in_service) for _ in range(3)]
    due = arrive(location, short_service, THURSDAY_10)  # 10:00, due now
    soon = arrive(location, short_service, THURSDAY_10 + 20 * MINUTE)  # due while A-001 is served
    later = arrive(location, short_service, THURSDAY_10 + 28 * MINUTE)
    tickets = [*walk_ins, due, soon, later]
    predicted = {t.pk: selectors.ticket_position(t) for t in tickets}

    calls = play_the_queue(desk, signed_in_clerk, thursday)

    order = [ticket.pk for ticket, _at in calls]
    assert order == [due.pk, walk_ins[0].pk, soon.pk, later.pk, walk_ins[1].pk, walk_ins[2].pk]
    for place, (ticket, called_at) in enumerate(calls):
        position = predicted[ticket.pk]
        assert (ticket.display_number, position.ahead) == (ticket.display_number, place)
        assert position.wait_minutes == (called_at - THURSDAY_10) / MINUTE


def test_a_walk_in_issued_before_a_due_appointment_still_waits_for_it(
    location, walk_in_service, short_service, desk, signed_in_clerk
):
    walk_in = issue(location, walk_in_service)
    arrive(location, short_service, THURSDAY_10)
    position = selectors.ticket_position(walk_in)
    assert (position.ahead, position.wait_minutes) == (1, 15)


def test_an_appointment_that_arrived_early_is_not_ahead_of_walk_ins_served_before_it_is_due(
    location, walk_in_service, short_service, desk, signed_in_clerk
):
    walk_in = issue(location, walk_in_service)
    early = arrive(location, short_service, THURSDAY_10 + 30 * MINUTE)
    assert selectors.ticket_position(walk_in).ahead == 0
    # The appointment waits for the walk-in, then for its own time.
    assert (selectors.ticket_position(early).ahead, selectors.ticket_position(early).wait_minutes) == (1, 10)


def test_appointments_the_desks_of_the_service_do_not_serve_are_not_ahead(
    location, walk_in_service, other_walk_in_service, desk, desk_b, signed_in_clerk, second_clerk
):
    elsewhere = ServiceFactory(name="Nur an Platz 2", slug="platz-2", duration_minutes=15)
    location.services.add(elsewhere)
    desk_b.services.add(elsewhere)
    walk_in = issue(location, walk_in_service)  # only Platz 1 serves A
    b_walk_in = issue(location, other_walk_in_service)  # Platz 1 and Platz 2 serve B
    arrive(location, elsewhere, THURSDAY_10)
    assert selectors.ticket_position(walk_in).ahead == 0
    # B is called at Platz 2 too, and Platz 2 calls the due appointment first.
    assert selectors.ticket_position(b_walk_in).ahead == 1


def test_the_ticket_pages_and_the_api_count_the_due_appointment(
    client, location, walk_in_service, short_service, desk, signed_in_clerk
):
    walk_in = issue(location, walk_in_service)
    arrive(location, short_service, THURSDAY_10)
    printed = client.get(f"/kundenzentrum/w/{walk_in.public_id}/ticket/").content.decode()
    assert "Vor Ihnen: 1 Person" in printed
    assert "etwa 15 Minuten" in printed
    followed = client.get(f"/kundenzentrum/w/{walk_in.public_id}/").content.decode()
    assert "Vor Ihnen wartet 1 Person." in followed
    assert "etwa 15 Minuten" in followed
    body = client.get(f"/api/v1/kundenzentrum/tickets/{walk_in.public_id}").json()
    assert (body["ahead"], body["wait_minutes"]) == (1, 15)


def test_the_start_page_figures_count_the_due_appointments(
    location, walk_in_service, short_service, desk, signed_in_clerk
):
    issue(location, walk_in_service)
    arrive(location, short_service, THURSDAY_10)
    # A newcomer's turn: after the due appointment (15) and the walk-in (10), at 10:25.
    arrive(location, short_service, THURSDAY_10 + 30 * MINUTE)
    row = next(r for r in selectors.queue_overview(location) if r.service == walk_in_service)
    assert (row.waiting, row.wait_minutes) == (2, 25)


def test_issuing_stops_when_the_due_appointments_fill_the_rest_of_the_day(
    location, walk_in_service, short_service, desk, signed_in_clerk, thursday
):
    thursday.move_to(dt.datetime(2026, 12, 3, 16, 35, tzinfo=dt.UTC))  # 17:35, closes 18:00
    arrive(location, short_service, dt.datetime(2026, 12, 3, 16, 30, tzinfo=dt.UTC))
    issue(location, walk_in_service)  # 15 + 10 minutes fit
    with pytest.raises(QueueError):
        issue(location, walk_in_service)
    assert Ticket.objects.filter(due_at__isnull=True).count() == 1


def _grow_with_appointments(location, service, desk):
    TicketFactory.create_batch(3, location=location, service=service, day="2026-12-03")
    TicketFactory.create_batch(
        3,
        location=location,
        service=service,
        day="2026-12-03",
        due_at=dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC),
        letter="T",
    )
    extra = DeskFactory(location=location)
    extra.services.set([service])


@pytest.mark.parametrize("appointment", [False, True], ids=["walk-in", "appointment"])
def test_the_position_page_and_api_queries_do_not_grow_with_appointments(
    client, location, walk_in_service, short_service, desk, signed_in_clerk, appointment
):
    ticket = arrive(location, short_service, THURSDAY_10) if appointment else issue(location, walk_in_service)
    for url in (f"/kundenzentrum/w/{ticket.public_id}/", f"/api/v1/kundenzentrum/tickets/{ticket.public_id}"):
        assert_queries_do_not_grow(
            lambda url=url: client.get(url), lambda: _grow_with_appointments(location, short_service, desk)
        )


def test_the_start_page_queries_do_not_grow_with_appointments(
    client, location, walk_in_service, short_service, desk, signed_in_clerk
):
    assert_queries_do_not_grow(
        lambda: client.get("/kundenzentrum/"), lambda: _grow_with_appointments(location, short_service, desk)
    )
