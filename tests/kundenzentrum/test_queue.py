"""Issuing, calling and moving tickets through the services."""

import datetime as dt

import pytest
import time_machine

from booking.models import Appointment
from kundenzentrum import selectors, services
from kundenzentrum.models import Ticket, TicketHistory
from kundenzentrum.services import QueueError
from tests.factories import (
    AppointmentFactory,
    ClosureFactory,
    CounsellorFactory,
    DeskFactory,
    ServiceFactory,
    TicketFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
S = Ticket.Status


def issue(location, service, **kwargs):
    return services.issue_ticket(location=location, service=service, **kwargs)


def test_numbers_carry_the_letter_count_up_without_gaps_per_letter(
    location, walk_in_service, other_walk_in_service, thursday
):
    numbers = [
        issue(location, s).display_number for s in [walk_in_service, walk_in_service, other_walk_in_service]
    ]
    assert numbers == ["A-001", "A-002", "B-001"]


def test_numbers_restart_the_next_day(location, walk_in_service, thursday):
    issue(location, walk_in_service)
    thursday.move_to(dt.datetime(2026, 12, 4, 8, 0, tzinfo=dt.UTC))
    assert issue(location, walk_in_service).display_number == "A-001"


def test_it_refuses_to_issue_while_closed_and_names_the_next_opening(location, walk_in_service):
    sunday = dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC)
    with time_machine.travel(sunday, tick=False), pytest.raises(QueueError) as error:
        issue(location, walk_in_service)
    assert error.value.next_opening == dt.datetime(2026, 12, 7, 7, 0, tzinfo=dt.UTC)
    assert not Ticket.objects.exists()


def test_it_refuses_to_issue_on_a_closure_day(location, walk_in_service, thursday):
    ClosureFactory(location=location, start=dt.date(2026, 12, 3))
    with pytest.raises(QueueError):
        issue(location, walk_in_service)


def test_it_stops_issuing_once_the_waiting_cannot_be_served_before_closing(
    location, walk_in_service, thursday
):
    thursday.move_to(dt.datetime(2026, 12, 3, 16, 35, tzinfo=dt.UTC))  # 17:35, closes 18:00
    issue(location, walk_in_service)  # 10 minutes each, one desk assumed
    issue(location, walk_in_service)
    with pytest.raises(QueueError) as error:
        issue(location, walk_in_service)
    assert "keine Wartenummern" in error.value.message
    assert error.value.next_opening == dt.datetime(2026, 12, 4, 7, 0, tzinfo=dt.UTC)
    assert Ticket.objects.count() == 2


def test_more_staffed_desks_serve_more_before_closing(
    location, walk_in_service, desk, signed_in_clerk, thursday
):
    other = DeskFactory(location=location, name="Platz 9")
    other.services.set([walk_in_service])
    services.sign_in_to_desk(desk=other, user=UserFactory(username="clerk9"))
    thursday.move_to(dt.datetime(2026, 12, 3, 16, 35, tzinfo=dt.UTC))
    for _ in range(5):  # 25 minutes left, two desks: five of 10 minutes each
        issue(location, walk_in_service)
    with pytest.raises(QueueError):
        issue(location, walk_in_service)


def test_it_refuses_a_service_without_walk_in_or_not_offered_here(
    location, walk_in_service, appointment_service, thursday
):
    with pytest.raises(QueueError):
        issue(location, appointment_service)
    elsewhere = ServiceFactory(slug="anderswo", walk_in=True, ticket_letter="Z")
    with pytest.raises(QueueError):
        issue(location, elsewhere)
    assert not Ticket.objects.exists()


def test_call_next_takes_walk_ins_by_number_and_only_the_desks_services(
    location, walk_in_service, other_walk_in_service, desk_b, second_clerk, thursday
):
    issue(location, walk_in_service)
    b1 = issue(location, other_walk_in_service)
    b2 = issue(location, other_walk_in_service)
    first = services.call_next_ticket(desk_id=desk_b.pk, user=second_clerk)
    assert first == b1
    services.start_service(ticket_id=b1.pk, desk=desk_b, user=second_clerk)
    services.finish_ticket(ticket_id=b1.pk, desk=desk_b, user=second_clerk)
    assert services.call_next_ticket(desk_id=desk_b.pk, user=second_clerk) == b2
    services.start_service(ticket_id=b2.pk, desk=desk_b, user=second_clerk)
    services.finish_ticket(ticket_id=b2.pk, desk=desk_b, user=second_clerk)
    assert services.call_next_ticket(desk_id=desk_b.pk, user=second_clerk) is None  # A-001 is not for Platz 2


def test_a_double_click_on_call_next_returns_the_same_ticket(
    location, walk_in_service, desk, signed_in_clerk
):
    issue(location, walk_in_service)
    issue(location, walk_in_service)
    first = services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
    again = services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
    assert first == again
    assert Ticket.objects.filter(status=S.CALLED).count() == 1


def test_call_next_with_an_empty_queue_returns_nothing(desk, signed_in_clerk):
    assert services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk) is None


def test_call_next_needs_a_signed_in_desk(location, walk_in_service, desk, clerk, thursday):
    issue(location, walk_in_service)
    with pytest.raises(QueueError):
        services.call_next_ticket(desk_id=desk.pk, user=clerk)
    assert Ticket.objects.get().status == S.WAITING


def test_a_due_appointment_is_called_before_walk_ins(location, walk_in_service, desk, signed_in_clerk):
    walk_in = issue(location, walk_in_service)
    appointment = AppointmentFactory(
        counsellor=CounsellorFactory(location=location),
        service=walk_in_service,
        start=dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC),
    )
    checked_in = services.check_in_appointment(code=appointment.code, location=location)
    assert services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk) == checked_in
    assert walk_in.pk != checked_in.pk


def test_every_status_change_writes_a_history_row(location, walk_in_service, desk, signed_in_clerk):
    ticket = issue(location, walk_in_service)
    services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
    services.recall_ticket(ticket_id=ticket.pk, desk=desk, user=signed_in_clerk)
    services.start_service(ticket_id=ticket.pk, desk=desk, user=signed_in_clerk)
    services.finish_ticket(ticket_id=ticket.pk, desk=desk, user=signed_in_clerk)
    rows = list(
        TicketHistory.objects.filter(ticket=ticket).values_list("old_status", "new_status", "by__username")
    )
    assert rows == [
        ("", "waiting", None),
        ("waiting", "called", "clerk"),
        ("called", "called", "clerk"),
        ("called", "in_service", "clerk"),
        ("in_service", "served", "clerk"),
    ]
    ticket.refresh_from_db()
    assert ticket.call_count == 2


def test_no_show_needs_the_configured_number_of_calls(
    location, walk_in_service, desk, signed_in_clerk, settings
):
    settings.KUNDENZENTRUM_NO_SHOW_AFTER_CALLS = 2
    ticket = issue(location, walk_in_service)
    services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
    with pytest.raises(QueueError):
        services.mark_no_show(ticket_id=ticket.pk, desk=desk, user=signed_in_clerk)
    services.recall_ticket(ticket_id=ticket.pk, desk=desk, user=signed_in_clerk)
    assert services.mark_no_show(ticket_id=ticket.pk, desk=desk, user=signed_in_clerk).status == S.NO_SHOW


def test_a_stale_page_acting_on_a_moved_ticket_changes_nothing(
    location, walk_in_service, desk, signed_in_clerk
):
    ticket = issue(location, walk_in_service)
    services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
    services.start_service(ticket_id=ticket.pk, desk=desk, user=signed_in_clerk)
    with pytest.raises(QueueError) as error:
        services.start_service(ticket_id=ticket.pk, desk=desk, user=signed_in_clerk)
    assert "nichts geändert" in error.value.message
    with pytest.raises(QueueError):
        services.park_ticket(ticket_id=ticket.pk, desk=desk, user=signed_in_clerk, seen=S.CALLED)
    assert Ticket.objects.get().status == S.IN_SERVICE
    assert TicketHistory.objects.filter(ticket=ticket).count() == 3


def test_a_clerk_cannot_act_on_another_desks_ticket(
    location, other_walk_in_service, desk, signed_in_clerk, desk_b, second_clerk
):
    ticket = issue(location, other_walk_in_service)
    services.call_next_ticket(desk_id=desk_b.pk, user=second_clerk)
    with pytest.raises(QueueError):
        services.start_service(ticket_id=ticket.pk, desk=desk, user=signed_in_clerk)
    assert Ticket.objects.get().status == S.CALLED


def test_a_transferred_ticket_goes_back_in_the_queue_at_its_original_place(
    location, walk_in_service, other_walk_in_service, desk, signed_in_clerk, desk_b, second_clerk
):
    a1 = issue(location, walk_in_service)
    b1 = issue(location, other_walk_in_service)
    services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
    services.transfer_ticket(
        ticket_id=a1.pk, desk=desk, user=signed_in_clerk, seen=S.CALLED, to_service=other_walk_in_service
    )
    a1.refresh_from_db()
    assert (a1.status, a1.service, a1.display_number) == (S.WAITING, other_walk_in_service, "A-001")
    assert services.call_next_ticket(desk_id=desk_b.pk, user=second_clerk) == a1  # ahead of B-001
    assert b1.status == S.WAITING


def test_a_ticket_transferred_to_a_desk_is_called_only_there(
    location, other_walk_in_service, desk, signed_in_clerk, desk_b, second_clerk
):
    b1 = issue(location, other_walk_in_service)
    services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
    services.transfer_ticket(ticket_id=b1.pk, desk=desk, user=signed_in_clerk, seen=S.CALLED, to_desk=desk_b)
    assert services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk) is None
    assert services.call_next_ticket(desk_id=desk_b.pk, user=second_clerk) == b1


def test_a_parked_ticket_frees_the_clerk_and_resumes_later(location, walk_in_service, desk, signed_in_clerk):
    first = issue(location, walk_in_service)
    second = issue(location, walk_in_service)
    services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
    services.start_service(ticket_id=first.pk, desk=desk, user=signed_in_clerk)
    services.park_ticket(ticket_id=first.pk, desk=desk, user=signed_in_clerk, seen=S.IN_SERVICE)
    assert services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk) == second
    with pytest.raises(QueueError):  # still holding the second one
        services.resume_ticket(ticket_id=first.pk, desk=desk, user=signed_in_clerk)
    services.start_service(ticket_id=second.pk, desk=desk, user=signed_in_clerk)
    services.finish_ticket(ticket_id=second.pk, desk=desk, user=signed_in_clerk)
    assert services.resume_ticket(ticket_id=first.pk, desk=desk, user=signed_in_clerk).status == S.IN_SERVICE


def test_position_and_wait_follow_the_queue(location, walk_in_service, desk, signed_in_clerk):
    tickets = [issue(location, walk_in_service) for _ in range(3)]
    position = selectors.ticket_position(tickets[2])
    assert (position.ahead, position.wait_minutes) == (2, 20)  # 10 minutes each, one desk
    services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
    assert selectors.ticket_position(tickets[2]).ahead == 1


def test_the_display_feed_shows_calls_and_no_personal_data(
    location, walk_in_service, desk, signed_in_clerk, django_capture_on_commit_callbacks
):
    issue(location, walk_in_service)
    before = selectors.display_feed(location.slug)
    with django_capture_on_commit_callbacks(execute=True):
        services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
    after = selectors.display_feed(location.slug)
    assert before["calls"] == []
    assert after["version"] != before["version"]
    assert [(c["number"], c["desk"]) for c in after["calls"]] == [("A-001", "Platz 1")]


def test_a_ticket_called_again_after_a_transfer_is_a_new_call_on_the_display(
    location, walk_in_service, other_walk_in_service, desk, signed_in_clerk, desk_b, second_clerk
):
    a1 = issue(location, walk_in_service)
    first_call = services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk).called_at
    before = selectors.build_display_feed(location.slug, a1.day)["calls"]  # the screens saw this one
    services.transfer_ticket(
        ticket_id=a1.pk, desk=desk, user=signed_in_clerk, seen=S.CALLED, to_service=other_walk_in_service
    )
    later = first_call + dt.timedelta(minutes=3)
    services.call_next_ticket(desk_id=desk_b.pk, user=second_clerk, now=later)
    after = selectors.build_display_feed(location.slug, a1.day)["calls"]
    # The screens flash and announce a call whose key they have not seen yet.
    assert after[0]["number"] == "A-001" and after[0]["key"] not in {c["key"] for c in before}


# ------------------------------------------------------------------ check-in


@pytest.fixture
def appointment(location, appointment_service):
    return AppointmentFactory(
        counsellor=CounsellorFactory(location=location),
        service=appointment_service,
        start=dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.UTC),  # 10:30
    )


def test_check_in_queues_the_appointment_and_writes_history(location, appointment, thursday):
    ticket = services.check_in_appointment(code=appointment.code.lower(), location=location)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CHECKED_IN
    assert list(appointment.history.values_list("old_status", "new_status")) == [("booked", "checked_in")]
    assert (ticket.display_number, ticket.status, ticket.due_at) == ("T-001", S.WAITING, appointment.start)


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        (dt.datetime(2026, 12, 3, 8, 59, tzinfo=dt.UTC), "zu früh"),
        (dt.datetime(2026, 12, 3, 9, 46, tzinfo=dt.UTC), "nicht mehr möglich"),
    ],
)
def test_check_in_outside_the_window_says_why(location, appointment, moment, message):
    with time_machine.travel(moment, tick=False), pytest.raises(QueueError) as error:
        services.check_in_appointment(code=appointment.code, location=location)
    assert message in error.value.message
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    assert not Ticket.objects.exists()


def test_check_in_twice_or_with_an_unknown_code_changes_nothing(location, appointment, thursday):
    services.check_in_appointment(code=appointment.code, location=location)
    with pytest.raises(QueueError):
        services.check_in_appointment(code=appointment.code, location=location)
    with pytest.raises(QueueError):
        services.check_in_appointment(code="NOPE", location=location)
    assert Ticket.objects.count() == 1


# ------------------------------------------------------------------ day close


def test_the_day_close_ends_waiting_tickets_and_marks_missed_appointments(
    location, walk_in_service, appointment, thursday
):
    waiting = issue(location, walk_in_service)
    assert services.close_day(location=location) == (0, 0)  # still open
    thursday.move_to(dt.datetime(2026, 12, 3, 17, 5, tzinfo=dt.UTC))  # 18:05
    assert services.close_day(location=location) == (1, 1)
    assert services.close_day(location=location) == (0, 0)  # idempotent
    waiting.refresh_from_db()
    appointment.refresh_from_db()
    assert waiting.status == S.NOT_SERVED
    assert appointment.status == Appointment.Status.NO_SHOW
    missed = appointment.history.get()
    assert (missed.old_status, missed.new_status, missed.note) == ("booked", "no_show", "day_closed")
    assert missed.get_note_display() == "Tagesabschluss: nicht angemeldet"
    closed = waiting.history.last()
    assert (closed.new_status, closed.note, closed.get_note_display()) == (
        S.NOT_SERVED,
        "day_closed",
        "Tagesabschluss",
    )


def test_the_day_close_leaves_a_ticket_being_served_with_its_clerk_until_the_day_is_over(
    location, walk_in_service, desk, signed_in_clerk, thursday
):
    served = issue(location, walk_in_service)
    services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
    services.start_service(ticket_id=served.pk, desk=desk, user=signed_in_clerk)
    thursday.move_to(dt.datetime(2026, 12, 3, 17, 5, tzinfo=dt.UTC))  # 18:05, closed
    assert services.close_day(location=location) == (0, 0)
    services.finish_ticket(ticket_id=served.pk, desk=desk, user=signed_in_clerk)  # the clerk finishes
    assert Ticket.objects.get().status == S.SERVED
    parked = TicketFactory(
        location=location, service=walk_in_service, day=dt.date(2026, 12, 2), status=S.PARKED
    )
    assert services.close_day(location=location) == (1, 0)  # yesterday's parked ticket ends
    parked.refresh_from_db()
    assert parked.status == S.NOT_SERVED


def test_the_beat_task_closes_every_location(location, walk_in_service, thursday):
    from kundenzentrum.tasks import close_days

    issue(location, walk_in_service)
    thursday.move_to(dt.datetime(2026, 12, 4, 6, 0, tzinfo=dt.UTC))  # next morning, before opening
    assert close_days.delay().get() == 1
    assert close_days.delay().get() == 0


def test_the_estimated_wait_uses_the_recent_handling_time(
    location, walk_in_service, desk, signed_in_clerk, thursday
):
    done = issue(location, walk_in_service)
    services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
    services.start_service(ticket_id=done.pk, desk=desk, user=signed_in_clerk)
    thursday.shift(dt.timedelta(minutes=4))
    services.finish_ticket(ticket_id=done.pk, desk=desk, user=signed_in_clerk)
    tickets = [issue(location, walk_in_service) for _ in range(3)]
    assert selectors.ticket_position(tickets[2]).wait_minutes == 8  # two ahead × 4 minutes, not × 10


@pytest.mark.parametrize(
    "typed", ["K7M-4QX9", "k7m4qx9", " k7m 4qx9 ", "https://x.example/termine/verwalten/{token}/"]
)
def test_check_in_accepts_the_code_as_people_type_it_or_the_management_link(
    location, appointment, thursday, typed
):
    from booking.selectors import hash_token

    token = "a-management-token-of-forty-characters-x"
    Appointment.objects.filter(pk=appointment.pk).update(code="K7M-4QX9", token_hash=hash_token(token))
    ticket = services.check_in_appointment(code=typed.format(token=token), location=location)
    assert ticket.appointment_id == appointment.pk


def test_check_in_accepts_a_new_link_from_the_lost_link_page_before_its_first_use(
    location, appointment, thursday
):
    from booking.selectors import hash_token

    new = "a-new-management-token-of-forty-chars-xy"
    Appointment.objects.filter(pk=appointment.pk).update(new_token_hash=hash_token(new))
    ticket = services.check_in_appointment(
        code=f"https://x.example/termine/verwalten/{new}/", location=location
    )
    assert ticket.appointment_id == appointment.pk
