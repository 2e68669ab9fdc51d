"""An appointment's status follows its ticket only through booking's allowed moves, with a
history row whose note is a code shown in the reader's language."""

import datetime as dt

import pytest
from django.utils import translation

from booking import visits
from booking.models import Appointment, AppointmentHistory
from kundenzentrum import services
from kundenzentrum.models import Ticket, TicketHistory
from tests.factories import AppointmentFactory, CounsellorFactory
from tests.staff import sign_in

pytestmark = pytest.mark.django_db
A = Appointment.Status


@pytest.fixture
def appointment(location, walk_in_service):
    return AppointmentFactory(
        counsellor=CounsellorFactory(location=location),
        service=walk_in_service,
        start=dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC),
    )


def test_a_checked_in_appointment_is_done_when_its_ticket_is_served(
    location, appointment, desk, signed_in_clerk
):
    ticket = services.check_in_appointment(code=appointment.code, location=location, by=signed_in_clerk)
    called = services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
    assert called.pk == ticket.pk
    services.start_service(ticket_id=ticket.pk, desk=desk, user=signed_in_clerk)
    services.finish_ticket(ticket_id=ticket.pk, desk=desk, user=signed_in_clerk)
    appointment.refresh_from_db()
    assert appointment.status == A.DONE
    moves = list(appointment.history.values_list("old_status", "new_status", "by", "note"))
    assert moves == [
        ("booked", "checked_in", signed_in_clerk.pk, "kundenzentrum"),
        ("checked_in", "done", signed_in_clerk.pk, "kundenzentrum"),
    ]
    with translation.override("en"):
        shown = appointment.history.first().get_note_display()
    assert shown == "at the customer centre"


def test_booking_refuses_a_move_its_transitions_do_not_allow(appointment):
    with pytest.raises(ValueError):
        visits.change_status(appointment_id=appointment.pk, seen=A.BOOKED, to=A.DONE)
    assert not visits.finish_visit(appointment_id=appointment.pk, to=A.DONE)  # not checked in
    appointment.refresh_from_db()
    assert appointment.status == A.BOOKED
    assert not AppointmentHistory.objects.exists()


def test_a_transfer_notes_its_target_as_a_code_with_ids(
    location, walk_in_service, other_walk_in_service, desk, desk_b, signed_in_clerk
):
    services.issue_ticket(location=location, service=other_walk_in_service)
    ticket = services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
    services.transfer_ticket(
        ticket_id=ticket.pk, desk=desk, user=signed_in_clerk, seen=Ticket.Status.CALLED, to_desk=desk_b
    )
    row = TicketHistory.objects.filter(ticket=ticket).last()
    assert row.note == f"transferred desk:{desk_b.pk}"
    assert row.get_note_display() == f"weitergeleitet desk:{desk_b.pk}"


def test_the_admin_shows_the_notes_of_both_histories_in_words(
    location, appointment, desk, signed_in_clerk, client, admin_user
):
    # Signed in after the clock is pinned: the session must not have expired by then.
    sign_in(client, admin_user)
    admin_client = client
    ticket = services.check_in_appointment(code=appointment.code, location=location, by=signed_in_clerk)
    services.close_day(location=location, now=dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC))
    page = admin_client.get(f"/admin/booking/appointment/{appointment.pk}/change/")
    assert page.status_code == 200 and "im Kundenzentrum" in page.content.decode()
    page = admin_client.get(f"/admin/kundenzentrum/ticket/{ticket.pk}/change/")
    assert page.status_code == 200 and "Tagesabschluss" in page.content.decode()
