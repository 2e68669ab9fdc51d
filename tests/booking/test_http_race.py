"""The "sends at least 50 concurrent booking requests" check, over real HTTP."""

import http.client
import json
import threading
from urllib.parse import urlsplit

import pytest
from django.db import connection

from booking.models import Appointment, Occupancy
from tests.booking.conftest import proof_fields

pytestmark = pytest.mark.django_db(transaction=True)

REQUESTS = 50


def test_fifty_concurrent_http_bookings_of_one_time_give_one_201_and_409s_with_next_times(
    live_server, clock, counsellor, relaxed_limits
):
    assert connection.vendor == "postgresql"
    address = urlsplit(live_server.url)
    barrier = threading.Barrier(REQUESTS)
    answers: list[tuple[int, dict]] = []
    failures: list[BaseException] = []

    proofs = [proof_fields() for _n in range(REQUESTS)]  # each client solves its own challenge

    def attempt(n: int) -> None:
        body = json.dumps(
            {
                "service": "grundsicherung",
                "location": "stadthaus-3",
                "start": "2026-12-01T08:00:00Z",
                "name": f"Person {n}",
                "reminder": "email",
                "email": f"person{n}@example.org",
                **proofs[n],
            }
        )
        conn = http.client.HTTPConnection(address.hostname, address.port, timeout=60)  # one each
        try:
            conn.connect()
            barrier.wait()
            conn.request("POST", "/api/v1/bookings", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            answers.append((response.status, json.loads(response.read() or b"{}")))
        except Exception as error:  # reported below: every request must get an HTTP answer
            failures.append(error)
        finally:
            conn.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, f"{len(failures)} requests got no HTTP answer: {failures[:3]}"
    statuses = sorted(status for status, _body in answers)
    assert statuses == [201] + [409] * (REQUESTS - 1)
    assert all(body["next_free"] for status, body in answers if status == 409)
    assert Appointment.objects.count() == 1 and Occupancy.objects.count() == 9
