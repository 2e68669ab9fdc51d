"""Deleting on time (DSGVO storage limitation): personal data and print files go, statistics stay."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db.models import Count

from booking.models import Appointment, AppointmentHistory, PersonalDataAccess
from messaging.models import CallListEntry, Message, PrintBatch
from messaging.selectors import open_calls, recent_calls
from messaging.tasks import delete_personal_data
from sozialamt.selectors import StaffScope
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture
def at(time_machine):
    """Moves the clock: at(moment) before creating rows that record their creation time."""

    def _move(moment):
        time_machine.move_to(moment, tick=False)

    return _move


def appointment(counsellor, start, **kwargs):
    return AppointmentFactory(
        counsellor=counsellor, start=start, by_both=True, phone="0251 1", case_reference="AZ 1", **kwargs
    )


def statistics():
    return list(
        Appointment.objects.values("service", "location", "status").annotate(n=Count("pk")).order_by("status")
    )


def test_personal_data_goes_30_days_after_the_appointment_and_statistics_stay(at, counsellor):
    at(NOW - 40 * DAY)
    old = appointment(counsellor, NOW - 31 * DAY, status=Appointment.Status.DONE)
    recent = appointment(counsellor, NOW - 29 * DAY, status=Appointment.Status.DONE)
    Message.objects.create(
        appointment=old, kind="reminder", channel="email", due_at=NOW, last_error="x@y.de refused"
    )
    CallListEntry.objects.create(appointment=old, reason=CallListEntry.Reason.TOO_LATE)
    before = statistics()
    at(NOW)
    assert delete_personal_data()["appointments"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.anonymised_at == NOW
    assert (old.name, old.email, old.phone, old.street, old.postcode, old.city, old.case_reference) == (
        "",
    ) * 7
    assert recent.anonymised_at is None and recent.name and recent.email == "buerger@example.org"
    assert old.messages.get().last_error == ""
    entry = CallListEntry.objects.get()  # kept for the statistics, ticked off, off the lists
    assert entry.done_at == NOW and entry.done_by is None
    everywhere = StaffScope(location_ids=None)
    assert not open_calls(everywhere).exists() and not recent_calls(everywhere).exists()
    assert statistics() == before  # service, location, status, time stay for the statistics
    assert delete_personal_data()["appointments"] == 0  # run twice: nothing more to do


def test_the_retention_period_is_a_setting(at, counsellor, settings):
    settings.RETENTION_APPOINTMENT_DAYS = 60
    at(NOW - 40 * DAY)
    kept = appointment(counsellor, NOW - 31 * DAY, status=Appointment.Status.DONE)
    at(NOW)
    delete_personal_data()
    kept.refresh_from_db()
    assert kept.anonymised_at is None


def test_a_cancelled_booking_loses_its_personal_data_days_after_the_cancellation(at, counsellor):
    at(NOW - 10 * DAY)
    long_ago = appointment(counsellor, NOW + 10 * DAY, status=Appointment.Status.CANCELLED)
    AppointmentHistory.objects.create(appointment=long_ago, old_status="booked", new_status="cancelled")
    at(NOW - 2 * DAY)
    just_now = appointment(counsellor, NOW + 10 * DAY, status=Appointment.Status.CANCELLED)
    AppointmentHistory.objects.create(appointment=just_now, old_status="booked", new_status="cancelled")
    past = appointment(counsellor, NOW - DAY, status=Appointment.Status.CANCELLED)
    AppointmentHistory.objects.create(appointment=past, old_status="booked", new_status="cancelled")
    at(NOW)
    delete_personal_data()
    anonymised = set(Appointment.objects.filter(anonymised_at__isnull=False).values_list("pk", flat=True))
    assert anonymised == {long_ago.pk, past.pk}


def test_print_files_are_deleted_after_posting_plus_grace_and_unposted_ones_later(at, settings, tmp_path):
    def batch(**fields):
        created = PrintBatch.objects.create(day=NOW.date(), status=PrintBatch.Status.READY, **fields)
        created.file.save(f"batch-{created.pk}.pdf", ContentFile(b"%PDF-1.7 letters"))
        return created

    at(NOW - 40 * DAY)
    posted_long_ago = batch(posted_at=NOW - 15 * DAY)
    posted_recently = batch(posted_at=NOW - 13 * DAY)
    never_posted = batch()
    at(NOW - 5 * DAY)
    unposted_recent = batch()
    paths = {b.pk: b.file.path for b in (posted_long_ago, posted_recently, never_posted, unposted_recent)}
    at(NOW)
    assert delete_personal_data()["print_batches"] == 2
    gone = set(PrintBatch.objects.filter(file_deleted_at=NOW, file="").values_list("pk", flat=True))
    assert gone == {posted_long_ago.pk, never_posted.pk}
    assert {pk for pk, path in paths.items() if not Path(path).exists()} == gone


def test_the_access_log_is_kept_for_a_year(at, clerk):
    at(NOW - 400 * DAY)
    PersonalDataAccess.objects.create(user=clerk, what="Anrufliste")
    at(NOW - 300 * DAY)
    PersonalDataAccess.objects.create(user=clerk, what="Anrufliste")
    at(NOW)
    delete_personal_data()
    assert PersonalDataAccess.objects.count() == 1


def test_every_field_of_an_appointment_is_either_personal_and_emptied_or_known_to_be_anonymous():
    anonymous = {
        "id", "code", "token_hash", "service", "location", "counsellor", "start", "end", "status",
        "created_at", "booked_by", "anonymised_at", "link_requests", "link_requests_day",
        "start_unit", "end_unit", "channel", "confirm_until",
        *Appointment.CHOICES_KEPT,
    }  # fmt: skip
    fields = {f.name for f in Appointment._meta.concrete_fields}
    assert fields - anonymous == set(Appointment.PERSONAL_FIELDS)
    for name, blank in Appointment.PERSONAL_FIELDS.items():
        assert Appointment._meta.get_field(name).get_default() == blank
