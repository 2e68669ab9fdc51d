"""Fixtures for booking tests: a counsellor for the location's appointment service, a citizen."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from booking import confirming, proof, services

# Monday 30 November 2026, 10:00 in Münster: Tuesday 1 December is the first bookable day.
NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
TUESDAY_9 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)  # 09:00 local


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def person():
    return {
        "name": "Erika Mustermann",
        "email": "erika@example.org",
        "phone": "",
        "street": "Hammer Straße 12",
        "postcode": "48153",
        "city": "Münster",
        "reminder": "both",
        "language": "de",
    }


@pytest.fixture
def relaxed_limits(settings):
    """Rate limits and the minimum fill time are tested on their own; elsewhere they stay out of the way."""
    settings.BOOKING_SEARCH_RATE = 100_000
    settings.BOOKING_POST_RATE = 100_000
    settings.BOOKING_ANONYMOUS_PER_HOUR = 100_000
    settings.BOOKING_MIN_FILL_SECONDS = 0


def proof_fields(age_seconds: int = 60) -> dict:
    """A solved challenge, issued `age_seconds` ago (what an API client fetches and solves)."""
    challenge = proof.issue_challenge(at=timezone.now().timestamp() - age_seconds)
    return {"challenge": challenge, "nonce": proof.solve(challenge)}


def book_confirmed(**kwargs) -> services.Booked:
    """An online booking as the citizen makes it final: booked, then (with an e-mail address)
    confirmed by the link in the e-mail."""
    booked = services.book_appointment(**kwargs)
    if booked.appointment.status == booked.appointment.Status.PENDING:
        confirming.confirm_appointment(appointment=booked.appointment)
        booked.appointment.refresh_from_db()
    return booked
