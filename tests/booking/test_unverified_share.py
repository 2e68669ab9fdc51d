"""Per location, service and day, online bookings nobody has verified get a small share of the
day's room: pending holds one share, bookings without e-mail another. Staff are exempt."""

import datetime as dt

import pytest

from booking import services, tasks
from booking.models import Appointment
from booking.selectors import day_room
from tests.booking.conftest import TUESDAY_9
from tests.booking.test_api import BASE, payload
from tests.factories import CounsellorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_a_day(settings, counsellor, appointment_service, location, clock):
    """Shares that leave room for exactly two unverified bookings of each kind on Tuesday."""
    room = day_room(service=appointment_service, location=location, day=dt.date(2026, 12, 1), now=TUESDAY_9)
    assert room == 10  # 8:00–15:30, 45 minutes each
    settings.BOOKING_PENDING_SHARE = settings.BOOKING_NO_EMAIL_SHARE = 20
    settings.BOOKING_MAX_ACTIVE_PER_NETWORK = 2


def post(client, n: int, start: str, **changes):
    body = payload(**{"start": start, "name": f"Erfunden {n}", "email": f"x{n}@example.org", **changes})
    # Every client from a network of its own: the network limit is not what stops them.
    return client.post(f"{BASE}/bookings", body, content_type="application/json", REMOTE_ADDR=f"10.{n}.0.1")


def test_pending_holds_get_their_share_of_a_day_and_the_next_is_refused_at_the_field(
    client, two_a_day, relaxed_limits
):
    assert post(client, 1, "2026-12-01T08:00:00Z").status_code == 201
    assert post(client, 2, "2026-12-01T09:00:00Z").status_code == 201
    refused = post(client, 3, "2026-12-01T10:00:00Z")
    assert refused.status_code == 422
    [error] = refused.json()["detail"]
    assert error["loc"][-1] == "start" and "warten schon viele Online-Buchungen" in error["msg"]
    assert Appointment.objects.count() == 2
    assert post(client, 4, "2026-12-02T10:00:00Z").status_code == 201  # another day has its own


def test_a_released_hold_gives_its_share_back(client, two_a_day, relaxed_limits, clock, settings):
    settings.BOOKING_CONFIRM_MINUTES = 30
    post(client, 1, "2026-12-01T08:00:00Z")
    post(client, 2, "2026-12-01T09:00:00Z")
    assert post(client, 3, "2026-12-01T10:00:00Z").status_code == 422
    clock.shift(dt.timedelta(minutes=31))
    assert tasks.release_unconfirmed() == 2
    assert post(client, 3, "2026-12-01T10:00:00Z").status_code == 201


def test_bookings_without_email_get_a_share_of_their_own_and_the_refusal_names_the_phone(
    client, two_a_day, relaxed_limits
):
    letter = {"email": "", "reminder": "letter", "street": "Hammer Str. 1", "postcode": "48153", "city": "M"}
    assert post(client, 1, "2026-12-01T08:00:00Z", **letter).status_code == 201
    assert post(client, 2, "2026-12-01T09:00:00Z", **{**letter, "reminder": "none"}).status_code == 201
    assert Appointment.objects.filter(status="booked").count() == 2  # booked at once, nobody confirms
    refused = post(client, 3, "2026-12-01T10:00:00Z", **letter)
    assert refused.status_code == 422
    [error] = refused.json()["detail"]
    assert error["loc"][-1] == "email" and "ohne E-Mail-Adresse" in error["msg"] and "0251" in error["msg"]
    # With an e-mail address the pending share is still there.
    assert post(client, 4, "2026-12-01T10:00:00Z").status_code == 201


def test_a_second_counsellor_doubles_the_share_at_once(
    client, two_a_day, relaxed_limits, appointment_service, location
):
    assert post(client, 1, "2026-12-01T08:00:00Z").status_code == 201
    assert post(client, 2, "2026-12-01T09:00:00Z").status_code == 201
    assert post(client, 3, "2026-12-01T10:00:00Z").status_code == 422
    CounsellorFactory(location=location, services=[appointment_service], seed_hours=True)
    assert post(client, 3, "2026-12-01T10:00:00Z").status_code == 201
    assert post(client, 5, "2026-12-01T11:00:00Z").status_code == 201
    assert post(client, 6, "2026-12-01T12:00:00Z").status_code == 422


def test_the_booking_pages_are_refused_with_the_same_message(client, two_a_day, relaxed_limits):
    from django.test import Client

    from tests.booking.test_pages import PERSON, choose_time, rendered

    letter = {"email": "", "reminder": "none"}
    for n in (1, 2):
        assert post(client, n, f"2026-12-01T{7 + 2 * n:02d}:00:00Z", **letter).status_code == 201
    browser = Client(REMOTE_ADDR="192.0.2.7")
    choose_time(browser)
    browser.post("/termin/angaben/", {**PERSON, "email": "", "reminder": "letter", "rendered": rendered()})
    response = browser.post("/termin/pruefen/", follow=True)
    # Back on the data page, the message at the e-mail field and what was typed kept.
    assert response.redirect_chain[-1][0] == "/termin/angaben/" and response.status_code == 400
    form = response.context["form"]
    assert "ohne E-Mail-Adresse" in form.errors["email"][0] and form["street"].value() == PERSON["street"]
    assert Appointment.objects.count() == 2
    # With an e-mail address given there, it is held for confirmation.
    browser.post("/termin/angaben/", {**PERSON, "email": "c@example.org", "rendered": rendered()})
    assert browser.post("/termin/pruefen/").status_code == 302
    assert Appointment.objects.filter(status="pending").count() == 1


def test_staff_bookings_are_not_counted_against_the_share(two_a_day, appointment_service, location, person):
    clerk = UserFactory(username="phone-clerk")
    for hour in range(4):
        services.book_appointment(
            service=appointment_service,
            location=location,
            start=TUESDAY_9 + dt.timedelta(hours=hour),
            person={**person, "email": "", "reminder": "none"},
            booked_by=clerk,
        )
    assert Appointment.objects.filter(status="booked").count() == 4
