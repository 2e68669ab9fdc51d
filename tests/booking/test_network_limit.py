"""Online bookings of one client network (IPv4 /24, IPv6 /64) hold at most a few times of a
service at once, whatever addresses and contact data they use; staff bookings are exempt."""

import datetime as dt

import pytest

from booking import services
from booking.models import Appointment
from tests.booking.conftest import TUESDAY_9, proof_fields
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/bookings"


def _payload(n: int, hour: int) -> dict:
    return {
        "service": "grundsicherung",
        "location": "stadthaus-3",
        "start": f"2026-12-01T{hour:02d}:00:00Z",
        "name": f"Erfundene Person {n}",
        "reminder": "email",
        "email": f"made-up-{n}@example.org",
        **proof_fields(),
    }


def _book(client, n: int, hour: int, address: str):
    return client.post(BASE, _payload(n, hour), content_type="application/json", REMOTE_ADDR=address)


def test_one_network_holds_at_most_the_limit_through_the_api(
    client, clock, counsellor, relaxed_limits, settings
):
    settings.BOOKING_MAX_ACTIVE_PER_NETWORK = 2
    assert _book(client, 1, 8, "127.0.0.11").status_code == 201
    assert _book(client, 2, 9, "127.0.0.12").status_code == 201
    refused = _book(client, 3, 10, "127.0.0.13")
    assert refused.status_code == 429
    assert "Aus Ihrem Netz" in refused.json()["detail"]
    assert Appointment.objects.count() == 2
    assert _book(client, 4, 10, "10.20.30.40").status_code == 201  # another network


def test_cancelling_frees_the_networks_share(client, clock, counsellor, relaxed_limits, settings):
    settings.BOOKING_MAX_ACTIVE_PER_NETWORK = 1
    token = _book(client, 1, 8, "192.0.2.1").json()["token"]
    assert _book(client, 2, 9, "192.0.2.200").status_code == 429
    client.post(f"{BASE}/{token}/cancel", content_type="application/json", REMOTE_ADDR="192.0.2.1")
    assert _book(client, 2, 9, "192.0.2.200").status_code == 201


def test_ipv6_addresses_of_one_64_are_one_network(client, clock, counsellor, relaxed_limits, settings):
    settings.BOOKING_MAX_ACTIVE_PER_NETWORK = 1
    assert _book(client, 1, 8, "2001:db8:1:2::1").status_code == 201
    assert _book(client, 2, 9, "2001:db8:1:2:ffff::9").status_code == 429
    assert _book(client, 3, 9, "2001:db8:1:3::1").status_code == 201


def test_the_network_is_stored_only_as_a_keyed_hash(client, clock, counsellor, relaxed_limits):
    _book(client, 1, 8, "198.51.100.7")
    stored = Appointment.objects.get().origin_network
    assert stored == services.network_key("198.51.100.99") and "198.51" not in stored
    assert len(stored) == 32


def test_staff_bookings_are_exempt(clock, counsellor, appointment_service, location, person, settings):
    settings.BOOKING_MAX_ACTIVE_PER_NETWORK = 1
    clerk = UserFactory(username="phone-clerk")
    for n in range(3):
        services.book_appointment(
            service=appointment_service,
            location=location,
            start=TUESDAY_9 + dt.timedelta(hours=n),
            person={**person, "email": f"caller-{n}@example.org"},
            booked_by=clerk,
            client_address="127.0.0.1",
        )
    assert Appointment.objects.filter(origin_network="").count() == 3


def test_the_booking_pages_count_against_the_same_network_limit(
    client, clock, counsellor, relaxed_limits, settings
):
    from django.test import Client

    from tests.booking.test_pages import PERSON, choose_time, rendered

    settings.BOOKING_MAX_ACTIVE_PER_NETWORK = 1
    assert _book(client, 1, 10, "203.0.113.5").status_code == 201
    browser = Client(REMOTE_ADDR="203.0.113.77")
    choose_time(browser)
    browser.post("/termin/angaben/", {**PERSON, "rendered": rendered()})
    response = browser.post("/termin/pruefen/")
    assert response.status_code == 400
    assert "Aus Ihrem Netz" in response.content.decode()
    assert Appointment.objects.count() == 1
    elsewhere = Client(REMOTE_ADDR="198.51.100.1")
    choose_time(elsewhere)
    elsewhere.post("/termin/angaben/", {**PERSON, "rendered": rendered()})
    assert elsewhere.post("/termin/pruefen/").status_code == 302
    assert Appointment.objects.count() == 2
