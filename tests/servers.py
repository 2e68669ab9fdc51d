"""Servers in subprocesses for tests that need the deployed stack: gunicorn, a port that hangs."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def hung_server():
    """A port that accepts connections (the kernel's backlog) but never answers a byte."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


@contextlib.contextmanager
def server(database_url: str, *, redis_url: str = "", output: list | None = None):
    """The app under gunicorn in a subprocess, started as the README's deployment section says,
    with the given database; what it logged is appended to `output` when it has stopped."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "OFFICE_PHONE": "0251 492-0",
        "DB_CONNECT_TIMEOUT": "10",
    }
    # The README's command line, with one worker.
    command = ["gunicorn", "sozialamt.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    process = subprocess.Popen(
        [sys.executable, "-m", *command, "--access-logfile", "-"],
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
        logged, _ = process.communicate(timeout=30)
        if output is not None:
            output.append(logged.decode())


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stdout.read().decode())
        with contextlib.suppress(requests.ConnectionError):
            # A 404 without the database; the worker imports the URLs on its first request.
            requests.get(url + "/gibt-es-nicht/", timeout=5)
            return
        time.sleep(0.2)
    raise AssertionError("the server did not start")
