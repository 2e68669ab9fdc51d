"""Booking bench: SQL queries of the free-times page and API with 0 and 2,000 bookings, and
requests per second under gunicorn (4 sync workers, as the README deploys it) of the 4-week
free-times API and of booking POSTs against a trivial Django view served the same way in the
same run: rounds of each kind in turn, so that the machine's changing speed moves the yardstick
and the endpoints alike. The ratios are those of the totals over the rounds. Then the rush:
free-time reads spread over the calendar page, every day page and the API with many different
ranges, while another client books 10 times a second; reads per second and their p95 latency.
Last, the 4-week API on a second server with the free-times cache off (each request works the
free times out from the bookings, as after every booking; the office plan of hours and
counsellors stays cached) and on a third with the office plan's cache off too.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sz_booking_bench \\
    BENCH_REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/booking.py

The database named in BENCH_DATABASE_URL is DROPPED and created anew on every run.
"""

import datetime as dt
import http.client
import json
import multiprocessing
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sz_booking_bench")
ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DATABASE_URL": DB_URL,
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
    "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "LOG_LEVEL": "ERROR",
}
os.environ.update(ENV)
PORT = int(os.environ.get("BENCH_PORT", "8102"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))  # as the README deploys it
THREADS = int(os.environ.get("BENCH_THREADS", "1"))  # >1: gthread workers
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
CLIENT_THREADS = int(os.environ.get("BENCH_CLIENT_THREADS", "4"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
COUNSELLORS = 20
BOOKINGS = 2000


def ensure_database() -> None:
    import psycopg2

    name = urlparse(DB_URL).path.lstrip("/")
    conn = psycopg2.connect(DB_URL.rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        # A new database each run: no leftovers from older schemas or runs.
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def setup_django():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    from django.core.cache import cache

    cache.clear()


def seed_office():
    from booking.models import Counsellor, WorkingHours
    from sozialamt import demo
    from sozialamt.models import Service

    location = demo.seed_office()
    service = Service.objects.get(slug="grundsicherung")
    for n in range(COUNSELLORS):
        counsellor = Counsellor.objects.create(name=f"Beratung {n + 1}", location=location, room=f"E.{n:02d}")
        counsellor.services.add(service)
        WorkingHours.objects.bulk_create(
            WorkingHours(
                counsellor=counsellor,
                weekday=weekday,
                starts=dt.time.fromisoformat(opens),
                ends=dt.time.fromisoformat(closes),
            )
            for weekday, opens, closes in demo.SEED_HOURS
        )
    return location, service


def seed_bookings(location, service) -> int:
    """2,000 bookings spread over the counsellors and the bookable days (bulk, with occupancy)."""
    from django.core.cache import cache

    from booking.models import UNIT_MINUTES, Appointment, Counsellor, Occupancy
    from booking.selectors import availability
    from booking.services import new_code
    from booking.slots import units

    avail = availability(service=service, location=location)
    counsellors = list(Counsellor.objects.filter(location=location))
    appointments = []
    # Every 90 minutes (45 booked, 45 free) for every counsellor (all work the same hours), then
    # into a few of the gaps.
    slots = [slot for offset in (0, 3) for plan in avail.days for slot in plan.slots[offset::6]]
    for slot in slots:
        for counsellor in counsellors:
            if len(appointments) < BOOKINGS:
                appointments.append(
                    Appointment(
                        code=new_code(),
                        token_hash=f"{len(appointments):064x}",
                        service=service,
                        location=location,
                        counsellor=counsellor,
                        start=slot.start,
                        end=slot.end,
                        name="Bench",
                    )
                )
    Appointment.objects.bulk_create(appointments)
    unit = dt.timedelta(minutes=UNIT_MINUTES)
    Occupancy.objects.bulk_create(
        (
            Occupancy(counsellor_id=a.counsellor_id, unit_start=u, appointment=a)
            for a in appointments
            for u in units(a.start, a.end, unit)
        ),
        batch_size=5000,
    )
    cache.clear()  # bulk_create sends no signals: nothing cached from before stays
    return len(appointments)


def count_queries(paths: list[str]) -> dict[str, tuple[int, int]]:
    """(uncached, cached) SQL queries per path."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client()
    counts = {}
    for path in paths:
        found = []
        for seconds in (0, 60):  # nothing cached (the office plan neither), then all from the cache
            with override_settings(
                BOOKING_FREE_TIMES_CACHE_SECONDS=seconds, BOOKING_OFFICE_CACHE_SECONDS=seconds * 10
            ):
                client.get(path)  # warm up (imports; fills the cache when on)
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            found.append(len(captured.captured_queries))
        counts[path] = tuple(found)
    return counts


def solved_challenge() -> dict:
    """The API's proof of work, fetched and solved ahead (a client's cost, not the server's)."""
    from booking import proof

    challenge = proof.issue_challenge(at=time.time() - 60)
    return {"challenge": challenge, "nonce": proof.solve(challenge)}


def free_starts(service, location, count: int) -> list:
    """Starts that do not overlap each other, one per free counsellor, so that every POST can
    succeed. Round by round (each start once, then each start with a counsellor left again):
    the clients book different times at once, as citizens do, and the last rounds book the
    same times one after the other."""
    from django.utils import timezone

    from booking.selectors import availability, offer_at

    rounds: list[list] = []
    last_end = None
    for plan in availability(service=service, location=location).days:
        for slot in plan.slots:
            if last_end is None or slot.start >= last_end:
                offer = offer_at(service=service, location=location, start=slot.start, now=timezone.now())
                for n in range(len(offer.counsellors)):
                    if n == len(rounds):
                        rounds.append([])
                    rounds[n].append(slot.start)
                last_end = slot.end
    return [start for starts in rounds for start in starts][:count]


def _send(method: str, path: str, bodies: list) -> list[int]:
    """Sends each body (None for a GET; else JSON and the client's address)."""
    statuses = []
    for body in bodies:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        headers = {}
        if body is not None:
            body, address = body
            headers = {"Content-Type": "application/json", "X-Forwarded-For": address}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        statuses.append(response.status)
        conn.close()
    return statuses


def _worker(args):
    """One client process with CLIENT_THREADS connections at a time."""
    method, path, bodies = args
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        chunks = pool.map(lambda i: _send(method, path, bodies[i::CLIENT_THREADS]), range(CLIENT_THREADS))
        return [status for chunk in chunks for status in chunk]


def load(method: str, path: str, bodies: list) -> tuple[float, dict[int, int]]:
    """Requests per second for the bodies (None for GET), sent by CLIENTS processes with
    CLIENT_THREADS connections each: enough requests in flight that the server, not the
    clients' waiting, sets the pace."""
    chunks = [(method, path, bodies[i::CLIENTS]) for i in range(CLIENTS)]
    with multiprocessing.Pool(CLIENTS) as pool:
        started = time.perf_counter()
        results = pool.map(_worker, chunks)
        elapsed = time.perf_counter() - started
    statuses: dict[int, int] = {}
    for status in (s for chunk in results for s in chunk):
        statuses[status] = statuses.get(status, 0) + 1
    return len(bodies) / elapsed, statuses


RUSH_BOOKINGS_PER_SECOND = 10
RUSH_READS = int(os.environ.get("BENCH_RUSH_READS", "1500"))


def rush_paths(service, location) -> list[str]:
    """The calendar page, every day page and the API over many ranges: many different URLs."""
    import random

    from django.utils import timezone

    today = timezone.localdate()
    days = [today + dt.timedelta(days=n) for n in range(1, 29)]
    base = f"/termin/{service.slug}/{location.slug}/"
    api = f"/api/v1/free-times?service={service.slug}&location={location.slug}"
    paths = [base, *(f"{base}{day}/" for day in days)]
    paths += [f"{api}&start={day}&end={day + dt.timedelta(days=n)}" for day in days for n in (0, 6, 13, 27)]
    rng = random.Random(7)
    return [rng.choice(paths) for _ in range(RUSH_READS)]


def _read_many(paths: list[str]) -> list[tuple[int, float]]:
    found = []
    for path in paths:
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        conn.close()
        found.append((response.status, time.perf_counter() - started))
    return found


def _reader(paths: list[str]) -> list[tuple[int, float]]:
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        chunks = pool.map(lambda i: _read_many(paths[i::CLIENT_THREADS]), range(CLIENT_THREADS))
        return [found for chunk in chunks for found in chunk]


def _booker(bodies: list, stop, results) -> None:
    """Books RUSH_BOOKINGS_PER_SECOND times a second until told to stop."""
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    for sent, body in enumerate(bodies):
        if stop.is_set():
            break
        time.sleep(max(0.0, started + sent / RUSH_BOOKINGS_PER_SECOND - time.perf_counter()))
        [status] = _send("POST", "/api/v1/bookings", [body])
        statuses[status] = statuses.get(status, 0) + 1
    results.put(statuses)


def rush(paths: list[str], bodies: list) -> tuple[float, list[float], dict[int, int], dict[int, int]]:
    """Reads per second over the paths while another client books; (rate, latencies, read
    statuses, booking statuses)."""
    stop, results = multiprocessing.Event(), multiprocessing.Queue()
    booker = multiprocessing.Process(target=_booker, args=(bodies, stop, results))
    booker.start()
    with multiprocessing.Pool(CLIENTS) as pool:
        started = time.perf_counter()
        chunks = pool.map(_reader, [paths[i::CLIENTS] for i in range(CLIENTS)])
        elapsed = time.perf_counter() - started
    stop.set()
    booked = results.get(timeout=60)
    booker.join()
    found = [one for chunk in chunks for one in chunk]
    statuses: dict[int, int] = {}
    for status, _seconds in found:
        statuses[status] = statuses.get(status, 0) + 1
    return len(found) / elapsed, [seconds for _status, seconds in found], statuses, booked


def serve(**extra_env: str):
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "sozialamt.wsgi:application",
        f"--workers={WORKERS}",
        f"--threads={THREADS}",
        f"--bind=127.0.0.1:{PORT}",
        "--log-level=error",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **ENV, **extra_env})
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/bench/trivial")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def main() -> None:
    ensure_database()
    setup_django()
    from django.utils import timezone

    location, service = seed_office()
    end = timezone.localdate() + dt.timedelta(days=28)
    api = f"/api/v1/free-times?service={service.slug}&location={location.slug}&end={end}"
    page = f"/termin/{service.slug}/{location.slug}/"
    empty = count_queries([page, api])
    booked = seed_bookings(location, service)
    full = count_queries([page, api])
    print("SQL queries (nothing cached, from the cache):")
    print(f"  0 bookings:    free-times page {empty[page]}, API {empty[api]}")
    print(f"  {booked} bookings: free-times page {full[page]}, API {full[api]}")
    vacuum_analyze()  # as autovacuum would soon after the bulk seed, so it does not run meanwhile
    warm_up, measured = 40, int(os.environ.get("BENCH_POSTS", "1000"))
    rush_bookings = int(os.environ.get("BENCH_RUSH_BOOKINGS", "400"))
    times = free_starts(service, location, warm_up + measured + rush_bookings)
    # Each booking from a network of its own, as citizens book (the network limit then
    # refuses none; bench/settings.py trusts one proxy's X-Forwarded-For).
    bodies = [
        (
            json.dumps(
                {
                    "service": service.slug,
                    "location": location.slug,
                    "start": start.isoformat(),
                    "name": f"Bench {n}",
                    "reminder": "email",
                    "email": f"bench{n}@example.org",
                    **solved_challenge(),
                }
            ),
            f"10.{n // 256 % 256}.{n % 256}.7",
        )
        for n, start in enumerate(times)
    ]
    trivial, free, posts = Tally(), Tally(), Tally()
    trivial_rush, reads, latencies, booked_in_rush = Tally(), Tally(), [], {}
    paths = rush_paths(service, location)
    rush_bodies = bodies[warm_up + measured :]
    server = serve()
    try:
        load("GET", "/bench/trivial", [None] * 200)  # warm up both workers
        load("GET", api, [None] * 20)
        load("POST", "/api/v1/bookings", bodies[:warm_up])  # both workers: connections, imports
        # Rounds of each kind in turn: a machine that gets slower or faster during the run
        # moves the yardstick and the endpoints alike.
        chunk = -(-measured // ROUNDS)
        for n in range(ROUNDS):
            trivial.add(*load("GET", "/bench/trivial", [None] * 3000))
            free.add(*load("GET", api, [None] * 300))
            posts.add(
                *load("POST", "/api/v1/bookings", bodies[warm_up + n * chunk : warm_up + (n + 1) * chunk])
            )
        for n in range(2):  # the rush, with the yardstick in turn
            trivial_rush.add(*load("GET", "/bench/trivial", [None] * 2000))
            rate, seconds, statuses, booked = rush(paths, rush_bodies[n::2])
            reads.add(rate, statuses)
            latencies += seconds
            for status, count in booked.items():
                booked_in_rush[status] = booked_in_rush.get(status, 0) + count
    finally:
        server.terminate()
        server.wait()
    trivial_2, uncached = Tally(), Tally()
    server = serve(BOOKING_FREE_TIMES_CACHE_SECONDS="0")
    try:
        load("GET", "/bench/trivial", [None] * 200)
        for _n in range(2):
            trivial_2.add(*load("GET", "/bench/trivial", [None] * 1000))
            uncached.add(*load("GET", api, [None] * 150))
    finally:
        server.terminate()
        server.wait()
    trivial_3, nothing_cached = Tally(), Tally()
    server = serve(BOOKING_FREE_TIMES_CACHE_SECONDS="0", BOOKING_OFFICE_CACHE_SECONDS="0")
    try:
        load("GET", "/bench/trivial", [None] * 200)
        for _n in range(2):
            trivial_3.add(*load("GET", "/bench/trivial", [None] * 1000))
            nothing_cached.add(*load("GET", api, [None] * 75))
    finally:
        server.terminate()
        server.wait()
    print(
        f"gunicorn {WORKERS} workers x {THREADS} threads, {CLIENTS} client processes x {CLIENT_THREADS}"
        f" connections, {ROUNDS} rounds in turn, same run:"
    )
    print(f"  trivial view           {trivial.rate:8.1f} req/s  per round {trivial.rounds()}")
    print(
        f"  free-times API 4 weeks {free.rate:8.1f} req/s = {free.rate / trivial.rate:.2f}x trivial  {free}"
    )
    print(
        f"  booking POSTs          {posts.rate:8.1f} req/s = {posts.rate / trivial.rate:.2f}x trivial  {posts}"
    )
    p95 = sorted(latencies)[int(len(latencies) * 0.95)] * 1000
    print(f"rush: reads over {len(set(paths))} URLs while another client books {RUSH_BOOKINGS_PER_SECOND}/s:")
    print(f"  trivial view           {trivial_rush.rate:8.1f} req/s")
    print(
        f"  free-time reads        {reads.rate:8.1f} req/s = {reads.rate / trivial_rush.rate:.2f}x trivial"
        f"  p95 {p95:.0f} ms  {reads}; bookings meanwhile {booked_in_rush}"
    )
    print("with the free-times cache switched off, every request works the free times out from the")
    print("bookings; the office plan (hours, counsellors) stays cached (second server, same run):")
    print(f"  trivial view           {trivial_2.rate:8.1f} req/s")
    print(
        f"  free-times API 4 weeks {uncached.rate:8.1f} req/s = {uncached.rate / trivial_2.rate:.2f}x trivial"
        f"  {uncached}"
    )
    print("with the office plan's cache switched off too (third server, same run):")
    print(f"  trivial view           {trivial_3.rate:8.1f} req/s")
    print(
        f"  free-times API 4 weeks {nothing_cached.rate:8.1f} req/s"
        f" = {nothing_cached.rate / trivial_3.rate:.2f}x trivial  {nothing_cached}"
    )


class Tally:
    """Requests, seconds and statuses of one kind of request over the rounds."""

    def __init__(self):
        self.requests, self.seconds, self.statuses, self.rates = 0, 0.0, {}, []

    def add(self, rate: float, statuses: dict[int, int]) -> None:
        count = sum(statuses.values())
        self.requests += count
        self.seconds += count / rate
        self.rates.append(rate)
        for status, n in statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + n

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def rounds(self) -> str:
        return ", ".join(f"{rate:.0f}" for rate in self.rates)

    def __str__(self) -> str:
        return f"statuses {self.statuses}, per round {self.rounds()} req/s"


def vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


if __name__ == "__main__":
    main()
