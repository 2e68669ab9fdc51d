"""The API takes JSON only, and no state change from another website's page."""

import json

import pytest

from booking.models import Appointment
from tests.booking.test_api import BASE, payload

pytestmark = pytest.mark.django_db


def test_a_cross_site_text_plain_post_creates_no_booking(client, clock, counsellor, relaxed_limits):
    # What a form or fetch(..., {mode: "no-cors"}) on any website makes its visitor's browser send.
    response = client.post(
        f"{BASE}/bookings",
        json.dumps(payload()),
        content_type="text/plain",
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403
    assert not Appointment.objects.exists()


def test_a_text_plain_body_is_refused_with_415_even_without_browser_headers(
    client, clock, counsellor, relaxed_limits
):
    response = client.post(f"{BASE}/bookings", json.dumps(payload()), content_type="text/plain")
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]
    form = client.post(f"{BASE}/bookings", payload())  # multipart form data
    assert form.status_code == 415
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "same-site"}, {"Origin": "null"}],
)
def test_a_json_post_from_another_origin_is_refused(client, clock, counsellor, relaxed_limits, headers):
    response = client.post(f"{BASE}/bookings", payload(), content_type="application/json", headers=headers)
    assert response.status_code == 403
    assert not Appointment.objects.exists()


def test_json_from_this_site_or_a_program_still_books(client, clock, counsellor, relaxed_limits):
    own = client.post(
        f"{BASE}/bookings",
        payload(),
        content_type="application/json",
        headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
    )
    program = client.post(
        f"{BASE}/bookings",
        payload(email="b@example.org", start="2026-12-01T09:00:00Z"),
        content_type="application/json",
    )
    assert (own.status_code, program.status_code) == (201, 201)


def test_cors_stays_closed(client, clock, counsellor):
    response = client.options(f"{BASE}/bookings", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response
    reading = client.get(f"{BASE}/locations", headers={"Origin": "https://evil.example"})
    assert reading.status_code == 200 and "Access-Control-Allow-Origin" not in reading
