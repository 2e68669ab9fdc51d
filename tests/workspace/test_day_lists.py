"""Day lists of a location for the info desk and the team lead: who comes today and tomorrow,
arrival status, check-in after checking identity."""

import datetime as dt

import pytest

from booking.models import Appointment, PersonalDataAccess
from kundenzentrum.models import Ticket
from tests.factories import AppointmentFactory, CounsellorFactory, LocationFactory, ServiceFactory
from tests.helpers import assert_queries_do_not_grow
from tests.staff import sign_in

pytestmark = pytest.mark.django_db


def _list(location, which="heute") -> str:
    return f"/intern/tageslisten/{location.slug}/{which}/"


def test_anonymous_is_sent_to_the_login_and_clerks_and_counsellors_get_403(
    client, clerk, location, counsellor_user, my_counsellor
):
    assert client.get(_list(location))["Location"].startswith("/intern/anmelden/")
    for user in (clerk, counsellor_user):
        sign_in(client, user)
        assert client.get(_list(location)).status_code == 403
        assert client.post(f"/intern/tageslisten/{location.slug}/anmelden/1/").status_code == 403


def test_the_info_desk_sees_what_it_needs_to_route_and_no_more(
    client, located_info_desk, my_appointment, thursday
):
    sign_in(client, located_info_desk)
    page = client.get(_list(my_appointment.location)).content.decode()
    for shown in ("Hildegard Becker", my_appointment.code, "Dolmetschen: Türkisch", "stufenloser Zugang"):
        assert shown in page
    assert "Raum E.12" in page and "noch nicht angemeldet" in page
    assert "50.2-123/26" not in page and "Begleitperson" not in page and "per Brief" not in page
    assert PersonalDataAccess.objects.filter(user=located_info_desk, appointment=my_appointment).exists()


def test_the_team_lead_sees_every_detail_of_their_location_only(
    client, located_team_lead, my_appointment, appointment_service, thursday
):
    elsewhere = LocationFactory(slug="anderswo")
    sign_in(client, located_team_lead)
    page = client.get(_list(my_appointment.location)).content.decode()
    assert "50.2-123/26" in page and "mit Begleitperson" in page
    assert client.get(_list(elsewhere)).status_code == 404
    assert client.get(_list(my_appointment.location, "gestern")).status_code == 404


def test_tomorrow_lists_tomorrows_appointments_without_check_in(
    client, located_info_desk, my_counsellor, appointment_service, thursday
):
    tomorrow = AppointmentFactory(
        counsellor=my_counsellor,
        service=appointment_service,
        start=dt.datetime(2026, 12, 4, 8, tzinfo=dt.UTC),
    )
    sign_in(client, located_info_desk)
    page = client.get(_list(my_counsellor.location, "morgen")).content.decode()
    assert tomorrow.code in page and "Ausweis geprüft" not in page


def test_check_in_from_the_list_needs_the_identity_confirmed(
    client, located_info_desk, my_appointment, thursday
):
    sign_in(client, located_info_desk)
    url = f"/intern/tageslisten/{my_appointment.location.slug}/anmelden/{my_appointment.pk}/"
    response = client.post(url)
    assert response.status_code == 400
    assert "Ausweis geprüft haben" in response.content.decode()
    my_appointment.refresh_from_db()
    assert my_appointment.status == Appointment.Status.BOOKED and not Ticket.objects.exists()
    response = client.post(url, {"identity_checked": "on"})
    ticket = Ticket.objects.get()
    assert response["Location"] == f"/kundenzentrum/w/{ticket.public_id}/ticket/?zurueck=infotheke"
    assert ticket.counsellor == my_appointment.counsellor
    again = client.post(url, {"identity_checked": "on"})
    assert again.status_code == 409 and "schon angemeldet" in again.content.decode()
    page = client.get(_list(my_appointment.location)).content.decode()
    assert "angemeldet, wartet" in page


def test_a_location_day_list_costs_the_same_queries_for_400_appointments(
    client, located_team_lead, location, thursday
):
    sign_in(client, located_team_lead)
    appointment_service = ServiceFactory(duration_minutes=25)
    counsellors = [CounsellorFactory(location=location, services=[appointment_service]) for _ in range(20)]
    first = dt.datetime(2026, 12, 3, 7, 0, tzinfo=dt.UTC)

    def grow():
        for counsellor in counsellors:
            for slot in range(20):
                AppointmentFactory(
                    counsellor=counsellor,
                    service=appointment_service,
                    start=first + dt.timedelta(minutes=30 * slot),
                )

    AppointmentFactory(
        counsellor=counsellors[0],
        service=appointment_service,
        start=dt.datetime(2026, 12, 3, 17, tzinfo=dt.UTC),
    )
    assert assert_queries_do_not_grow(lambda: client.get(_list(location)), grow, limit=10)
    assert Appointment.objects.count() == 401
