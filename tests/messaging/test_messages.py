"""Message rows, the sweep, the claim and sending e-mails (tasks run in-process here)."""

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings

from messaging import notify, services
from messaging.content import message_language
from messaging.models import CallListEntry, Message
from messaging.tasks import send_message, sweep_messages
from tests.factories import AppointmentFactory
from tests.helpers import assert_queries_do_not_grow

from .conftest import NOW

pytestmark = pytest.mark.django_db

Kind, Channel, Status = Message.Kind, Message.Channel, Message.Status


def rows(appointment):
    return {(m.kind, m.channel): m for m in appointment.messages.all()}


def test_a_booking_by_email_gets_a_confirmation_now_and_a_reminder_two_days_before(clock, book):
    appointment = book(by_email=True)
    planned = rows(appointment)
    assert set(planned) == {(Kind.CONFIRMATION, Channel.EMAIL), (Kind.REMINDER, Channel.EMAIL)}
    assert planned[(Kind.CONFIRMATION, Channel.EMAIL)].due_at == NOW
    # Thursday 3 December 10:00 local → Tuesday 1 December 10:00 local (09:00 UTC).
    assert planned[(Kind.REMINDER, Channel.EMAIL)].due_at == dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def test_a_letter_is_due_three_working_days_before_skipping_weekend_and_holidays(clock, book):
    # Monday 28 December: back over the weekend and Christmas (25, 26) to Tuesday 22 December.
    appointment = book(start=dt.datetime(2026, 12, 28, 9, 0, tzinfo=dt.UTC))
    letter = rows(appointment)[(Kind.REMINDER, Channel.LETTER)]
    assert letter.due_at == dt.datetime(2026, 12, 21, 23, 0, tzinfo=dt.UTC)  # 22.12. 00:00 local


def test_the_postal_time_is_set_per_location(clock, book, location):
    location.letter_working_days = 5
    location.email_reminder_days = 1
    location.save()
    appointment = book(by_both=True)
    planned = rows(appointment)
    assert planned[(Kind.REMINDER, Channel.LETTER)].due_at == dt.datetime(2026, 11, 25, 23, 0, tzinfo=dt.UTC)
    assert planned[(Kind.REMINDER, Channel.EMAIL)].due_at == dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


def test_a_booking_too_late_for_a_letter_goes_on_the_call_list(time_machine, book):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)
    appointment = book()
    assert not appointment.messages.exists()
    assert CallListEntry.objects.get(appointment=appointment).reason == CallListEntry.Reason.TOO_LATE


def test_an_appointment_without_any_channel_produces_no_message_and_no_error(clock, book):
    appointment = book(no_channel=True, phone="0251 123")
    notify.appointment_moved(appointment)
    notify.appointment_cancelled(appointment)
    assert not Message.objects.exists()
    assert not CallListEntry.objects.exists()
    assert sweep_messages() == 0
    assert mail.outbox == []


def test_the_confirmation_email_has_text_html_and_the_ics_and_is_sent_after_commit(
    clock, book, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(by_email=True)
        assert mail.outbox == []
    [email] = mail.outbox
    assert email.to == ["buerger@example.org"]
    assert "03.12.2026" in email.subject.replace("3.12.2026", "03.12.2026")
    assert appointment.code in email.body and "10:00" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html" and appointment.code in html
    [(filename, ics, ics_type)] = email.attachments
    assert filename.endswith(".ics") and ics_type == "text/calendar" and "BEGIN:VEVENT" in ics
    confirmation = rows(appointment)[(Kind.CONFIRMATION, Channel.EMAIL)]
    assert confirmation.status == Status.SENT and confirmation.sent_at == NOW


def test_the_management_link_reaches_the_email_and_is_then_wiped(clock, counsellor, appointment_service):
    appointment = AppointmentFactory(counsellor=counsellor, service=appointment_service, by_email=True)
    notify.appointment_booked(appointment, manage_url="https://amt.example/b/geheim")
    sweep_messages()
    assert "https://amt.example/b/geheim" in mail.outbox[0].body
    assert not Message.objects.filter(link__contains="geheim").exists()


def test_the_sweep_run_twice_sends_each_message_once(clock, book, time_machine):
    appointments = [book(by_email=True) for _ in range(3)]
    assert sweep_messages() == 3
    assert sweep_messages() == 0
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 1, tzinfo=dt.UTC), tick=False)
    assert sweep_messages() == 3
    assert sweep_messages() == 0
    assert len(mail.outbox) == 6
    subjects = sorted(m.subject.split()[0] for m in mail.outbox)
    assert subjects == ["Erinnerung:"] * 3 + ["Ihr"] * 3
    assert all(m.status == Status.SENT for a in appointments for m in a.messages.all())


def test_a_message_queued_twice_is_sent_once(clock, book):
    book(by_email=True)
    [message_id] = services.sweep_due_messages()
    assert send_message(message_id) == "sent"
    assert send_message(message_id) == "not-due-or-taken"
    assert len(mail.outbox) == 1


def test_a_message_is_not_sent_before_it_is_due(clock, book):
    appointment = book(by_email=True)
    reminder = rows(appointment)[(Kind.REMINDER, Channel.EMAIL)]
    assert send_message(reminder.pk) == "not-due-or-taken"
    assert mail.outbox == []


@override_settings(EMAIL_BACKEND="tests.messaging.backends.FlakyBackend")
def test_an_smtp_failure_retries_with_growing_capped_delays_while_other_messages_go_on(
    clock, book, time_machine
):
    failing = book(by_email=True, email="fail@example.org")
    book(by_email=True)
    assert sweep_messages() == 2
    assert [m.to for m in mail.outbox] == [["buerger@example.org"]]
    message = rows(failing)[(Kind.CONFIRMATION, Channel.EMAIL)]
    attempted_at, delays = NOW, []
    message.refresh_from_db()
    while message.status == Status.PENDING:
        assert "SMTPRecipientsRefused" in message.last_error
        delays.append((message.due_at - attempted_at).total_seconds())
        attempted_at = message.due_at
        time_machine.move_to(message.due_at, tick=False)
        sweep_messages()
        message.refresh_from_db()
    assert delays == [60, 120, 240, 480, 960, 1920, 3600]
    assert message.status == Status.FAILED and message.attempts == 8
    assert CallListEntry.objects.get(appointment=failing).reason == CallListEntry.Reason.EMAIL_FAILED
    assert len(mail.outbox) == 1


def test_a_stale_claim_becomes_due_again_after_the_timeout(clock, book, time_machine):
    appointment = book(by_email=True)
    confirmation = rows(appointment)[(Kind.CONFIRMATION, Channel.EMAIL)]
    # A worker claimed it and died before sending.
    assert services.claim_message(message_id=confirmation.pk, now=NOW)
    assert services.sweep_due_messages() == []
    time_machine.move_to(NOW + dt.timedelta(seconds=299), tick=False)
    assert services.sweep_due_messages() == []
    time_machine.move_to(NOW + dt.timedelta(seconds=301), tick=False)
    assert sweep_messages() == 1
    assert len(mail.outbox) == 1
    confirmation.refresh_from_db()
    assert confirmation.status == Status.SENT and confirmation.attempts == 2


def test_a_reminder_for_a_cancelled_booking_is_not_sent(clock, book, time_machine):
    appointment = book(by_both=True)
    sweep_messages()
    appointment.status = appointment.Status.CANCELLED
    appointment.save()
    notify.appointment_cancelled(appointment)
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 1, tzinfo=dt.UTC), tick=False)
    assert sweep_messages() == 1  # the receipt of the cancellation, and no reminder
    reminders = appointment.messages.filter(kind=Kind.REMINDER)
    assert {m.status for m in reminders} == {Status.CANCELLED}
    assert len(mail.outbox) == 2 and "abgesagt" in mail.outbox[1].subject


def test_moving_a_booking_confirms_the_new_time_and_replans_the_reminders(clock, book):
    appointment = book(by_both=True)
    sweep_messages()
    appointment.start = dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC)
    appointment.end = appointment.start + dt.timedelta(minutes=45)
    appointment.save()
    notify.appointment_moved(appointment)
    sweep_messages()
    assert len(mail.outbox) == 2 and "10.12.2026" in mail.outbox[1].subject
    planned = rows(appointment)
    assert planned[(Kind.REMINDER, Channel.EMAIL)].due_at == dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC)
    assert planned[(Kind.REMINDER, Channel.LETTER)].due_at == dt.datetime(2026, 12, 6, 23, 0, tzinfo=dt.UTC)


def test_messages_use_the_citizens_language_where_one_exists_and_german_otherwise():
    assert message_language("en") == "en"
    assert message_language("ar") == "ar"
    assert message_language("fr") == "de"


def test_a_citizen_with_an_unknown_language_gets_the_german_email(clock, book):
    book(by_email=True, language="fr")
    sweep_messages()
    assert mail.outbox[0].subject.startswith("Ihr Termin am")


def test_the_sweep_costs_three_queries_however_many_messages_are_due(clock, book):
    for _ in range(3):
        book(by_email=True)

    def grow():
        for _ in range(30):
            book(by_email=True)
        Message.objects.update(queued_at=None)

    # In production its transaction is BEGIN … COMMIT around the select and the update.
    assert assert_queries_do_not_grow(services.sweep_due_messages, grow, limit=3, savepoints=False) == 3


def test_a_citizen_who_chose_english_gets_what_is_translated_in_english(clock, book):
    book(by_email=True, language="en")
    sweep_messages()
    # Django's own catalogue and formats write the date as English does.
    assert "Thursday, Dec. 3, 2026" in mail.outbox[0].body


def test_a_citizen_who_chose_a_letter_but_gave_an_email_gets_the_confirmation_email(clock, book):
    appointment = book(email="brief@example.org")
    sweep_messages()
    [email] = mail.outbox
    assert email.to == ["brief@example.org"] and appointment.code in email.body
    assert set(rows(appointment)) == {(Kind.CONFIRMATION, Channel.EMAIL), (Kind.REMINDER, Channel.LETTER)}


def test_an_office_cancellation_reaches_an_email_given_without_an_email_reminder(clock, book, team_lead):
    from booking.services import cancel_for_office

    appointment = book(no_channel=True, email="ohne@example.org")
    sweep_messages()
    mail.outbox.clear()
    cancel_for_office(appointment_ids=[appointment.pk], reason="Erkrankung", by=team_lead)
    sweep_messages()
    [email] = mail.outbox
    assert email.to == ["ohne@example.org"] and "Erkrankung" in email.body
    assert not CallListEntry.objects.exists()


def test_an_office_cancellation_without_any_channel_puts_a_phone_on_the_call_list(clock, book, team_lead):
    from booking.services import cancel_for_office

    reachable = book(no_channel=True, phone="0251 123")
    unreachable = book(no_channel=True, phone="")
    cancel_for_office(appointment_ids=[reachable.pk, unreachable.pk], reason="Erkrankung", by=team_lead)
    assert CallListEntry.objects.get().appointment == reachable
    assert not Message.objects.exclude(status=Status.CANCELLED).exists()
    assert mail.outbox == []


@override_settings(EMAIL_BACKEND="tests.messaging.backends.FlakyBackend", MESSAGE_MAX_ATTEMPTS=1)
def test_a_finally_failed_email_loses_its_link_and_the_log_names_no_address(
    clock, counsellor, appointment_service, caplog
):
    appointment = AppointmentFactory(
        counsellor=counsellor, service=appointment_service, by_email=True, email="fail@example.org"
    )
    notify.appointment_booked(appointment, manage_url="https://amt.example/b/geheim")
    sweep_messages()
    confirmation = rows(appointment)[(Kind.CONFIRMATION, Channel.EMAIL)]
    assert confirmation.status == Status.FAILED and confirmation.link == ""
    assert "SMTPRecipientsRefused" in caplog.text and "fail@example.org" not in caplog.text


def test_an_email_that_cannot_be_built_loses_its_link(
    clock, counsellor, appointment_service, monkeypatch, caplog
):
    from messaging import emails

    def broken(message):
        raise ValueError("kaputt für buerger@example.org")

    monkeypatch.setattr(emails, "build_email", broken)
    appointment = AppointmentFactory(counsellor=counsellor, service=appointment_service, by_email=True)
    notify.appointment_booked(appointment, manage_url="https://amt.example/b/geheim")
    sweep_messages()
    confirmation = rows(appointment)[(Kind.CONFIRMATION, Channel.EMAIL)]
    assert confirmation.status == Status.FAILED and confirmation.link == ""
    assert "ValueError" in caplog.text and "buerger@example.org" not in caplog.text


def test_a_reminder_email_points_to_the_personal_link_not_to_the_booking_code(clock, book, time_machine):
    book(by_email=True)
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 1, tzinfo=dt.UTC), tick=False)
    sweep_messages()
    reminder = mail.outbox[-1]
    assert "mit Ihrer Buchungsnummer" not in reminder.body
    assert "persönlichen Link in Ihrer Bestätigungs-E-Mail" in reminder.body
