"""Bench of the statistics page on PostgreSQL: a year of one location.

Seeds about 250 open days x (300 tickets + 80 appointments) with their history rows (about
95,000 rows plus some 350,000 history rows), then, against gunicorn (one sync worker, persistent database connections, a signed-in team
lead), takes turns requesting the trivial view, the statistics page for the year and for four
weeks, and reports each one's median time; in this process it counts the SQL queries per page
and streams the year's ticket CSV, measuring Python's peak memory (tracemalloc) against the
bytes sent.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sz_stats_bench REDIS_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python bench/stats_page.py [--rounds 15] [--keep]
"""

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "CACHE_KEY_PREFIX": "statsbench",
    }
)
FIRST_DAY, LAST_DAY = dt.date(2025, 12, 1), dt.date(2026, 11, 30)
TICKETS_PER_DAY, APPOINTMENTS_PER_DAY, COUNSELLORS = 300, 80, 10
PORT = 8213
BASE = f"http://127.0.0.1:{PORT}"


def create_database(keep: bool) -> None:
    name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    if name == "sozialamt":
        raise SystemExit("refusing to touch the database 'sozialamt'")
    if not keep:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)


def seed() -> None:
    from booking.models import Appointment, Counsellor, WorkingHours
    from sozialamt import demo
    from sozialamt.selectors import office_calendar

    location = demo.seed_office()
    walk_in = list(location.services.walk_in().exclude(ticket_letter=""))
    by_appointment = list(location.services.by_appointment())
    counsellors = []
    for n in range(COUNSELLORS):
        counsellor = Counsellor.objects.create(name=f"Beratung {n}", location=location)
        counsellor.services.set(by_appointment)
        WorkingHours.objects.bulk_create(
            WorkingHours(counsellor=counsellor, weekday=wd, starts=dt.time(8), ends=dt.time(15))
            for wd in range(5)
        )
        counsellors.append(counsellor)
    rng = random.Random(13)
    calendar = office_calendar(location, FIRST_DAY, LAST_DAY)
    days = [d for d in calendar.days(FIRST_DAY, LAST_DAY) if d.is_open]
    for number, day in enumerate(days):
        appointments = _appointments(rng, location, by_appointment, counsellors, day, number)
        Appointment.objects.bulk_create(appointments, batch_size=2000)
        _appointment_history(appointments, rng.randint(1, 28))
        _tickets(rng, location, walk_in, day, appointments)
    print(f"seeded {len(days)} open days", flush=True)


def _appointments(rng, location, services, counsellors, day, number) -> list:
    from booking.models import Appointment

    found = []
    for i in range(APPOINTMENTS_PER_DAY):
        start = day.opens + dt.timedelta(minutes=45 * (i // COUNSELLORS))
        service = services[i % len(services)]
        status = rng.choices(["done", "no_show", "cancelled", "checked_in"], [75, 10, 14, 1])[0]
        found.append(
            Appointment(
                code=f"B{number:03d}{i:03d}",
                token_hash=f"{number:032x}{i:032x}",
                service=service,
                location=location,
                counsellor=counsellors[i % COUNSELLORS],
                start=start,
                end=start + dt.timedelta(minutes=service.duration_minutes),
                status=status,
                reminder=rng.choice(["email", "letter", "both", "none"]),
                anonymised_at=start,
            )
        )
    return found


def _appointment_history(appointments, lead_days: int) -> None:
    from django.db.models import F, OuterRef, Subquery

    from booking.models import Appointment, AppointmentHistory

    rows = []
    for a in appointments:
        rows.append(AppointmentHistory(appointment=a, new_status="booked"))
        if a.status in ("done", "checked_in"):
            rows.append(AppointmentHistory(appointment=a, old_status="booked", new_status="checked_in"))
        if a.status not in ("booked", "checked_in"):
            rows.append(AppointmentHistory(appointment=a, old_status="booked", new_status=a.status))
    AppointmentHistory.objects.bulk_create(rows, batch_size=5000)
    # auto_now_add stamped "now": the rows move to the appointment's time, the booking before it.
    ids = [a.pk for a in appointments]
    start = Subquery(Appointment.objects.filter(pk=OuterRef("appointment")).values("start")[:1])
    AppointmentHistory.objects.filter(appointment__in=ids).update(at=start)
    Appointment.objects.filter(pk__in=ids).update(created_at=F("start") - dt.timedelta(days=lead_days))


def _tickets(rng, location, services, day, appointments) -> None:
    from kundenzentrum.models import Ticket, TicketHistory

    opens, closes = day.opens, day.closes - dt.timedelta(minutes=30)
    span = int((closes - opens).total_seconds())
    attended = [a for a in appointments if a.status in ("done", "checked_in")][:40]
    tickets, plans = [], []
    for i in range(TICKETS_PER_DAY):
        appointment = attended[i] if i < len(attended) else None
        service = appointment.service if appointment else services[i % len(services)]
        issued = (
            (appointment.start - dt.timedelta(minutes=5))
            if appointment
            else opens + dt.timedelta(seconds=rng.randrange(span))
        )
        status = rng.choices(["served", "no_show", "not_served"], [88, 5, 7])[0]
        tickets.append(
            Ticket(
                location=location,
                service=service,
                day=day.date,
                letter=service.ticket_letter or "T",
                number=i + 1,
                status=status,
                issued_at=issued,
                appointment=appointment,
                due_at=appointment.start if appointment else None,
            )
        )
        plans.append((rng.randrange(0, 50), rng.randrange(3, 25), rng.random() < 0.1, rng.random() < 0.03))
    Ticket.objects.bulk_create(tickets, batch_size=2000)
    history = []
    for ticket, (wait, handle, recall, transfer) in zip(tickets, plans, strict=True):
        at = ticket.issued_at
        history.append(TicketHistory(ticket=ticket, new_status="waiting", at=at))
        if ticket.status == "not_served":
            history.append(
                TicketHistory(ticket=ticket, old_status="waiting", new_status="not_served", at=day.closes)
            )
            continue
        called = at + dt.timedelta(minutes=wait, seconds=17)
        history.append(TicketHistory(ticket=ticket, old_status="waiting", new_status="called", at=called))
        if recall or ticket.status == "no_show":
            called += dt.timedelta(minutes=2)
            history.append(TicketHistory(ticket=ticket, old_status="called", new_status="called", at=called))
        if ticket.status == "no_show":
            history.append(
                TicketHistory(
                    ticket=ticket,
                    old_status="called",
                    new_status="no_show",
                    at=called + dt.timedelta(minutes=2),
                )
            )
            continue
        started = called + dt.timedelta(minutes=1)
        history.append(TicketHistory(ticket=ticket, old_status="called", new_status="in_service", at=started))
        if transfer:
            history.append(
                TicketHistory(
                    ticket=ticket,
                    old_status="in_service",
                    new_status="waiting",
                    at=started + dt.timedelta(minutes=2),
                )
            )
            history.append(
                TicketHistory(
                    ticket=ticket,
                    old_status="waiting",
                    new_status="called",
                    at=started + dt.timedelta(minutes=9),
                )
            )
            history.append(
                TicketHistory(
                    ticket=ticket,
                    old_status="called",
                    new_status="in_service",
                    at=started + dt.timedelta(minutes=10),
                )
            )
        done = started + dt.timedelta(minutes=handle + (10 if transfer else 0))
        history.append(TicketHistory(ticket=ticket, old_status="in_service", new_status="served", at=done))
        ticket.finished_at = done
    TicketHistory.objects.bulk_create(history, batch_size=5000)
    Ticket.objects.bulk_update([t for t in tickets if t.finished_at], ["finished_at"], batch_size=2000)


def _team_lead_session() -> str:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore

    from sozialamt import roles

    user, _ = get_user_model().objects.get_or_create(username="bench-lead")
    user.groups.add(Group.objects.get_or_create(name=roles.TEAM_LEAD)[0])
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def serve():
    """gunicorn with one sync worker (the bench is one client asking in turn)."""
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "sozialamt.wsgi:application",
        "--workers=1",
        f"--bind=127.0.0.1:{PORT}",
        "--log-level=error",
        "--timeout=120",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "CONN_MAX_AGE": "60"})
    for _ in range(100):
        try:
            if requests.get(f"{BASE}/bench/trivial", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def measure(rounds: int) -> None:
    """Median times over HTTP (trivial view, year, four weeks taking turns), queries per page."""
    session = requests.Session()
    session.cookies.set("sessionid", _team_lead_session())
    urls = {
        "trivial": "/bench/trivial",
        "year": f"/intern/statistik/?start={FIRST_DAY}&end={LAST_DAY}",
        "four_weeks": f"/intern/statistik/?start={LAST_DAY - dt.timedelta(days=27)}&end={LAST_DAY}",
    }
    server = serve()
    try:
        for url in urls.values():  # warm up (connection, templates, plans)
            assert session.get(BASE + url, timeout=120).status_code == 200
        times = {name: [] for name in urls}
        for _ in range(rounds):
            for name, url in urls.items():
                started = time.perf_counter()
                response = session.get(BASE + url, timeout=120)
                times[name].append(time.perf_counter() - started)
                assert response.status_code == 200, response.status_code
    finally:
        server.terminate()
        server.wait()
    medians = {name: _median(values) * 1000 for name, values in times.items()}
    for name, value in medians.items():
        print(f"{name}: median {value:.2f} ms over {rounds} requests")
    print(f"year / trivial = {medians['year'] / medians['trivial']:.0f}x (limit 200x)")
    print(f"four weeks / trivial = {medians['four_weeks'] / medians['trivial']:.0f}x")
    _queries_and_stream(urls)


def _queries_and_stream(urls: dict) -> None:
    """In this process: SQL queries per page, and the year's CSV streamed with its peak memory."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-lead"))
    for name in ("year", "four_weeks"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(urls[name]).status_code == 200
        print(f"{name}: {len(captured.captured_queries)} SQL queries per page")
    _stream(client)


def _median(values: list[float]) -> float:
    # This file's name hides the standard library's statistics module from itself.
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _stream(client) -> None:
    tracemalloc.start()
    response = client.get(f"/intern/statistik/export/wartenummern.csv?start={FIRST_DAY}&end={LAST_DAY}")
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += 1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"year CSV: {lines - 1} rows, {size / 1e6:.1f} MB streamed, peak Python memory {peak / 1e6:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="reuse the seeded database")
    args = parser.parse_args()
    create_database(args.keep)
    import django

    django.setup()
    from django.core.management import call_command

    if not args.keep:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        seed()
        print(f"seeding took {time.perf_counter() - started:.0f} s")
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from booking.models import Appointment
    from kundenzentrum.models import Ticket, TicketHistory

    print(
        f"{Ticket.objects.count()} tickets, {Appointment.objects.count()} appointments, "
        f"{TicketHistory.objects.count()} ticket history rows"
    )
    measure(args.rounds)


if __name__ == "__main__":
    main()
