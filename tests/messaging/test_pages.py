"""Staff pages: print batches, the call list, cancelling by the office (roles, queries, effects)."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from booking.models import Appointment, PersonalDataAccess
from messaging.batches import build_print_batches
from messaging.models import CallListEntry, Message, PrintBatch
from tests.factories import UserFactory
from tests.helpers import assert_queries_do_not_grow
from tests.staff import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def posting_day(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 30, 5, 0, tzinfo=dt.UTC), tick=False)


@pytest.mark.parametrize(
    "name", ["reminders:print-batches", "reminders:call-list", "reminders:cancel-by-office"]
)
def test_staff_pages_need_login_and_a_role(client, name):
    url = reverse(name)
    assert client.get(url).status_code == 302
    sign_in(client, UserFactory(username="nobody"))
    assert client.get(url).status_code == 403


def test_a_clerk_may_not_cancel_for_the_office(client, clerk):
    sign_in(client, clerk)
    assert client.get(reverse("reminders:cancel-by-office")).status_code == 403


def test_a_clerk_downloads_the_batch_and_marks_it_printed_then_posted(
    clock, book, posting_day, client, clerk
):
    book()
    [batch] = build_print_batches()
    sign_in(client, clerk)
    page = client.get(reverse("reminders:print-batch", args=[batch.pk]))
    assert "Als gedruckt markieren" in page.text
    response = client.get(reverse("reminders:print-batch-pdf", args=[batch.pk]))
    assert (
        response["Content-Type"] == "application/pdf" and b"".join(response.streaming_content)[:5] == b"%PDF-"
    )
    assert PersonalDataAccess.objects.get(user=clerk).what.startswith("PDF Druckstapel")
    mark = reverse("reminders:print-batch-mark", args=[batch.pk])
    assert client.post(mark, {"status": "posted"}).status_code == 302  # not before printing
    batch.refresh_from_db()
    assert batch.status == PrintBatch.Status.READY
    client.post(mark, {"status": "printed"})
    client.post(mark, {"status": "posted"})
    batch.refresh_from_db()
    assert batch.status == PrintBatch.Status.POSTED
    assert batch.printed_by == clerk and batch.posted_by == clerk and batch.posted_at is not None


def test_the_batch_list_costs_the_same_queries_with_more_batches(clock, client, clerk, location):
    sign_in(client, clerk)
    url = reverse("reminders:print-batches")
    assert_queries_do_not_grow(
        lambda: client.get(url),
        lambda: PrintBatch.objects.bulk_create(
            [PrintBatch(day=dt.date(2026, 11, d), location=location) for d in range(1, 20)]
        ),
    )


def test_the_call_list_costs_the_same_queries_with_more_entries_and_ticks_off(
    clock, client, clerk, book, time_machine
):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)
    sign_in(client, clerk)
    book(phone="0251 111")
    url = reverse("reminders:call-list")
    assert_queries_do_not_grow(lambda: client.get(url), lambda: [book(phone="0251 222") for _ in range(5)])
    entry = CallListEntry.objects.first()
    page = client.get(url)
    assert entry.appointment.name in page.text and "0251 111" in page.text
    client.post(reverse("reminders:call-done", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.done_by == clerk and entry.done_at is not None
    assert entry.appointment.name not in client.get(url).text.split("Zuletzt erledigt")[0]


def test_the_office_cancels_all_appointments_of_an_absence_in_one_step(
    clock, client, team_lead, book, counsellor, location, django_capture_on_commit_callbacks
):
    by_email = book(by_email=True)
    by_letter = book(start=dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC))
    elsewhere = book(start=dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC))
    mail.outbox.clear()
    sign_in(client, team_lead)
    params = {
        "location": location.pk,
        "counsellor": counsellor.pk,
        "first_day": "2026-12-03",
        "last_day": "2026-12-04",
        "reason": "Erkrankung der Beraterin",
    }
    preview = client.get(reverse("reminders:cancel-by-office"), params)
    assert (
        by_email.code in preview.text
        and by_letter.code in preview.text
        and elsewhere.code not in preview.text
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reminders:cancel-by-office"), {**params, "appointment": [by_email.pk, by_letter.pk]}
        )
    assert response.status_code == 302
    for appointment in (by_email, by_letter):
        appointment.refresh_from_db()
        assert appointment.status == Appointment.Status.CANCELLED
        assert appointment.history.get().by == team_lead
    [email] = mail.outbox
    assert email.subject.startswith("Abgesagt") and "Erkrankung der Beraterin" in email.body
    assert "0251 492-0" in email.body and "METHOD:CANCEL" in email.attachments[0][1]
    letter = by_letter.messages.get(kind=Message.Kind.CANCELLED)
    assert letter.channel == Message.Channel.LETTER and letter.reason == "Erkrankung der Beraterin"
    assert elsewhere.status == Appointment.Status.BOOKED


def test_bad_input_on_the_cancel_form_gets_a_message_next_to_the_field(clock, client, team_lead, location):
    sign_in(client, team_lead)
    response = client.get(
        reverse("reminders:cancel-by-office"),
        {"location": location.pk, "first_day": "2026-12-05", "last_day": "2026-12-01", "reason": "x"},
    )
    assert response.status_code == 200 and "Das Ende darf nicht vor dem Beginn liegen." in response.text
    assert 'value="2026-12-05"' in response.text
    response = client.get(
        reverse("reminders:cancel-by-office"), {"location": "999999", "first_day": "gestern"}
    )
    assert response.status_code == 200


def test_the_office_cannot_cancel_an_appointment_that_has_already_begun(
    time_machine, client, team_lead, book, counsellor, location
):
    past = book(start=dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC))
    ahead = book(start=dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC))
    time_machine.move_to(dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC), tick=False)
    sign_in(client, team_lead)
    params = {
        "location": location.pk,
        "counsellor": counsellor.pk,
        "first_day": "2026-12-03",
        "last_day": "2026-12-03",
        "reason": "Stromausfall",
    }
    preview = client.get(reverse("reminders:cancel-by-office"), params)
    assert ahead.code in preview.text and past.code not in preview.text
    client.post(reverse("reminders:cancel-by-office"), {**params, "appointment": [past.pk, ahead.pk]})
    past.refresh_from_db()
    ahead.refresh_from_db()
    assert (past.status, ahead.status) == (Appointment.Status.BOOKED, Appointment.Status.CANCELLED)


def test_the_call_list_and_the_batch_pdf_log_one_access_row_per_citizen_shown(
    clock, book, posting_day, client, clerk
):
    letters = [book() for _ in range(2)]
    [batch] = build_print_batches()
    called = [book(phone="0251 111", start=dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)) for _ in range(3)]
    sign_in(client, clerk)
    client.get(reverse("reminders:print-batch-pdf", args=[batch.pk]))
    client.get(reverse("reminders:call-list"))
    logged = set(PersonalDataAccess.objects.filter(user=clerk).values_list("what", "appointment_id"))
    assert logged == {(f"PDF Druckstapel {batch.pk}", a.pk) for a in letters} | {
        ("Anrufliste", a.pk) for a in called
    }
