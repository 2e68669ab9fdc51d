"""Staff sign-in lock-out: only the pair (user name, real client address), and only for minutes."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"  # every request reaches the app through the README's one proxy


def sign_in(username: str, password: str, address: str):
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)
    return client.post("/intern/anmelden/", {"username": username, "password": password})


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/intern/"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = 1
    settings.AXES_FAILURE_LIMIT = 5


def test_five_failures_with_made_up_names_do_not_lock_out_real_staff(behind_proxy):
    staff = UserFactory(username="sabine")
    for n in range(5):
        sign_in(f"made-up-{n}", "guess", "203.0.113.7")
    # Not from another address, and not even from the stranger's own address.
    assert signed_in(sign_in(staff.username, "secret-password", "198.51.100.20"))
    assert signed_in(sign_in(staff.username, "secret-password", "203.0.113.7"))


def test_wrong_passwords_from_one_address_do_not_lock_the_account_from_another(behind_proxy):
    staff = UserFactory(username="sabine")
    for _ in range(5):
        sign_in(staff.username, "wrong", "203.0.113.7")
    assert sign_in(staff.username, "secret-password", "203.0.113.7").status_code == 429
    assert signed_in(sign_in(staff.username, "secret-password", "198.51.100.20"))


def test_a_locked_pair_waits_minutes_not_an_hour(behind_proxy):
    staff = UserFactory(username="sabine")
    with time_machine.travel(dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(5):
            sign_in(staff.username, "wrong", "203.0.113.7")
        assert sign_in(staff.username, "secret-password", "203.0.113.7").status_code == 429
        clock.shift(dt.timedelta(minutes=6))
        assert signed_in(sign_in(staff.username, "secret-password", "203.0.113.7"))
