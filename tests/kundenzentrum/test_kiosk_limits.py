"""Kiosks are public devices: rate limits per device and per address, and a check-in answer
that tells a stranger nothing about other people's appointments."""

import datetime as dt
import re

import pytest

from kundenzentrum import services
from kundenzentrum.models import Ticket
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/kundenzentrum/tickets"


@pytest.fixture
def limits(settings):
    settings.KUNDENZENTRUM_KIOSK_DEVICE_RATE = 3
    settings.KUNDENZENTRUM_KIOSK_ADDRESS_RATE = 5


def unlocked(client, location, address: str = "192.0.2.10"):
    token = services.unlock_kiosk(location=location, name="Eingang", by=None)
    client.defaults["REMOTE_ADDR"] = address
    assert client.get(f"/kundenzentrum/kiosk/{location.slug}/?token={token}").status_code == 302
    return token


def test_the_kiosk_page_stops_a_device_that_pulls_too_many_tickets(
    client, location, walk_in_service, thursday, limits
):
    unlocked(client, location)
    statuses = [
        client.post(f"/kundenzentrum/kiosk/{location.slug}/", {"service": walk_in_service.pk}).status_code
        for _ in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    assert Ticket.objects.count() == 3
    thursday.shift(dt.timedelta(minutes=1))
    assert (
        client.post(f"/kundenzentrum/kiosk/{location.slug}/", {"service": walk_in_service.pk}).status_code
        == 302
    )


def test_the_kiosk_api_stops_a_device_and_an_address(client, location, walk_in_service, thursday, limits):
    first = services.unlock_kiosk(location=location, name="Eingang 1", by=None)
    second = services.unlock_kiosk(location=location, name="Eingang 2", by=None)

    def pull(token: str, address: str) -> int:
        return client.post(
            API,
            {"service": walk_in_service.slug},
            content_type="application/json",
            headers={"X-Kiosk-Token": token},
            REMOTE_ADDR=address,
        ).status_code

    assert [pull(first, "192.0.2.10") for _ in range(4)] == [201, 201, 201, 429]
    # Another device at the same address has its own count, until the address's is used up.
    assert [pull(second, "192.0.2.10") for _ in range(3)] == [201, 429, 429]
    assert pull(second, "192.0.2.99") == 201
    assert Ticket.objects.count() == 5


def test_the_kiosk_check_in_is_rate_limited(client, location, walk_in_service, thursday, limits):
    unlocked(client, location)
    statuses = [
        client.post(f"/kundenzentrum/kiosk/{location.slug}/anmelden/", {"code": f"ABC-{n:04d}"}).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_the_kiosk_check_in_does_not_reveal_whether_a_code_exists_or_its_time(
    client, location, appointment_service, counsellor, thursday
):
    unlocked(client, location)
    later = AppointmentFactory(
        counsellor=counsellor,
        service=appointment_service,
        code="Q2W-8RT5",
        start=dt.datetime(2026, 12, 3, 14, 0, tzinfo=dt.UTC),
    )
    answers = []
    for code in ("Q2W-8RT5", "ZZZ-9999"):
        page = client.post(f"/kundenzentrum/kiosk/{location.slug}/anmelden/", {"code": code}).content.decode()
        answers.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.replace(code, "CODE")))
    assert answers[0] == answers[1]
    assert "15:" not in answers[0] and "Infotheke" in answers[0]
    later.refresh_from_db()
    assert later.status == later.Status.BOOKED
