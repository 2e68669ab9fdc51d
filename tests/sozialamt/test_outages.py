"""Outages: /healthz answers within 2 s whatever hangs; a database that is away gives a 503 page."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def hung_server():
    """A port that accepts connections (the kernel's backlog) but never answers a byte."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


@contextlib.contextmanager
def server(database_url: str, *, redis_url: str = ""):
    """The app under gunicorn in a subprocess, as deployed, with the given database."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "OFFICE_PHONE": "0251 492-0",
        "DB_CONNECT_TIMEOUT": "10",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "sozialamt.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read().decode()
        with contextlib.suppress(requests.ConnectionError):
            # A 404 without the database; the worker imports the URLs on its first request.
            requests.get(url + "/gibt-es-nicht/", timeout=5)
            return
        time.sleep(0.2)
    raise AssertionError("the server did not start")


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
