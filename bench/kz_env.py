"""The environment of the in-process call-next scripts (bench/kz_cpu.py, bench/kz_profile_call_next.py):
the bench's settings against the database bench/kundenzentrum.py seeded, persistent connections."""

import os
import sys
from pathlib import Path

ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.kz_settings",
    "DEBUG": "false",
    "SECRET_KEY": "bench-" + "x" * 50,
    "ALLOWED_HOSTS": "testserver",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "CONN_MAX_AGE": "60",
}


def apply(**extra: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.update({**ENV, **extra})
