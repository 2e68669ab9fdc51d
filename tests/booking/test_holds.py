"""Online bookings with an e-mail address hold their time until the citizen confirms by the
link in the e-mail; holds nobody confirms go back to the free times."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from booking import confirming, holds, tasks
from booking.models import Appointment, AppointmentHistory, Occupancy
from booking.selectors import availability
from messaging.models import Message
from tests.booking.conftest import TUESDAY_9
from tests.booking.test_api import BASE, payload

pytestmark = pytest.mark.django_db


def book(client, commit, **changes):
    with commit(execute=True):
        return client.post(f"{BASE}/bookings", payload(**changes), content_type="application/json")


def confirm_link(email) -> str:
    return urlsplit(re.search(r"https?://\S+/termin/bestaetigen/\S+/", email.body).group(0)).path


def free_at(appointment_service, location, start) -> bool:
    return availability(service=appointment_service, location=location).slot_at(start) is not None


def test_a_booking_with_email_holds_its_time_until_the_citizen_confirms(
    client,
    clock,
    counsellor,
    appointment_service,
    location,
    relaxed_limits,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.BOOKING_CONFIRM_MINUTES = 30
    mail.outbox.clear()
    created = book(
        client,
        django_capture_on_commit_callbacks,
        start="2026-12-08T08:00:00Z",  # a week ahead: time for the reminders
        reminder="both",
        street="A 1",
        postcode="48153",
        city="M",
    )
    assert created.status_code == 201 and created.json()["status"] == "pending"
    appointment = Appointment.objects.get()
    assert abs(appointment.confirm_until - (timezone.now() + dt.timedelta(minutes=30))) < dt.timedelta(
        seconds=30
    )
    assert not free_at(appointment_service, location, TUESDAY_9 + dt.timedelta(days=7))  # held
    [asked] = mail.outbox
    assert "bis 10:30 Uhr" in asked.subject and "bis 10:30 Uhr" in asked.body
    assert asked.attachments == []  # no calendar file for a hold
    # Neither reminder e-mail nor letter while it is only held.
    assert list(appointment.messages.values_list("kind", "channel")) == [("confirmation", "email")]

    link = confirm_link(asked)
    page = client.get(link)
    assert page.status_code == 200 and "Termin bestätigen" in page.content.decode()
    assert Appointment.objects.get().status == "pending"  # a mail scanner's visit confirms nothing
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(link)
    assert confirmed.status_code == 200 and "Ihr Termin ist bestätigt" in confirmed.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == "booked"
    history = appointment.history.last()
    assert (history.old_status, history.new_status, history.note) == ("pending", "booked", "confirmed")
    [final] = mail.outbox
    assert "/termin/verwalten/" in final.body and final.attachments  # the usual confirmation, .ics
    kinds = set(appointment.messages.values_list("kind", "channel"))
    assert {("reminder", "email"), ("reminder", "letter")} <= kinds
    again = client.post(link)  # a second click changes nothing
    assert again.status_code == 200 and appointment.history.count() == 2


def test_a_hold_nobody_confirms_is_released_by_the_task_and_the_time_is_free_again(
    client,
    clock,
    counsellor,
    appointment_service,
    location,
    relaxed_limits,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.BOOKING_CONFIRM_MINUTES = 30
    mail.outbox.clear()
    assert book(client, django_capture_on_commit_callbacks).status_code == 201
    assert not free_at(appointment_service, location, TUESDAY_9)  # and cached so
    clock.shift(dt.timedelta(minutes=29))
    assert tasks.release_unconfirmed() == 0
    clock.shift(dt.timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.release_unconfirmed() == 1
        assert tasks.release_unconfirmed() == 0  # run twice, one release
    appointment = Appointment.objects.get()
    assert appointment.status == "cancelled" and not Occupancy.objects.exists()
    history = appointment.history.last()
    assert (history.old_status, history.note) == ("pending", AppointmentHistory.Note.UNCONFIRMED)
    assert free_at(appointment_service, location, TUESDAY_9)  # the cached free times were invalidated
    assert len(mail.outbox) == 1  # the request to confirm; no receipt to an unconfirmed address
    assert not appointment.messages.filter(status=Message.Status.PENDING).exists()
    # The freed time can be booked by somebody else.
    other = book(client, django_capture_on_commit_callbacks, email="other@example.org")
    assert other.status_code == 201
    # A link followed too late says so, and changes nothing.
    late = client.post(confirm_link(mail.outbox[0]))
    assert late.status_code == 200 and "nicht rechtzeitig bestätigt" in late.content.decode()
    assert appointment.history.count() == 2


def test_the_confirmation_link_of_one_booking_does_not_confirm_another(
    client, clock, counsellor, relaxed_limits, django_capture_on_commit_callbacks
):
    book(client, django_capture_on_commit_callbacks)
    appointment = Appointment.objects.get()
    key = holds.confirm_key(appointment)
    forged = key[:-1] + ("0" if key[-1] != "0" else "1")
    assert client.post(f"/termin/bestaetigen/{forged}/").status_code == 404
    assert client.get("/termin/bestaetigen/x/").status_code == 404
    assert Appointment.objects.get().status == "pending"


def test_a_hold_can_be_cancelled_by_its_manage_link_but_not_moved_or_downloaded(
    client, clock, counsellor, relaxed_limits, django_capture_on_commit_callbacks
):
    token = book(client, django_capture_on_commit_callbacks).json()["token"]
    manage = client.get(f"/termin/verwalten/{token}/")
    assert "Bitte bestätigen Sie den Termin bis 10:30 Uhr" in manage.content.decode()
    assert client.get(f"/termin/verwalten/{token}/termin.ics").status_code == 302
    moved = client.post(
        f"{BASE}/bookings/{token}/move", {"start": "2026-12-02T09:00:00Z"}, content_type="application/json"
    )
    assert moved.status_code == 400
    assert client.post(f"/termin/verwalten/{token}/absagen/").status_code == 302
    assert Appointment.objects.get().status == "cancelled" and not Occupancy.objects.exists()


def test_staff_see_released_holds_in_the_admin_and_the_statistics(
    client, clock, counsellor, relaxed_limits, settings, admin_user, django_capture_on_commit_callbacks
):
    from stats import queries
    from stats.figures import CURRENT
    from stats.queries import Scope
    from tests.staff import sign_in

    settings.BOOKING_CONFIRM_MINUTES = 30
    code = book(client, django_capture_on_commit_callbacks).json()["code"]
    other = book(
        client, django_capture_on_commit_callbacks, start="2026-12-01T10:00:00Z", email="b@example.org"
    )
    confirming.confirm_appointment(appointment=Appointment.objects.get(code=other.json()["code"]))
    clock.shift(dt.timedelta(minutes=31))
    assert tasks.release_unconfirmed() == 1
    sign_in(client, admin_user)
    listed = client.get("/admin/booking/appointment/?hold=released").content.decode()
    assert code in listed and listed.count("field-code") == 1
    today = timezone.localdate()
    scope = Scope(start=today, end=today, location=None, service=None)
    assert sum(row["n"] for row in queries.released_holds(scope) if row["period"] == CURRENT) == 1
