"""What one "call next" costs, pinned so that a regression fails; and its checks."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from kundenzentrum import services
from kundenzentrum.models import Ticket, TicketHistory
from sozialamt import roles
from tests.factories import AppointmentFactory, CounsellorFactory
from tests.helpers import count_queries
from tests.staff import sign_in, verified

# In autocommit, as in a request: BEGIN and COMMIT are counted too.
pytestmark = pytest.mark.django_db(transaction=True)
BASE = "/api/v1/kundenzentrum"


def issue(location, service):
    return services.issue_ticket(location=location, service=service)


def test_call_next_costs_the_same_few_queries_however_long_the_queue(
    location, walk_in_service, desk, signed_in_clerk
):
    # The desk's services with the desk, the session and the role, BEGIN, due appointments and
    # walk-ins in one scan (locked), update, history, COMMIT.
    for _ in range(3):
        issue(location, walk_in_service)
    called = []
    assert (
        count_queries(lambda: called.append(services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)))
        == 6
    )
    ticket = called[0]
    assert (ticket.display_number, ticket.status, ticket.clerk_id, ticket.desk_id) == (
        "A-001",
        Ticket.Status.CALLED,
        signed_in_clerk.pk,
        desk.pk,
    )
    assert Ticket.objects.get(pk=ticket.pk).call_count == ticket.call_count == 1
    assert count_queries(lambda: (ticket.service.name, ticket.desk.name)) == 0
    history = TicketHistory.objects.get(ticket=ticket, new_status=Ticket.Status.CALLED)
    assert (history.old_status, history.by_id, history.desk_id) == ("waiting", signed_in_clerk.pk, desk.pk)
    services.start_service(ticket_id=ticket.pk, desk=desk, user=signed_in_clerk)
    services.finish_ticket(ticket_id=ticket.pk, desk=desk, user=signed_in_clerk)
    for _ in range(20):
        issue(location, walk_in_service)
    assert count_queries(lambda: services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)) == 6


def test_the_call_next_request_costs_a_fixed_number_of_queries(
    client, location, walk_in_service, desk, signed_in_clerk
):
    # Session and user, the second-factor device, then the call itself (the role checked in
    # its first query).
    issue(location, walk_in_service)
    sign_in(client, signed_in_clerk)
    responses = []
    url = f"{BASE}/desks/{desk.pk}/call-next"
    assert count_queries(lambda: responses.append(client.post(url, content_type="application/json"))) == 9
    assert responses[0].json()["number"] == "A-001"


def test_a_clerk_who_lost_the_role_calls_nothing(client, location, walk_in_service, desk, signed_in_clerk):
    issue(location, walk_in_service)
    signed_in_clerk.groups.remove(Group.objects.get(name=roles.CLERK))
    with pytest.raises(PermissionDenied):
        services.call_next_ticket(
            desk_id=desk.pk, user=verified(signed_in_clerk), roles_needed=(roles.CLERK,)
        )
    sign_in(client, signed_in_clerk)
    assert (
        client.post(f"{BASE}/desks/{desk.pk}/call-next", content_type="application/json").status_code == 403
    )
    assert not Ticket.objects.filter(status=Ticket.Status.CALLED).exists()


def test_a_clerk_of_another_desk_is_told_to_sign_in_there(
    client, location, walk_in_service, desk, desk_b, signed_in_clerk
):
    issue(location, walk_in_service)
    sign_in(client, signed_in_clerk)
    refused = client.post(f"{BASE}/desks/{desk_b.pk}/call-next", content_type="application/json")
    assert refused.status_code == 409
    assert "nicht angemeldet" in refused.json()["detail"]
    assert not Ticket.objects.filter(status=Ticket.Status.CALLED).exists()


def test_call_next_calls_due_appointments_first_then_walk_ins_by_number(
    location,
    walk_in_service,
    other_walk_in_service,
    appointment_service,
    desk,
    signed_in_clerk,
):
    # An appointment that arrived early waits until the walk-ins ahead of it are called.
    walk_ins = [issue(location, walk_in_service), issue(location, other_walk_in_service)]
    early, due = (
        AppointmentFactory(
            counsellor=CounsellorFactory(location=location),
            service=walk_in_service,
            start=dt.datetime(2026, 12, 3, 9, minute, tzinfo=dt.UTC),
        )
        for minute in (10, 0)
    )
    early_ticket = services.check_in_appointment(code=early.code, location=location)
    due_ticket = services.check_in_appointment(code=due.code, location=location)
    order = []
    for _ in range(4):
        ticket = services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
        order.append(ticket.pk)
        services.start_service(ticket_id=ticket.pk, desk=desk, user=signed_in_clerk)
        services.finish_ticket(ticket_id=ticket.pk, desk=desk, user=signed_in_clerk)
    assert order == [due_ticket.pk, walk_ins[0].pk, walk_ins[1].pk, early_ticket.pk]
    assert services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk) is None


def test_appointments_due_at_the_same_time_are_called_by_number_not_by_arrival(
    location, walk_in_service, desk, signed_in_clerk
):
    start = dt.datetime(2026, 12, 3, 8, 50, tzinfo=dt.UTC)
    first, second = (
        services.check_in_appointment(
            code=AppointmentFactory(
                counsellor=CounsellorFactory(location=location), service=walk_in_service, start=start
            ).code,
            location=location,
        )
        for _ in range(2)
    )
    # The second arrived (issued) earlier than the first, as two kiosks at once may leave it.
    Ticket.objects.filter(pk=second.pk).update(issued_at=first.issued_at - dt.timedelta(seconds=1))
    walk_in = issue(location, walk_in_service)
    order = []
    for _ in range(3):
        ticket = services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
        order.append(ticket.pk)
        services.start_service(ticket_id=ticket.pk, desk=desk, user=signed_in_clerk)
        services.finish_ticket(ticket_id=ticket.pk, desk=desk, user=signed_in_clerk)
    assert order == [first.pk, second.pk, walk_in.pk]


def test_a_double_click_with_nobody_else_waiting_returns_the_called_ticket(
    location, walk_in_service, desk, signed_in_clerk
):
    issue(location, walk_in_service)
    first = services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
    assert services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk) == first
    assert TicketHistory.objects.filter(new_status=Ticket.Status.CALLED).count() == 1
