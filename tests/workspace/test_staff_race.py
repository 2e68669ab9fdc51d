"""A citizen (API) and a clerk (staff form) book the last free time at once, over real HTTP on
PostgreSQL: the occupancy's unique constraint lets exactly one win, the other gets next times."""

import datetime as dt
import http.client
import json
import re
import threading
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import connection
from django.test import Client

from booking.forms import slot_value
from booking.models import Appointment
from tests.booking.conftest import TUESDAY_9, proof_fields
from tests.factories import AbsenceFactory
from tests.staff import sign_in, works_at
from tests.workspace.test_staff_booking import CALLER, details_url

pytestmark = pytest.mark.django_db(transaction=True)


def _staff_request(address, clerk, url: str):
    """A signed-in clerk's cookies and the form's CSRF token, as a browser would hold them."""
    client = Client()
    sign_in(client, clerk)
    page = client.get(url)
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    return cookies, token


def test_a_citizen_and_a_clerk_racing_for_the_last_time_give_one_booking(
    live_server, clock, clerk, counsellor, location, appointment_service, relaxed_limits
):
    assert connection.vendor == "postgresql"
    # Tuesday's only free time left is 9:00 (the counsellor is away from 9:45 local on).
    AbsenceFactory(
        counsellor=counsellor,
        start=TUESDAY_9 + dt.timedelta(minutes=45),
        end=TUESDAY_9 + dt.timedelta(hours=10),
    )
    works_at(clerk, location)
    url = details_url(appointment_service, location)
    cookies, csrf = _staff_request(live_server, clerk, url)
    address = urlsplit(live_server.url)
    barrier = threading.Barrier(2)
    answers: dict[str, tuple[int, str]] = {}

    def send(who: str, method: str, path: str, body: str, headers: dict) -> None:
        conn = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        try:
            conn.connect()
            barrier.wait()
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            answers[who] = (response.status, response.read().decode())
        finally:
            conn.close()

    citizen = json.dumps(
        {
            "service": "grundsicherung",
            "location": "stadthaus-3",
            "start": "2026-12-01T08:00:00Z",
            "name": "Online",
            "reminder": "none",
            **proof_fields(),
        }
    )
    form = urlencode({**CALLER, "start": slot_value(TUESDAY_9), "csrfmiddlewaretoken": csrf})
    staff_headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookies,
        "Referer": live_server.url + url,
        "Origin": live_server.url,
    }
    threads = [
        threading.Thread(
            target=send,
            args=("citizen", "POST", "/api/v1/bookings", citizen, {"Content-Type": "application/json"}),
        ),
        threading.Thread(target=send, args=("staff", "POST", url, form.encode(), staff_headers)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = {who: status for who, (status, _body) in answers.items()}
    # The clerk loses either in the booking service (409, "just taken") or, when the citizen's
    # booking committed before the clerk's page computed its times, at the time field (400);
    # both answers offer the next free times as choices.
    assert sorted(statuses.values()) in ([201, 409], [302, 409], [201, 400]), statuses
    assert Appointment.objects.count() == 1
    if statuses["citizen"] == 409:
        assert json.loads(answers["citizen"][1])["next_free"]
        assert Appointment.objects.get().booked_by == clerk
    else:
        lost = answers["staff"][1]
        assert "gerade vergeben" in lost or "nicht (mehr) frei" in lost
        assert 'name="start"' in lost
        assert Appointment.objects.get().booked_by is None
