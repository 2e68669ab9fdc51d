"""Bench of the walk-in queue against gunicorn on PostgreSQL + Redis.

Phase 1 (load): 20 clerks call next / start / finish in a loop, 5 kiosks issue tickets, 50
display screens poll the feed every 2 s with ETag. Reports duplicate calls, lock waits
(pg_stat_activity sampled every 50 ms), SQL queries per display poll and per call-next.
Phase 2 (throughput, same server): the same number of client threads (--threads, 8 by default
for 2 cores) hammer a trivial Django view and call-next, taking turns in three short rounds of
equal length (the machine is shared: other load then falls on both alike), then the display
feed (with ETag, as the screens do); each figure is completed requests / wall time, and the
ratios compare them. Every call-next request is a real call: a clerk holds at
most one called ticket, so the threads take turns through a pool of signed-in clerks (--call-pool)
at a location of its own (its desks and queue do not slow down the load phase's location), each
clerk calling once; nothing else is sent in between.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sz_kz_bench REDIS_URL=redis://127.0.0.1:6379/13 \\
        .venv/bin/python bench/kundenzentrum.py [--port 8202] [--seconds 30] [--threads 8] [--call-pool 3000]
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.kz_settings",
    "DEBUG": "false",
    "SECRET_KEY": "bench-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "CACHE_KEY_PREFIX": "kzbench",
    # Persistent database connections, as deployed (and as bench/booking.py runs); without them
    # every request that touches the database pays for a new PostgreSQL backend, the trivial
    # view never does. CONN_MAX_AGE=0 in the environment measures that case.
    "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
}
os.environ.update(ENV)
CLERKS, KIOSKS, SCREENS = 20, 5, 50
TIMEOUT = 10
ROUNDS = 3
ERRORS: Counter = Counter()


def setup_database(call_pool: int) -> dict:
    import django

    db_url = os.environ["DATABASE_URL"]
    name = db_url.rsplit("/", 1)[1]
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return seed(call_pool)


def seed(call_pool: int) -> dict:
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.cache import cache
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kundenzentrum import services
    from kundenzentrum.models import Desk, Ticket
    from sozialamt import demo, roles
    from sozialamt.models import Closure

    cache.clear()
    location = demo.seed_office()
    today = timezone.localdate()
    # Open all day today, whatever the clock says.
    Closure.objects.create(
        location=location, start=today, opens=dt.time(0, 0), closes=dt.time(23, 59), reason="Bench"
    )
    walk_in = list(location.services.walk_in().exclude(ticket_letter=""))
    clerk_group = Group.objects.get_or_create(name=roles.CLERK)[0]
    clerks = []
    for n in range(CLERKS):
        desk = Desk.objects.create(location=location, name=f"Platz {n + 1}")
        desk.services.set(walk_in)
        user = get_user_model().objects.create_user(f"bench{n}", password="x")  # noqa: S106
        user.groups.add(clerk_group)
        services.sign_in_to_desk(desk=desk, user=user)
        session = SessionStore()
        session.update(signed_in(user, TOTPDevice.objects.create(user=user, name="Bench", confirmed=True)))
        session.create()
        clerks.append({"desk": desk.pk, "session": session.session_key})
    # A long queue so that the clerks never run dry (numbers continue from the counter).
    now = timezone.now()
    for i in range(3000):
        service = walk_in[i % len(walk_in)]
        Ticket.objects.create(
            location=location, service=service, day=today, letter="Z", number=i + 1, issued_at=now
        )
    token = services.unlock_kiosk(location=location, name="Bench", by=None)
    return {
        "slug": location.slug,
        "clerks": clerks,
        "pool": seed_call_pool(walk_in, clerk_group, call_pool),
        "kiosk_token": token,
        "services": [s.slug for s in walk_in],
    }


def seed_call_pool(walk_in: list, clerk_group, size: int) -> list[dict]:
    """Signed-in clerks with a queue of their own for the call-next throughput run; each calls once."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kundenzentrum.models import Desk, DeskSession, Ticket
    from sozialamt.models import Location

    user_model = get_user_model()
    now, today = timezone.now(), timezone.localdate()
    pool = Location.objects.create(
        name="Bench-Pool", slug="bench-pool", street="Albersloher Weg 33", postcode="48155", city="Münster"
    )
    pool.services.set(walk_in)
    password = make_password("x")
    users = user_model.objects.bulk_create(
        user_model(username=f"pool{n}", password=password) for n in range(size)
    )
    user_model.groups.through.objects.bulk_create(
        user_model.groups.through(user_id=user.pk, group_id=clerk_group.pk) for user in users
    )
    desks = Desk.objects.bulk_create(Desk(location=pool, name=f"Pool {n}") for n in range(size))
    Desk.services.through.objects.bulk_create(
        Desk.services.through(desk_id=desk.pk, service_id=service.pk) for desk in desks for service in walk_in
    )
    DeskSession.objects.bulk_create(
        DeskSession(desk=desk, user=user, day=today, started_at=now)
        for desk, user in zip(desks, users, strict=True)
    )
    Ticket.objects.bulk_create(
        Ticket(
            location=pool,
            service=walk_in[i % len(walk_in)],
            day=today,
            letter="Y",
            number=i + 1,
            issued_at=now,
        )
        for i in range(size + 100)
    )
    devices = TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name="Bench", confirmed=True) for user in users
    )
    store = SessionStore()
    sessions = [
        Session(
            session_key=secrets.token_hex(16),
            session_data=store.encode(signed_in(user, device)),
            expire_date=now + dt.timedelta(hours=10),
        )
        for user, device in zip(users, devices, strict=True)
    ]
    Session.objects.bulk_create(sessions)
    return [{"desk": desk.pk, "session": s.session_key} for desk, s in zip(desks, sessions, strict=True)]


def signed_in(user, device) -> dict:
    """Session data of a staff member signed in with the second factor passed (as django-otp's
    login() leaves it): call-next answers only such a clerk."""
    from django_otp import DEVICE_ID_SESSION_KEY

    return {
        "_auth_user_id": str(user.pk),
        "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
        "_auth_user_hash": user.get_session_auth_hash(),
        DEVICE_ID_SESSION_KEY: device.persistent_id,
    }


def start_gunicorn(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "sozialamt.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--worker-class",
            "gthread",
            "--threads",
            "8",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **ENV},
    )
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit("gunicorn exited")
        try:
            requests.get(f"http://127.0.0.1:{port}/bench/trivial", timeout=5)
            return process
        except requests.RequestException:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("gunicorn did not start")


class Clerk:
    def __init__(self, base: str, info: dict) -> None:
        self.base, self.desk = base, info["desk"]
        self.http = requests.Session()
        csrf = secrets.token_hex(16)
        self.http.cookies.set("sessionid", info["session"])
        self.http.cookies.set("csrftoken", csrf)
        self.http.headers.update({"X-CSRFToken": csrf, "Referer": base + "/"})
        self.called: list[int] = []
        self.latencies: list[float] = []
        self.queries: list[int] = []

    def call_next(self) -> dict | None:
        started = time.perf_counter()
        response = self.http.post(
            f"{self.base}/api/v1/kundenzentrum/desks/{self.desk}/call-next", timeout=TIMEOUT
        )
        self.latencies.append(time.perf_counter() - started)
        self.queries.append(int(response.headers.get("X-Bench-Queries", -1)))
        if response.status_code == 204:
            return None
        response.raise_for_status()
        return response.json()

    def act(self, ticket: dict, action: str, seen: str) -> None:
        url = f"{self.base}/api/v1/kundenzentrum/desks/{self.desk}/tickets/{ticket['id']}/{action}"
        self.http.post(url, json={"seen": seen}, timeout=TIMEOUT).raise_for_status()

    def cycle(self) -> None:
        ticket = self.call_next()
        if ticket is None:
            return
        self.called.append(ticket["id"])
        self.act(ticket, "start", "called")
        self.act(ticket, "finish", "in_service")


def run_threads(count: int, work, seconds: float) -> None:
    stop = time.monotonic() + seconds

    def loop(index: int) -> None:
        while time.monotonic() < stop:
            try:
                work(index)
            except requests.RequestException as exc:
                ERRORS[type(exc).__name__] += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def sample_lock_waits(stop: threading.Event, found: Counter) -> None:
    import psycopg2

    dsn = os.environ["DATABASE_URL"]
    with psycopg2.connect(dsn) as conn:
        conn.autocommit = True
        with conn.cursor() as cursor:
            while not stop.is_set():
                cursor.execute(
                    "SELECT left(query, 60) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()"
                )
                for (query,) in cursor.fetchall():
                    found[query] += 1
                found["__samples__"] += 1
                time.sleep(0.05)


def phase_load(base: str, data: dict, seconds: float) -> dict:
    clerks = [Clerk(base, info) for info in data["clerks"]]
    issued, polls, poll_queries = Counter(), Counter(), Counter()
    kiosk = requests.Session()
    kiosk.headers["X-Kiosk-Token"] = data["kiosk_token"]
    feed_url = f"{base}/kundenzentrum/anzeige/{data['slug']}/feed/"
    etags: dict[int, str] = {}
    stop, locks = threading.Event(), Counter()
    sampler = threading.Thread(target=sample_lock_waits, args=(stop, locks))
    sampler.start()

    def issue(index: int) -> None:
        service = data["services"][index % len(data["services"])]
        response = kiosk.post(
            f"{base}/api/v1/kundenzentrum/tickets", json={"service": service}, timeout=TIMEOUT
        )
        issued[response.status_code] += 1

    def screen(index: int) -> None:
        headers = {"If-None-Match": etags[index]} if index in etags else {}
        response = requests.get(feed_url, headers=headers, timeout=5)
        polls[response.status_code] += 1
        poll_queries[response.status_code] += int(response.headers.get("X-Bench-Queries", -1))
        etags[index] = response.headers.get("ETag", "")
        time.sleep(2)

    workers = [
        threading.Thread(target=run_threads, args=(CLERKS, lambda i: clerks[i].cycle(), seconds)),
        threading.Thread(target=run_threads, args=(KIOSKS, issue, seconds)),
        threading.Thread(target=run_threads, args=(SCREENS, screen, seconds)),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    stop.set()
    sampler.join()
    every_call = [pk for clerk in clerks for pk in clerk.called]
    latencies = [lat for clerk in clerks for lat in clerk.latencies]
    return {
        "calls": len(every_call),
        "duplicate_calls_clients": len(every_call) - len(set(every_call)),
        "call_next_median_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "issued": dict(issued),
        "polls": dict(polls),
        "sql_per_poll": {status: round(poll_queries[status] / n, 3) for status, n in polls.items()},
        "sql_per_call_next": round(statistics.mean(q for c in clerks for q in c.queries), 1),
        "lock_wait_samples": {k: v for k, v in locks.items() if k != "__samples__"},
        "lock_samples_taken": locks["__samples__"],
    }


def hammer(threads: int, seconds: float, request) -> float:
    done = Counter()

    def work(index: int) -> None:
        request(index)
        done[index] += 1

    started = time.monotonic()
    run_threads(threads, work, seconds)
    return sum(done.values()) / (time.monotonic() - started)


def hammer_call_next(base: str, pool: list, threads: int, seconds: float, stats: dict) -> float:
    """Completed call-next requests / wall time; every request a fresh clerk calling a ticket.

    Like the trivial view's threads, each thread keeps one HTTP connection; only the clerk's
    cookies change from request to request."""
    stop, done, exhausted = time.monotonic() + seconds, Counter(), Counter()
    called, latencies, queries = stats["called"], stats["latencies"], stats["queries"]

    def loop(index: int) -> None:
        http = stats["http"][index]
        for info in pool[index]:
            if time.monotonic() >= stop:
                return
            csrf = secrets.token_hex(16)
            headers = {
                "Cookie": f"sessionid={info['session']}; csrftoken={csrf}",
                "X-CSRFToken": csrf,
                "Referer": base + "/",
            }
            started = time.perf_counter()
            try:
                response = http.post(
                    f"{base}/api/v1/kundenzentrum/desks/{info['desk']}/call-next",
                    headers=headers,
                    timeout=TIMEOUT,
                )
            except requests.RequestException as exc:
                ERRORS[type(exc).__name__] += 1
                continue
            latencies.append(time.perf_counter() - started)
            queries.append(int(response.headers.get("X-Bench-Queries", -1)))
            if response.status_code != 200:
                ERRORS[f"call-next answered {response.status_code}"] += 1
                continue
            called.append(response.json()["id"])
            done[index] += 1
        exhausted[index] += 1

    started = time.monotonic()
    workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    stats["exhausted"] += len(exhausted)
    return sum(done.values()) / (time.monotonic() - started)


def phase_throughput(base: str, data: dict, seconds: float, threads: int) -> dict:
    sessions = [requests.Session() for _ in range(threads)]
    feed_url = f"{base}/kundenzentrum/anzeige/{data['slug']}/feed/"
    etag = requests.get(feed_url, timeout=5).headers["ETag"]
    poll_sql = Counter()

    def poll(index: int, headers: dict) -> None:
        response = sessions[index].get(feed_url, headers=headers, timeout=TIMEOUT)
        poll_sql[response.status_code, "requests"] += 1
        poll_sql[response.status_code, "queries"] += int(response.headers["X-Bench-Queries"])

    def trivial(index: int) -> None:
        sessions[index].get(f"{base}/bench/trivial", timeout=TIMEOUT)

    # The machine is shared: trivial view and call-next take turns in short rounds, so that
    # load from elsewhere falls on both alike; each side's figure is the mean over its rounds.
    pool = [iter(data["pool"][i::threads]) for i in range(threads)]
    stats = {"called": [], "latencies": [], "queries": [], "exhausted": 0}
    stats["http"] = [requests.Session() for _ in range(threads)]
    trivial_rounds, call_rounds = [], []
    for _round in range(ROUNDS):
        trivial_rounds.append(hammer(threads, seconds / ROUNDS, trivial))
        call_rounds.append(hammer_call_next(base, pool, threads, seconds / ROUNDS, stats))
    trivial_rps, call_rps = statistics.mean(trivial_rounds), statistics.mean(call_rounds)
    poll_rps = hammer(threads, seconds, lambda i: poll(i, {"If-None-Match": etag}))
    poll_200_rps = hammer(threads, seconds, lambda i: poll(i, {}))
    latencies, called = stats["latencies"], stats["called"]
    return {
        "threads": threads,
        "trivial_rps": round(trivial_rps, 1),
        "display_poll_304_rps": round(poll_rps, 1),
        "display_poll_200_rps": round(poll_200_rps, 1),
        "call_next_rps": round(call_rps, 1),
        "call_next_median_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "sql_per_call_next": round(statistics.mean(stats["queries"]), 1) if stats["queries"] else None,
        "call_pool_exhausted_threads": stats["exhausted"],
        "rounds_trivial_rps": [round(r) for r in trivial_rounds],
        "rounds_call_next_rps": [round(r) for r in call_rounds],
        "ratio_poll_304": round(poll_rps / trivial_rps, 2),
        "ratio_poll_200": round(poll_200_rps / trivial_rps, 2),
        "ratio_call_next": round(call_rps / trivial_rps, 2),
        "duplicate_calls_clients": len(called) - len(set(called)),
        "sql_per_poll": {
            status: round(poll_sql[status, "queries"] / poll_sql[status, "requests"], 3)
            for status in (200, 304)
            if poll_sql[status, "requests"]
        },
    }


def duplicates_in_database() -> int:
    from django.db.models import Count

    from kundenzentrum.models import TicketHistory

    return (
        TicketHistory.objects.filter(old_status="waiting", new_status="called")
        .values("ticket")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8202)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--call-pool", type=int, default=3000)
    args = parser.parse_args()
    data = setup_database(args.call_pool)
    print("database ready", file=sys.stderr, flush=True)
    server = start_gunicorn(args.port)
    base = f"http://127.0.0.1:{args.port}"
    try:
        load = phase_load(base, data, args.seconds)
        print("load phase:", load, file=sys.stderr, flush=True)
        throughput = phase_throughput(base, data, args.seconds / 3, args.threads)
    finally:
        server.terminate()
        server.wait()
    print("load phase:", load)
    print("throughput phase:", throughput)
    print("client errors:", dict(ERRORS))
    print("duplicate calls in the database (waiting→called twice):", duplicates_in_database())


if __name__ == "__main__":
    main()
