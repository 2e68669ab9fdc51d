"""Booking-wizard data leaves the session store 30 minutes after the wizard's last step."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session

from booking.tasks import clear_sessions
from tests.booking.test_pages import PERSON, choose_time, rendered

pytestmark = pytest.mark.django_db

STEP = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def stored_wizard_data() -> list[dict]:
    """What the session table holds of the wizard, expired rows included."""
    return [
        {key: data[key] for key in ("booking", "booking_done") if key in data}
        for data in (s.get_decoded() for s in Session.objects.all())
        if "booking" in data or "booking_done" in data
    ]


def fill_in(client) -> None:
    choose_time(client)
    client.post("/termin/angaben/", {**PERSON, "rendered": rendered()})


def test_after_31_minutes_the_session_store_holds_no_wizard_data(client, counsellor, relaxed_limits):
    with time_machine.travel(STEP, tick=False) as clock:
        fill_in(client)
        assert stored_wizard_data()[0]["booking"]["person"]["name"] == PERSON["name"]
        clock.shift(dt.timedelta(minutes=31))
        clear_sessions.delay()  # the hourly beat job
        assert stored_wizard_data() == []
        # The page says the time ran out and offers the choice again, from a cookie that holds
        # nothing personal.
        page = client.get("/termin/pruefen/").content.decode()
        assert "Die Zeit für Ihre Buchung ist abgelaufen" in page and PERSON["name"] not in page


def test_a_confirmation_with_its_token_is_gone_after_31_minutes_too(client, counsellor, relaxed_limits):
    with time_machine.travel(STEP, tick=False) as clock:
        fill_in(client)
        client.post("/termin/pruefen/")
        assert "token" in stored_wizard_data()[0]["booking_done"]
        clock.shift(dt.timedelta(minutes=31))
        clear_sessions.delay()
        assert stored_wizard_data() == []


def test_a_staff_session_keeps_its_day_but_loses_stale_wizard_data(client, counsellor, relaxed_limits, clerk):
    with time_machine.travel(STEP, tick=False) as clock:
        client.force_login(clerk)
        fill_in(client)
        clock.shift(dt.timedelta(minutes=31))
        clear_sessions.delay()
        assert stored_wizard_data() == []
        assert client.get("/intern/").status_code == 200  # still signed in


def test_a_wizard_in_progress_is_kept(client, counsellor, relaxed_limits):
    with time_machine.travel(STEP, tick=False) as clock:
        fill_in(client)
        clock.shift(dt.timedelta(minutes=20))
        clear_sessions.delay()
        assert stored_wizard_data() and client.get("/termin/pruefen/").status_code == 200


def test_the_clean_up_runs_every_hour():
    schedule = settings.CELERY_BEAT_SCHEDULE["booking-clear-sessions"]
    assert schedule["task"] == "booking.tasks.clear_sessions"
    assert schedule["schedule"].hour == set(range(24))
