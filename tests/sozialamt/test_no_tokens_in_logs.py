"""Management and kiosk tokens never reach a log: gunicorn's access log (as deployed, through
gunicorn.conf.py) and Django's request log both show […] in their place."""

import datetime as dt
import os

import pytest
import requests
from django.conf import settings

from booking import holds
from booking.models import Appointment
from kundenzentrum import services as queue_services
from sozialamt.logs import redact
from tests.booking.conftest import proof_fields
from tests.servers import server

pytestmark = pytest.mark.django_db(transaction=True)


def this_runs_database_url() -> str:
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    return f"{base}/{settings.DATABASES['default']['NAME']}"


def first_free_time(url: str) -> str:
    today = dt.date.today()
    query = {
        "service": "grundsicherung",
        "location": "stadthaus-3",
        "start": today,
        "end": today + dt.timedelta(days=28),
    }
    days = requests.get(f"{url}/api/v1/free-times", params=query, timeout=10).json()["days"]
    return next(time for day in days for time in day["times"])


def confirm_a_hold(url: str) -> str:
    """Books with an e-mail address and follows the e-mail's confirmation link (page, button)."""
    body = {
        "service": "grundsicherung",
        "location": "stadthaus-3",
        "start": first_free_time(url),
        "name": "Max Mustermann",
        "reminder": "email",
        "email": "max@example.org",
        **proof_fields(),
    }
    code = requests.post(f"{url}/api/v1/bookings", json=body, timeout=10).json()["code"]
    key = holds.confirm_key(Appointment.objects.get(code=code))
    session = requests.Session()
    link = f"{url}/termin/bestaetigen/{key}/"
    assert session.get(link, timeout=10).status_code == 200
    csrf = session.cookies["csrftoken"]
    confirmed = session.post(
        link, data={"csrfmiddlewaretoken": csrf}, headers={"Referer": link, "Origin": url}, timeout=10
    )
    assert confirmed.status_code == 200 and Appointment.objects.get(code=code).status == "booked"
    return key


def test_a_booking_a_manage_visit_and_a_kiosk_unlock_leave_no_token_in_the_logs(
    location, appointment_service, counsellor
):
    kiosk_token = queue_services.unlock_kiosk(location=location, name="Eingang", by=None)
    output: list[str] = []
    with server(this_runs_database_url(), redis_url=os.environ.get("REDIS_URL", ""), output=output) as url:
        booked = requests.post(
            f"{url}/api/v1/bookings",
            json={
                "service": "grundsicherung",
                "location": "stadthaus-3",
                "start": first_free_time(url),
                "name": "Erika Mustermann",
                "reminder": "none",
                **proof_fields(),
            },
            timeout=10,
        )
        assert booked.status_code == 201, booked.text
        token = booked.json()["token"]
        manage = f"{url}/termin/verwalten/{token}/"
        assert requests.get(manage, timeout=10).status_code == 200
        assert requests.get(f"{manage}absagen/", headers={"Referer": manage}, timeout=10).status_code == 200
        assert requests.get(f"{url}/api/v1/bookings/{token}", timeout=10).status_code == 200
        # Unknown tokens: Django logs the 404s and the 403 ("Not Found: /termin/verwalten/…/").
        assert requests.get(f"{url}/termin/verwalten/{token[::-1]}/", timeout=10).status_code == 404
        assert requests.get(f"{url}/api/v1/bookings/{token[::-1]}", timeout=10).status_code == 404
        confirm_key = confirm_a_hold(url)
        kiosk = f"{url}/kundenzentrum/kiosk/{location.slug}/"
        assert (
            requests.get(f"{kiosk}?token={kiosk_token}", allow_redirects=False, timeout=10).status_code == 302
        )
        assert requests.get(f"{kiosk}?token={kiosk_token[::-1]}", timeout=10).status_code == 403
    logged = output[0]
    assert 'GET /termin/verwalten/[…]/ HTTP/1.1" 200' in logged  # the access log is there
    assert "Not Found: /termin/verwalten/[…]/" in logged  # and Django's request log
    assert 'POST /termin/bestaetigen/[…]/ HTTP/1.1" 200' in logged
    for secret in (token, token[::-1], kiosk_token, kiosk_token[::-1], confirm_key):
        assert secret not in logged


@pytest.mark.parametrize(
    ("line", "clean"),
    [
        (
            "GET /termin/verwalten/abc_DEF-123/absagen/ HTTP/1.1",
            "GET /termin/verwalten/[…]/absagen/ HTTP/1.1",
        ),
        ("POST /api/v1/bookings/abc/move", "POST /api/v1/bookings/[…]/move"),
        ("POST /termin/bestaetigen/K7M4QX9abc/ HTTP/1.1", "POST /termin/bestaetigen/[…]/ HTTP/1.1"),
        ("POST /api/v1/bookings HTTP/1.1", "POST /api/v1/bookings HTTP/1.1"),
        (
            "GET /kundenzentrum/kiosk/x/?lang=de&token=abc HTTP/1.1",
            "GET /kundenzentrum/kiosk/x/?lang=de&token=[…] HTTP/1.1",
        ),
        (
            "/intern/anmelden/?next=/kundenzentrum/kiosk/x/%3Ftoken%3Dabc",
            "/intern/anmelden/?next=/kundenzentrum/kiosk/x/%3Ftoken%3D[…]",
        ),
    ],
)
def test_redact_cuts_every_token_out_of_a_url(line, clean):
    assert redact(line) == clean
