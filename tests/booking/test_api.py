"""The booking API: book, read, move, cancel with the token; errors as JSON with field names."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from booking.models import Appointment
from tests.booking.conftest import TUESDAY_9, proof_fields
from tests.factories import AppointmentFactory, CounsellorFactory
from tests.helpers import assert_queries_do_not_grow, count_queries

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def payload(**changes):
    return {
        "service": "grundsicherung",
        "location": "stadthaus-3",
        "start": "2026-12-01T08:00:00Z",
        "name": "Erika Mustermann",
        "reminder": "email",
        "email": "erika@example.org",
        **proof_fields(),
        **changes,
    }


def confirm_by_email(client) -> None:
    """What the citizen does: follows the link in the e-mail and presses the button."""
    [asked] = [m for m in mail.outbox if "bestätigen" in m.subject]
    link = re.search(r"https?://\S+/termin/bestaetigen/\S+/", asked.body).group(0)
    path = urlsplit(link).path
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 200


def test_a_client_books_reads_moves_and_cancels(
    client, clock, counsellor, relaxed_limits, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(f"{BASE}/bookings", payload(), content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "pending" and created.json()["confirm_until"]
    token = created.json()["token"]
    assert created.json()["code"] == Appointment.objects.get().code
    confirm_by_email(client)
    assert client.get(f"{BASE}/bookings/{token}").json()["status"] == "booked"
    assert client.get(f"{BASE}/bookings/{token}").json()["start"] == "2026-12-01T08:00:00Z"
    moved = client.post(
        f"{BASE}/bookings/{token}/move",
        {"start": "2026-12-02T10:00:00+01:00"},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["start"] == "2026-12-02T09:00:00Z"
    cancelled = client.post(f"{BASE}/bookings/{token}/cancel", content_type="application/json")
    assert cancelled.json()["status"] == "cancelled"
    assert client.post(f"{BASE}/bookings/{token}/cancel", content_type="application/json").status_code == 400


def test_a_taken_time_is_a_409_with_the_next_free_times(client, clock, counsellor, relaxed_limits):
    client.post(f"{BASE}/bookings", payload(), content_type="application/json")
    second = client.post(f"{BASE}/bookings", payload(email="b@example.org"), content_type="application/json")
    assert second.status_code == 409
    assert second.json()["next_free"][0] == "2026-12-01T08:45:00Z"


def test_validation_errors_name_the_field_and_change_nothing(client, clock, counsellor, relaxed_limits):
    for body, field in (
        (payload(email="not-an-address"), "email"),
        (payload(reminder="letter", email=""), "street"),
        (payload(postcode="4815", reminder="both", street="A 1", city="M"), "postcode"),
        (payload(name="x" * 121), "name"),
        (payload(start="2026-12-05T09:00:00Z"), "start"),  # Saturday
        (payload(start="0001-01-01T00:00:00Z"), "start"),
    ):
        response = client.post(f"{BASE}/bookings", body, content_type="application/json")
        assert response.status_code == 422, body
        assert field in [e["loc"][-1] for e in response.json()["detail"]]
    assert (
        client.post(
            f"{BASE}/bookings", "name=x", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 415
    )
    assert not Appointment.objects.exists()


def test_the_api_form_shares_its_fields_and_one_request_errors_never_reach_the_next(
    client, clock, counsellor, relaxed_limits
):
    """The API's form does not copy its fields for each request (they are never changed):
    what one invalid request found must not show in the next."""
    from booking.forms import PersonDataForm, PersonForm

    form = PersonDataForm(data={})
    assert form.fields["email"] is PersonDataForm.base_fields["email"]
    assert PersonForm(data={}).fields["email"] is not PersonForm.base_fields["email"]
    bad = client.post(f"{BASE}/bookings", payload(email="nicht-gueltig"), content_type="application/json")
    assert bad.status_code == 422
    good = client.post(f"{BASE}/bookings", payload(), content_type="application/json")
    assert good.status_code == 201, good.json()
    assert Appointment.objects.get().email == "erika@example.org"


def test_input_the_database_could_not_store_is_a_422_not_a_500(client, clock, counsellor, relaxed_limits):
    # "İ" lowered is two characters: the address grows past what the column holds.
    long_when_lowered = payload(email="İ" * 200 + "@example.org")
    lone_surrogate = '{"service": "grundsicherung", "location": "stadthaus-3", "start": "2026-12-01T08:00:00Z", "name": "A\\ud800", "reminder": "none"}'
    response = client.post(f"{BASE}/bookings", long_when_lowered, content_type="application/json")
    assert response.status_code == 422 and "email" in [e["loc"][-1] for e in response.json()["detail"]]
    response = client.post(f"{BASE}/bookings", lone_surrogate, content_type="application/json")
    assert response.status_code == 422 and "name" in [e["loc"][-1] for e in response.json()["detail"]]
    assert not Appointment.objects.exists()


def test_an_unknown_token_is_a_404(client, db):
    assert client.get(f"{BASE}/bookings/unknown-token").status_code == 404


def test_opening_hours_list_holidays_and_closures(client, clock, location):
    days = client.get(f"{BASE}/locations/stadthaus-3/opening-hours?start=2026-12-24&end=2026-12-27").json()
    assert [(d["kind"], d["reason"]) for d in days][1] == ("holiday", "Erster Weihnachtstag")
    assert (
        client.get(f"{BASE}/locations/stadthaus-3/opening-hours?start=2026-12-24&end=2026-12-01").status_code
        == 422
    )


def test_free_times_cost_the_same_queries_with_0_and_200_bookings(
    client, clock, location, appointment_service, relaxed_limits, settings
):
    settings.BOOKING_FREE_TIMES_CACHE_SECONDS = 0  # the uncached cost; from the cache it is none
    settings.BOOKING_OFFICE_CACHE_SECONDS = 0  # the office plan too
    counsellors = [
        CounsellorFactory(location=location, services=[appointment_service], seed_hours=True)
        for _ in range(4)
    ]
    url = f"{BASE}/free-times?service=grundsicherung&location=stadthaus-3"

    def grow():
        for n in range(200):
            start = TUESDAY_9 + dt.timedelta(days=n // 10, minutes=45 * (n % 10))
            AppointmentFactory(counsellor=counsellors[n % 4], service=appointment_service, start=start)

    queries = assert_queries_do_not_grow(lambda: client.get(url), grow, limit=10)
    page = "/termin/grundsicherung/stadthaus-3/"
    assert count_queries(lambda: client.get(page)) <= 10
    assert queries <= 10
