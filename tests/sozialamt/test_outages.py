"""Outages: /healthz answers within 2 s whatever hangs; a database that is away gives a 503 page."""

import time

import pytest
import requests

from tests.servers import free_port, hung_server, server

pytestmark = pytest.mark.django_db


def test_healthz_answers_503_within_two_seconds_when_redis_hangs(client, settings):
    client.get("/healthz")  # the first request of a process imports the URLs
    with hung_server() as port:
        settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
        settings.CACHES = {
            "default": {
                **settings.CACHES["default"],
                "LOCATION": settings.REDIS_URL,
                "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
            }
        }
        began = time.monotonic()
        response = client.get("/healthz")
        took = time.monotonic() - began
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "redis": "timeout"}
    assert took < 2


def test_with_postgresql_stopped_pages_answer_503_with_retry_after_and_the_phone_number():
    # Nothing listens on this port: the database is "stopped" for this server only.
    with server(f"postgres://postgres@127.0.0.1:{free_port()}/sozialamt") as url:
        german = requests.get(url + "/", timeout=10)
        english = requests.get(url + "/oeffnungszeiten/", headers={"Accept-Language": "en"}, timeout=10)
        health = requests.get(url + "/healthz", timeout=10)
    assert german.status_code == 503 and german.headers["Retry-After"] == "30"
    assert "vorübergehend nicht erreichbar" in german.text and "0251 492-0" in german.text
    assert 'lang="de"' in german.text and "Server Error" not in german.text
    assert english.status_code == 503 and "temporarily unavailable" in english.text
    assert "0251 492-0" in english.text
    assert health.status_code == 503 and health.json()["database"] == "error"


def test_healthz_answers_within_two_seconds_when_postgresql_hangs():
    with hung_server() as port, server(f"postgres://postgres@127.0.0.1:{port}/sozialamt") as url:
        began = time.monotonic()
        health = requests.get(url + "/healthz", timeout=10)
        took = time.monotonic() - began
    assert health.status_code == 503 and health.json()["database"] == "timeout"
    assert took < 2
