"""Pages with personal data tell browsers and proxies to keep no copy (Cache-Control: no-store)."""

import pytest
from django.urls import reverse

from tests.booking.conftest import TUESDAY_9, book_confirmed
from tests.booking.test_pages import PERSON, choose_time, rendered
from tests.staff import sign_in

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_review_and_confirmation_pages_are_not_stored(client, clock, counsellor, relaxed_limits):
    choose_time(client)
    assert no_store(client.post("/termin/angaben/", {**PERSON, "rendered": rendered()}))
    review = client.get("/termin/pruefen/")
    assert review.status_code == 200 and no_store(review)
    client.post("/termin/pruefen/")
    done = client.get("/termin/bestaetigung/")
    assert done.status_code == 200 and no_store(done)


def test_the_manage_pages_are_not_stored(client, clock, counsellor, appointment_service, location, person):
    booked = book_confirmed(service=appointment_service, location=location, start=TUESDAY_9, person=person)
    for name in ("manage", "cancel", "ics"):
        response = client.get(reverse(f"booking:{name}", args=[booked.token]))
        assert response.status_code == 200 and no_store(response), name


def test_the_call_list_is_not_stored(client, clerk):
    sign_in(client, clerk)
    response = client.get(reverse("reminders:call-list"))
    assert response.status_code == 200 and no_store(response)
