"""The API has the form's bot checks (honeypot, fill time) and a proof of work on a
server-issued challenge, good once."""

import datetime as dt

import pytest

from booking import proof
from booking.models import Appointment
from tests.booking.conftest import proof_fields
from tests.booking.test_api import BASE, payload

pytestmark = pytest.mark.django_db


def post(client, **changes):
    return client.post(f"{BASE}/bookings", payload(**changes), content_type="application/json")


def refused_at(response) -> str:
    assert response.status_code == 422, response.content
    return response.json()["detail"][0]["loc"][-1]


def test_a_client_fetches_a_challenge_solves_it_and_books(client, clock, counsellor, settings):
    settings.BOOKING_MIN_FILL_SECONDS = 3
    issued = client.get(f"{BASE}/challenge").json()
    assert issued["bits"] == settings.BOOKING_POW_BITS and issued["valid_after_seconds"] == 3
    nonce = proof.solve(issued["challenge"], issued["bits"])
    assert refused_at(post(client, challenge=issued["challenge"], nonce=nonce)) == "challenge"  # too fast
    clock.shift(dt.timedelta(seconds=4))
    assert post(client, challenge=issued["challenge"], nonce=nonce).status_code == 201


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"nonce": "not-the-solution"}, "nonce"),
        ({"challenge": "1.abc.0123456789abcdef0123456789abcdef"}, "challenge"),  # not ours
        ({"website": "http://spam.example"}, "website"),  # the honeypot
    ],
)
def test_a_booking_without_a_valid_proof_or_with_the_honeypot_filled_is_refused(
    client, clock, counsellor, relaxed_limits, changes, field
):
    fields = proof_fields()
    if "nonce" in changes:  # a nonce that really does not solve it
        changes["nonce"] = next(
            str(n) for n in range(1000) if proof.leading_zero_bits(fields["challenge"], str(n)) < 8
        )
    assert refused_at(post(client, **{**fields, **changes})) == field
    assert not Appointment.objects.exists()


def test_a_booking_without_challenge_fields_is_a_422(client, clock, counsellor, relaxed_limits):
    body = {k: v for k, v in payload().items() if k not in ("challenge", "nonce")}
    response = client.post(f"{BASE}/bookings", body, content_type="application/json")
    assert response.status_code == 422
    assert {e["loc"][-1] for e in response.json()["detail"]} == {"challenge", "nonce"}


def test_a_challenge_is_good_once_and_not_for_ever(client, clock, counsellor, relaxed_limits, settings):
    fields = proof_fields()
    assert post(client, **fields).status_code == 201
    second = post(client, start="2026-12-01T10:00:00Z", email="b@example.org", **fields)
    assert refused_at(second) == "challenge" and "schon verwendet" in second.json()["detail"][0]["msg"]
    old = proof_fields(age_seconds=settings.BOOKING_CHALLENGE_MINUTES * 60 + 1)
    expired = post(client, start="2026-12-01T10:00:00Z", email="c@example.org", **old)
    assert refused_at(expired) == "challenge" and "abgelaufen" in expired.json()["detail"][0]["msg"]
    assert Appointment.objects.count() == 1


def test_the_real_difficulty_takes_real_work():
    from sozialamt import settings as real

    assert real.BOOKING_POW_BITS >= 16  # tests/settings.py makes it cheap; production is not
    challenge = proof.issue_challenge()
    assert proof.leading_zero_bits(challenge, proof.solve(challenge, 12)) >= 12
