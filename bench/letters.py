"""Bench: a print batch of 1,000 letters (wall time, peak memory) and the e-mail sweep over
10,000 appointments with 1,000 due (queries per batch).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sz_bench .venv/bin/python bench/letters.py [--letters 1000]

Uses (and empties) the database it is given; without DATABASE_URL a temporary SQLite file.
Peak memory is the resident set size of a child process that only builds the batch.
"""

import argparse
import datetime as dt
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.gettempdir()}/reminders-bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sozialamt.settings")
os.environ["LOG_LEVEL"] = "WARNING"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from booking.models import Appointment, Counsellor  # noqa: E402
from messaging import services  # noqa: E402
from messaging.batches import build_print_batches  # noqa: E402
from messaging.models import Message, PrintBatch  # noqa: E402
from sozialamt.models import Location, Service  # noqa: E402


def setup_office() -> tuple[Location, Service, Counsellor]:
    call_command("migrate", verbosity=0)
    Message.objects.all().delete()
    PrintBatch.objects.all().delete()
    Appointment.objects.all().delete()
    location, _ = Location.objects.get_or_create(
        slug="bench",
        defaults={
            "name": "Bench-Standort",
            "street": "Albersloher Weg 33",
            "postcode": "48155",
            "city": "Münster",
            "phone": "0251 492-0",
        },
    )
    service, _ = Service.objects.get_or_create(
        slug="bench", defaults={"name": "Grundsicherung", "documents": "Personalausweis\nBescheid"}
    )
    counsellor, _ = Counsellor.objects.get_or_create(
        name="Bench", location=location, defaults={"team": "Team A", "room": "1.12"}
    )
    return location, service, counsellor


def appointments(
    count: int, location, service, counsellor, start: dt.datetime, prefix: str, **fields
) -> list[Appointment]:
    rows = [
        Appointment(
            code=f"{prefix}{n:07d}",
            token_hash=f"{prefix}{n:063x}"[:64],
            service=service,
            location=location,
            counsellor=counsellor,
            start=start + dt.timedelta(minutes=n),
            end=start + dt.timedelta(minutes=n + 30),
            name=f"Erika Mustermann {n}",
            street=f"Hammer Straße {n}",
            postcode=f"{48000 + n % 999:05d}",
            city="Münster",
            **fields,
        )
        for n in range(count)
    ]
    return Appointment.objects.bulk_create(rows, batch_size=1000)


def bench_batch(letters: int) -> None:
    location, service, counsellor = setup_office()
    now = timezone.now()
    booked = appointments(
        letters, location, service, counsellor, now + dt.timedelta(days=5), "L", reminder="letter"
    )
    Message.objects.bulk_create(
        [
            Message(appointment=a, kind="reminder", channel="letter", due_at=now - dt.timedelta(hours=1))
            for a in booked
        ],
        batch_size=1000,
    )
    connections.close_all()
    context = multiprocessing.get_context("fork")
    child = context.Process(target=_build_in_child)
    started = time.perf_counter()
    child.start()
    child.join()
    wall = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    batch = PrintBatch.objects.get()
    size_mb = Path(batch.file.path).stat().st_size / 1024 / 1024
    print(
        f"print batch: {batch.letter_count} letters (+ cover), {batch.failed_count} failed, chunk {settings.PRINT_BATCH_CHUNK}"
    )
    print(f"  wall time {wall:.1f} s ({wall / max(1, batch.letter_count) * 1000:.0f} ms per letter)")
    print(f"  peak RSS of the building process {peak_mb:.0f} MB; PDF {size_mb:.1f} MB")


def _build_in_child() -> None:
    build_print_batches()


def bench_sweep(total: int, due: int) -> None:
    location, service, counsellor = setup_office()
    now = timezone.now()
    booked = appointments(
        total,
        location,
        service,
        counsellor,
        now + dt.timedelta(days=10),
        "S",
        reminder="email",
        email="b@example.org",
    )
    rows = [
        Message(
            appointment=a,
            kind="reminder",
            channel="email",
            due_at=now - dt.timedelta(minutes=1) if n < due else now + dt.timedelta(days=8),
        )
        for n, a in enumerate(booked)
    ]
    Message.objects.bulk_create(rows, batch_size=1000)
    runs = []
    while True:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            ids = services.sweep_due_messages(limit=settings.MESSAGE_SWEEP_BATCH)
            elapsed = time.perf_counter() - started
        runs.append((len(ids), len(captured.captured_queries), elapsed))
        if not ids:
            break
    print(
        f"sweep over {total} appointments with {due} due e-mails, batch size {settings.MESSAGE_SWEEP_BATCH}:"
    )
    for found, queries, elapsed in runs:
        print(f"  {found:5d} ids queued with {queries} queries in {elapsed * 1000:.0f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--appointments", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=1000)
    args = parser.parse_args()
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="reminders-bench-"))
    print(f"database: {connection.vendor}")
    bench_sweep(args.appointments, args.due)
    bench_batch(args.letters)
