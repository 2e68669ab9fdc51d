"""In-process cost of call-next and the display's polls against the trivial view, for comparing
two versions of the code on a shared machine.

Against the database bench/kundenzentrum.py seeded (each call-next takes a fresh clerk of its
pool at "bench-pool"). Prints per request: the CPU time of this process (time.process_time, the
least and the median of five batches), the CPU time of its PostgreSQL backend (from /proc), and
the Python function calls (cProfile), which do not move with the load of the machine at all:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sz_kz_bench REDIS_URL=redis://127.0.0.1:6379/13 \\
        .venv/bin/python bench/kz_cpu.py [--calls 100]
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import kz_env

kz_env.apply(CACHE_KEY_PREFIX="kzbench")
BATCHES = 5


def cpu_ms(work, count: int) -> str:
    per_batch = []
    for batch in range(BATCHES):
        started = time.process_time()
        for index in range(batch * count // BATCHES, (batch + 1) * count // BATCHES):
            work(index)
        per_batch.append((time.process_time() - started) * 1000 / (count // BATCHES))
    return f"least {min(per_batch):.2f} median {statistics.median(per_batch):.2f} ms CPU"


def function_calls(work, count: int) -> float:
    profile = cProfile.Profile()
    profile.enable()
    for index in range(count):
        work(index)
    profile.disable()
    return pstats.Stats(profile).total_calls / count


def backend_cpu_ms(connection) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def clerks(count: int) -> list:
    """Test clients of signed-in clerks at the pool who hold no ticket, with their call-next URL."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bench.kundenzentrum import signed_in
    from kundenzentrum.models import DeskSession, Ticket

    holding = Ticket.objects.filter(status__in=Ticket.ACTIVE).exclude(clerk=None).values("clerk")
    free = DeskSession.objects.filter(desk__location__slug="bench-pool", ended_at__isnull=True).exclude(
        user__in=holding
    )
    found = []
    for desk_session in free.select_related("user")[:count]:
        session = SessionStore()
        device = TOTPDevice.objects.filter(user=desk_session.user_id).first()
        session.update(signed_in(desk_session.user, device))
        session.create()
        client = Client()
        client.cookies["sessionid"] = session.session_key
        found.append((client, f"/api/v1/kundenzentrum/desks/{desk_session.desk_id}/call-next"))
    if len(found) < count:
        raise SystemExit("not enough free clerks left at bench-pool: run bench/kundenzentrum.py again")
    return found


def main() -> None:
    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args()
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sozialamt.models import Location

    calls = clerks(args.calls + 21)  # each calls once: 20 of them for counting function calls
    calls, counted = calls[:-20], calls[-20:]
    client, url = calls.pop()
    with CaptureQueriesContext(connection) as captured:
        status = client.post(url, content_type="application/json").status_code
    print(
        f"call-next answers {status} with {len(captured.captured_queries)} queries (BEGIN, COMMIT included)"
    )

    def caller(pool: list):
        return lambda index: pool[index][0].post(pool[index][1], content_type="application/json")

    anyone = Client()
    feed = f"/kundenzentrum/anzeige/{Location.objects.exclude(slug='bench-pool').first().slug}/feed/"
    etag = anyone.get(feed).headers["ETag"]
    kinds = {
        "trivial": lambda i: anyone.get("/bench/trivial"),
        "poll 304": lambda i: anyone.get(feed, HTTP_IF_NONE_MATCH=etag),
        "poll 200": lambda i: anyone.get(feed),
    }
    for name, work in kinds.items():
        work(0)
        print(f"{name:9s} {cpu_ms(work, 500)}, {function_calls(work, 20):.0f} function calls")
    backend = backend_cpu_ms(connection)
    cost = cpu_ms(caller(calls), args.calls)
    backend = (backend_cpu_ms(connection) - backend) / args.calls
    made = function_calls(caller(counted), len(counted))
    print(f"call-next {cost}, {made:.0f} function calls, PostgreSQL backend {backend:.2f} ms CPU")


if __name__ == "__main__":
    main()
