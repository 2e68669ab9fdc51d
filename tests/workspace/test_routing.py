"""Check-in routes to the right person: the counsellor calls their own, the desks only what
they really handle; a transfer offers only services a staffed desk serves today."""

import datetime as dt

import pytest

from kundenzentrum import selectors, services
from kundenzentrum.forms import TransferForm
from kundenzentrum.models import Ticket
from kundenzentrum.services import QueueError
from tests.factories import AppointmentFactory, CounsellorFactory, DeskFactory, ServiceFactory
from tests.staff import sign_in

pytestmark = pytest.mark.django_db
S = Ticket.Status


@pytest.fixture
def desk(location, walk_in_service):
    desk = DeskFactory(location=location, name="Platz 1")
    desk.services.set([walk_in_service])
    return desk


@pytest.fixture
def signed_in_clerk(clerk, desk, thursday):
    services.sign_in_to_desk(desk=desk, user=clerk)
    return clerk


def test_a_grundsicherung_check_in_waits_for_its_counsellor_not_at_the_desks(
    client, my_appointment, my_counsellor, desk, signed_in_clerk, location
):
    ticket = services.check_in_appointment(code=my_appointment.code, location=location)
    assert ticket.counsellor == my_counsellor
    assert services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk) is None
    assert (
        selectors.desk_queue(desk, [my_appointment.service_id], ticket.day, ticket.issued_at)["waiting"] == 0
    )
    page = client.get(f"/kundenzentrum/w/{ticket.public_id}/").content.decode()
    assert f"Sie warten auf {my_counsellor.name}, Raum E.12." in page
    receipt = client.get(f"/kundenzentrum/w/{ticket.public_id}/ticket/").content.decode()
    assert "Raum E.12" in receipt
    body = client.get(f"/api/v1/kundenzentrum/tickets/{ticket.public_id}").json()
    assert (body["waits_for"], body["place"]) == (my_counsellor.name, "Raum E.12")


def test_a_service_the_desks_handle_goes_to_the_desks_when_its_counsellor_has_no_account(
    location, walk_in_service, desk, signed_in_clerk
):
    appointment = AppointmentFactory(
        counsellor=CounsellorFactory(location=location),
        service=walk_in_service,
        start=dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.UTC),
    )
    ticket = services.check_in_appointment(code=appointment.code, location=location)
    assert ticket.counsellor is None
    assert services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk) == ticket


def test_a_counsellor_with_an_account_calls_even_a_service_the_desks_handle(
    location, walk_in_service, desk, signed_in_clerk, my_counsellor
):
    appointment = AppointmentFactory(
        counsellor=my_counsellor,
        service=walk_in_service,
        start=dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.UTC),
    )
    ticket = services.check_in_appointment(code=appointment.code, location=location)
    assert ticket.counsellor == my_counsellor
    assert services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk) is None


def test_the_position_counts_the_counsellors_citizens_ahead(
    location, my_counsellor, appointment_service, thursday
):
    first, second = (
        AppointmentFactory(
            counsellor=my_counsellor,
            service=appointment_service,
            start=dt.datetime(2026, 12, 3, hour, 15, tzinfo=dt.UTC),
        )
        for hour in (9, 10)
    )
    services.check_in_appointment(code=first.code, location=location)
    thursday.move_to(dt.datetime(2026, 12, 3, 9, 50, tzinfo=dt.UTC))
    later = services.check_in_appointment(code=second.code, location=location)
    position = selectors.ticket_position(later)
    assert (position.ahead, position.wait_minutes) == (1, 25)


def test_a_transfer_offers_only_services_a_staffed_desk_serves_today(
    location, walk_in_service, desk, signed_in_clerk
):
    unstaffed = ServiceFactory(name="Wohngeld", slug="wohngeld", walk_in=True, ticket_letter="W")
    location.services.add(unstaffed)
    DeskFactory(location=location, name="Platz 9").services.set([unstaffed])
    form = TransferForm(desk=desk)
    assert list(form.fields["service"].queryset) == [walk_in_service]
    ticket = services.issue_ticket(location=location, service=walk_in_service)
    services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
    with pytest.raises(QueueError, match="kein besetzter Schalter"):
        services.transfer_ticket(
            ticket_id=ticket.pk, desk=desk, user=signed_in_clerk, seen=S.CALLED, to_service=unstaffed
        )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.service) == (S.CALLED, walk_in_service)


def test_the_transfer_form_says_so_when_no_staffed_desk_serves_a_service(
    location, walk_in_service, desk, thursday
):
    form = TransferForm(desk=desk)
    assert not form.fields["service"].queryset.exists()
    assert "kein Schalter besetzt" in str(form.fields["service"].help_text)


def test_the_desk_page_shows_the_transfer_choices_of_the_staffed_desks(
    client, location, walk_in_service, desk, signed_in_clerk
):
    services.issue_ticket(location=location, service=walk_in_service)
    services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
    sign_in(client, signed_in_clerk)
    page = client.get(f"/kundenzentrum/schalter/{desk.pk}/").content.decode()
    assert f'<option value="{walk_in_service.pk}">' in page
