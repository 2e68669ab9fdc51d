"""Acting on a booking for the citizen: move and cancel with a reason, resend; stale pages."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from booking import services
from booking.models import Appointment
from booking.selectors import hash_token
from messaging.models import Message
from tests.helpers import assert_queries_do_not_grow
from tests.staff import sign_in

pytestmark = pytest.mark.django_db

SEEN = "2026-12-03T09:00:00+00:00"  # the booking's start as the page showed it


def _free_times(client, appointment, day="2026-12-03") -> list[str]:
    page = client.get(reverse("workspace:find-move", args=[appointment.pk]), {"day": day})
    assert page.status_code == 200
    return re.findall(r'name="start" value="([^"]+)"', page.text)


def test_a_clerk_moves_a_booking_for_the_citizen_who_is_told_by_email(
    client, clock, book, clerk, django_capture_on_commit_callbacks
):
    appointment = book(by_email=True)
    mail.outbox.clear()
    sign_in(client, clerk)
    free = _free_times(client, appointment)
    assert free and "2026-12-03T09:00Z" in free  # its own time is free to it
    url = reverse("workspace:find-move", args=[appointment.pk]) + "?day=2026-12-03"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"start": "2026-12-03T13:00Z", "reason": "am Telefon gewünscht", "seen": SEEN}
        )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == dt.datetime(2026, 12, 3, 13, 0, tzinfo=dt.UTC)
    row = appointment.history.get()
    assert row.by == clerk and row.note == "moved_on_behalf 03.12.2026 10:00 – am Telefon gewünscht"
    [email] = mail.outbox
    assert email.to == ["buerger@example.org"] and email.subject.startswith("Ihr Termin ist verschoben")
    page = client.get(reverse("workspace:find-detail", args=[appointment.pk])).text
    assert "im Auftrag verschoben von 03.12.2026 10:00 – am Telefon gewünscht" in page


def test_the_history_note_reads_in_the_staff_members_language(client, clock, book, clerk):
    appointment = book()
    appointment.history.create(new_status="booked", by=clerk, note="moved_on_behalf 03.12.2026 10:00 – x")
    sign_in(client, clerk)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("workspace:find-detail", args=[appointment.pk]), HTTP_ACCEPT_LANGUAGE="en").text
    assert "moved on behalf from 03.12.2026 10:00 – x" in page


def test_a_move_from_a_page_shown_before_the_citizen_moved_it_is_refused(client, clock, book, clerk):
    appointment = book(by_email=True)
    sign_in(client, clerk)
    free = _free_times(client, appointment)
    services.move_appointment(appointment=appointment, start=dt.datetime(2026, 12, 3, 14, 0, tzinfo=dt.UTC))
    url = reverse("workspace:find-move", args=[appointment.pk]) + "?day=2026-12-03"
    response = client.post(url, {"start": free[0], "reason": "am Telefon", "seen": SEEN}, follow=True)
    assert "Dieser Termin wurde inzwischen geändert." in response.text
    appointment.refresh_from_db()
    assert appointment.start == dt.datetime(2026, 12, 3, 14, 0, tzinfo=dt.UTC)
    assert appointment.history.filter(by=clerk).count() == 0


def test_a_move_without_a_reason_or_to_a_time_not_free_keeps_the_input_and_changes_nothing(
    client, clock, book, clerk
):
    appointment = book()
    sign_in(client, clerk)
    url = reverse("workspace:find-move", args=[appointment.pk]) + "?day=2026-12-03"
    response = client.post(url, {"start": "2026-12-03T13:00Z", "reason": "", "seen": SEEN})
    assert response.status_code == 400 and "Dieses Feld ist zwingend erforderlich." in response.text
    assert re.search(r'value="2026-12-03T13:00Z"\s+id="[^"]+" required checked', response.text)
    response = client.post(url, {"start": "2026-12-03T23:00Z", "reason": "weil", "seen": SEEN})
    assert response.status_code == 400 and "Diese Zeit ist nicht (mehr) frei." in response.text
    assert 'value="weil"' in response.text
    assert (
        client.get(reverse("workspace:find-move", args=[appointment.pk]), {"day": "2026-13-45"}).status_code
        == 400
    )
    assert client.post(url, {"start": "x", "reason": "y", "seen": "kaputt"}).status_code == 400
    appointment.refresh_from_db()
    assert appointment.start == dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)


def test_a_clerk_cancels_for_the_citizen_who_gets_the_receipt(
    client, clock, book, clerk, django_capture_on_commit_callbacks
):
    appointment = book(by_email=True)
    mail.outbox.clear()
    sign_in(client, clerk)
    url = reverse("workspace:find-cancel", args=[appointment.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Bürgerin ist umgezogen", "seen": SEEN})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED and not appointment.occupancy.exists()
    row = appointment.history.get()
    assert row.by == clerk and row.note == "cancelled_on_behalf Bürgerin ist umgezogen"
    [email] = mail.outbox
    assert email.subject.startswith("Bestätigung: Ihr Termin am 03.12.2026")
    page = client.get(reverse("workspace:find-detail", args=[appointment.pk])).text
    assert "im Auftrag abgesagt: Bürgerin ist umgezogen" in page and "Verschieben" not in page


def test_a_cancellation_from_a_stale_page_or_without_a_reason_is_refused(client, clock, book, clerk):
    appointment = book()
    sign_in(client, clerk)
    url = reverse("workspace:find-cancel", args=[appointment.pk])
    response = client.post(url, {"reason": "", "seen": SEEN})
    assert response.status_code == 400 and "Dieses Feld ist zwingend erforderlich." in response.text
    services.move_appointment(appointment=appointment, start=dt.datetime(2026, 12, 3, 14, 0, tzinfo=dt.UTC))
    response = client.post(url, {"reason": "am Telefon", "seen": SEEN}, follow=True)
    assert "Dieser Termin wurde inzwischen geändert." in response.text
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_resending_the_confirmation_mails_a_new_link_and_the_old_one_keeps_working(
    client, clock, book, clerk, django_capture_on_commit_callbacks
):
    appointment = book(by_email=True)
    old_hash = appointment.token_hash
    mail.outbox.clear()
    sign_in(client, clerk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("workspace:find-resend", args=[appointment.pk]), {"channel": "email"})
    [email] = mail.outbox
    token = re.search(r"/termin/verwalten/([^/\s]+)/", email.body).group(1)
    appointment.refresh_from_db()
    assert appointment.new_token_hash == hash_token(token) and appointment.token_hash == old_hash


def test_resending_the_letter_puts_it_into_the_next_print_batch(client, clock, book, clerk):
    appointment = book()
    letter = appointment.messages.get(channel=Message.Channel.LETTER)
    Message.objects.filter(pk=letter.pk).update(status=Message.Status.SENT)
    sign_in(client, clerk)
    client.post(reverse("workspace:find-resend", args=[appointment.pk]), {"channel": "letter"})
    letter.refresh_from_db()
    assert letter.status == Message.Status.PENDING and letter.batch is None
    assert letter.due_at == dt.datetime(2026, 11, 19, 23, 0, tzinfo=dt.UTC)  # today, Münster


def test_resending_by_an_unknown_way_or_for_a_cancelled_booking_says_why(client, clock, book, clerk):
    appointment = book(by_email=True)
    sign_in(client, clerk)
    url = reverse("workspace:find-resend", args=[appointment.pk])
    assert "Diese Auswahl ist ungültig." in client.post(url, {"channel": "fax"}, follow=True).text
    services.cancel_appointment(appointment=appointment)
    page = client.post(url, {"channel": "email"}, follow=True).text
    assert "Für diesen Termin kann keine Bestätigung mehr gesendet werden." in page


@pytest.mark.parametrize("name", ["workspace:find-move", "workspace:find-cancel"])
def test_the_move_and_cancel_pages_cost_the_same_queries_however_busy_the_day(
    client, clock, book, clerk, name
):
    appointment = book()
    sign_in(client, clerk)
    url = reverse(name, args=[appointment.pk])

    def grow():
        for n in range(8):
            book(start=dt.datetime(2026, 12, 3, 7 + n, 0, tzinfo=dt.UTC))

    assert_queries_do_not_grow(lambda: client.get(url, {"day": "2026-12-03"}), grow, limit=16)


def test_staff_move_a_booking_to_a_later_time_today_inside_the_lead_time(client, clock, book, clerk):
    appointment = book()
    sign_in(client, clerk)
    free = _free_times(client, appointment, day="2026-11-20")  # today, 10:00 now
    assert free and min(free) > "2026-11-20T09:00Z"
    url = reverse("workspace:find-move", args=[appointment.pk]) + "?day=2026-11-20"
    response = client.post(url, {"start": free[0], "reason": "Notfall, heute noch", "seen": SEEN})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start.date() == dt.date(2026, 11, 20)
