"""Mein Tag: a counsellor's own appointments and arrivals, calling to the room, the history."""

import datetime as dt

import pytest

from booking.models import Appointment, AppointmentHistory, PersonalDataAccess
from kundenzentrum import selectors, services
from kundenzentrum.models import Ticket, TicketHistory
from tests.factories import AppointmentFactory, CounsellorFactory, TicketFactory, UserFactory
from tests.helpers import assert_queries_do_not_grow
from tests.staff import sign_in

pytestmark = pytest.mark.django_db
MY_DAY = "/intern/mein-tag/"
S = Ticket.Status


def _act(client, appointment, action, seen):
    return client.post(f"{MY_DAY}termin/{appointment.pk}/{action}/", {"seen": seen})


def _checked_in(appointment):
    return services.check_in_appointment(code=appointment.code, location=appointment.location)


def test_anonymous_is_sent_to_the_login_and_other_roles_get_403(
    client, clerk, info_desk, team_lead, location
):
    assert client.get(MY_DAY)["Location"].startswith("/intern/anmelden/")
    for user in (clerk, info_desk, team_lead, UserFactory(username="nobody")):
        sign_in(client, user)
        assert client.get(MY_DAY).status_code == 403, user
        assert client.get(f"{MY_DAY}kalender/").status_code == 403


def test_an_inactive_counsellor_account_can_do_nothing(client, my_counsellor, counsellor_user):
    sign_in(client, counsellor_user)
    counsellor_user.is_active = False
    counsellor_user.save()
    assert client.get(MY_DAY)["Location"].startswith("/intern/anmelden/")


def test_a_counsellor_sees_only_their_own_appointments_with_the_support_needs(
    client, my_appointment, counsellor_user, appointment_service, location, thursday
):
    other = AppointmentFactory(
        counsellor=CounsellorFactory(location=location), service=appointment_service, name="Fremde Person"
    )
    sign_in(client, counsellor_user)
    page = client.get(MY_DAY).content.decode()
    for shown in (
        "Hildegard Becker",
        my_appointment.code,
        "Türkisch",
        "stufenloser Zugang",
        "mit Begleitperson",
    ):
        assert shown in page
    assert "50.2-123/26" in page and "per Brief" in page and "Raum E.12" in page
    assert "noch nicht angemeldet" in page
    assert "Fremde Person" not in page and other.code not in page
    assert PersonalDataAccess.objects.filter(user=counsellor_user, appointment=my_appointment).count() == 1
    assert client.post(f"{MY_DAY}termin/{other.pk}/aufrufen/", {"seen": "waiting"}).status_code == 404


def test_an_arrival_shows_in_the_polled_rows_without_logging_twice(
    client, my_appointment, counsellor_user, thursday
):
    sign_in(client, counsellor_user)
    client.get(MY_DAY)
    _checked_in(my_appointment)
    rows = client.get(MY_DAY, headers={"HX-Request": "true"}).content.decode()
    assert "angemeldet, wartet" in rows and "<html" not in rows
    assert "In den Raum aufrufen" in rows
    assert PersonalDataAccess.objects.filter(appointment=my_appointment).count() == 1


def test_call_start_done_each_write_a_history_row_and_the_display_shows_the_room(
    client, my_appointment, counsellor_user, location, thursday, django_capture_on_commit_callbacks
):
    ticket = _checked_in(my_appointment)
    sign_in(client, counsellor_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = _act(client, my_appointment, "aufrufen", "waiting")
    assert response.status_code == 302
    feed = selectors.display_feed(location.slug)
    assert [(c["number"], c["desk"]) for c in feed["calls"]] == [(ticket.display_number, "Raum E.12")]
    page = client.get(response["Location"]).content.decode()
    assert "Raum E.12" in page and "aufgerufen" in page
    _act(client, my_appointment, "beginnen", "called")
    _act(client, my_appointment, "erledigt", "in_service")
    ticket.refresh_from_db()
    my_appointment.refresh_from_db()
    assert (ticket.status, my_appointment.status) == (S.SERVED, Appointment.Status.DONE)
    moves = list(TicketHistory.objects.filter(ticket=ticket).values_list("old_status", "new_status", "by"))
    assert moves == [
        ("", S.WAITING, None),
        (S.WAITING, S.CALLED, counsellor_user.pk),
        (S.CALLED, S.IN_SERVICE, counsellor_user.pk),
        (S.IN_SERVICE, S.SERVED, counsellor_user.pk),
    ]
    last = AppointmentHistory.objects.filter(appointment=my_appointment).last()
    assert (last.old_status, last.new_status, last.by, last.get_note_display()) == (
        "checked_in",
        "done",
        counsellor_user,
        "in der Beratung",
    )


def test_no_show_after_enough_calls_moves_the_appointment(client, my_appointment, counsellor_user, thursday):
    ticket = _checked_in(my_appointment)
    sign_in(client, counsellor_user)
    _act(client, my_appointment, "aufrufen", "waiting")
    response = _act(client, my_appointment, "nicht-erschienen", "called")
    assert "erst 2-mal auf" in client.get(response["Location"]).content.decode()
    _act(client, my_appointment, "erneut-aufrufen", "called")
    _act(client, my_appointment, "nicht-erschienen", "called")
    ticket.refresh_from_db()
    my_appointment.refresh_from_db()
    assert (ticket.status, my_appointment.status) == (S.NO_SHOW, Appointment.Status.NO_SHOW)


def test_a_stale_page_gets_a_message_and_changes_nothing(client, my_appointment, counsellor_user, thursday):
    ticket = _checked_in(my_appointment)
    sign_in(client, counsellor_user)
    _act(client, my_appointment, "aufrufen", "waiting")
    response = _act(client, my_appointment, "aufrufen", "waiting")  # a second tab, still showing "waiting"
    page = client.get(response["Location"]).content.decode()
    assert "hat sich inzwischen geändert" in page
    assert TicketHistory.objects.filter(ticket=ticket, new_status=S.CALLED).count() == 1
    for action, seen in (("erledigt", "called"), ("beginnen", "nonsense"), ("nicht-gekommen", "booked")):
        assert _act(client, my_appointment, action, seen).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == S.CALLED
    assert _act(client, my_appointment, "unbekannt", "called").status_code == 404


def test_a_booked_appointment_not_come_is_a_no_show_only_once_it_began(
    client, my_appointment, counsellor_user, thursday
):
    sign_in(client, counsellor_user)
    response = _act(client, my_appointment, "nicht-gekommen", "booked")
    assert "noch nicht begonnen" in client.get(response["Location"]).content.decode()
    thursday.move_to(my_appointment.start + dt.timedelta(minutes=20))
    _act(client, my_appointment, "nicht-gekommen", "booked")
    my_appointment.refresh_from_db()
    assert my_appointment.status == Appointment.Status.NO_SHOW
    assert AppointmentHistory.objects.filter(appointment=my_appointment, by=counsellor_user).exists()


def test_a_citizen_who_checked_in_and_left_before_the_call_is_a_no_show_once_it_began(
    client, my_appointment, counsellor_user, thursday
):
    ticket = _checked_in(my_appointment)
    sign_in(client, counsellor_user)
    assert "Gegangen, nicht erschienen" not in client.get(MY_DAY).content.decode()  # 10:00, due 10:30
    response = _act(client, my_appointment, "gegangen", "waiting")
    assert "noch nicht begonnen" in client.get(response["Location"]).content.decode()
    thursday.move_to(my_appointment.start + dt.timedelta(minutes=20))
    assert "Gegangen, nicht erschienen" in client.get(MY_DAY).content.decode()
    _act(client, my_appointment, "gegangen", "waiting")
    ticket.refresh_from_db()
    my_appointment.refresh_from_db()
    assert (ticket.status, my_appointment.status) == (S.NO_SHOW, Appointment.Status.NO_SHOW)
    last = TicketHistory.objects.filter(ticket=ticket).last()
    assert (last.old_status, last.new_status, last.by) == (S.WAITING, S.NO_SHOW, counsellor_user)
    assert AppointmentHistory.objects.filter(appointment=my_appointment, new_status="no_show").exists()


def test_a_called_citizen_still_needs_the_calls_before_a_no_show(
    client, my_appointment, counsellor_user, thursday
):
    ticket = _checked_in(my_appointment)
    thursday.move_to(my_appointment.start + dt.timedelta(minutes=20))
    sign_in(client, counsellor_user)
    _act(client, my_appointment, "aufrufen", "waiting")
    response = _act(client, my_appointment, "gegangen", "waiting")  # a stale page, "waiting"
    assert "hat sich inzwischen geändert" in client.get(response["Location"]).content.decode()
    ticket.refresh_from_db()
    assert ticket.status == S.CALLED


def test_the_printable_day_list_has_today_and_logs_the_reading(
    client, my_appointment, counsellor_user, thursday
):
    sign_in(client, counsellor_user)
    page = client.get(f"{MY_DAY}drucken/").content.decode()
    assert "Hildegard Becker" in page and "workspace.css" in page
    assert PersonalDataAccess.objects.filter(appointment=my_appointment, what="Mein Tag: Druck").exists()


def test_my_day_queries_do_not_grow_with_40_appointments(
    client, my_counsellor, counsellor_user, appointment_service, location, thursday
):
    sign_in(client, counsellor_user)
    start = dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.UTC)  # Monday 8:00

    def grow():
        for n in range(40):
            day, slot = divmod(n, 8)
            appointment = AppointmentFactory(
                counsellor=my_counsellor,
                service=appointment_service,
                start=start + dt.timedelta(days=day, minutes=50 * slot),
                status=Appointment.Status.CHECKED_IN if n % 3 == 0 else Appointment.Status.BOOKED,
            )
            if n % 3 == 0:
                TicketFactory(
                    location=location,
                    service=appointment_service,
                    letter="T",
                    appointment=appointment,
                    counsellor=my_counsellor,
                    due_at=appointment.start,
                )

    AppointmentFactory(
        counsellor=my_counsellor,
        service=appointment_service,
        start=dt.datetime(2026, 12, 3, 16, tzinfo=dt.UTC),
    )
    assert assert_queries_do_not_grow(lambda: client.get(MY_DAY), grow, limit=10)
    assert Appointment.objects.filter(counsellor=my_counsellor).count() == 41
