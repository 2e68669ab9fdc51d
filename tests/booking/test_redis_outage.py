"""Redis down (cache and rate limits unreachable): free times and bookings still work."""

import pytest

from booking.models import Appointment
from tests.booking.test_api import BASE, payload


@pytest.mark.django_db
def test_a_citizen_can_book_while_redis_is_down(client, dead_cache, clock, counsellor, relaxed_limits):
    response = client.get(
        f"{BASE}/free-times?service=grundsicherung&location=stadthaus-3&start=2026-12-01&end=2026-12-04"
    )
    assert response.status_code == 200
    created = client.post(f"{BASE}/bookings", payload(), content_type="application/json")
    assert created.status_code == 201, created.content
    assert Appointment.objects.get().status == Appointment.Status.PENDING
