"""CPU per request, in-process, on bench/booking.py's data set (20 counsellors, 2,000 bookings in
4 weeks): the trivial view, the 4-week free-times API with the cache off and from the cache, and
booking POSTs, through Django's test client. The figure is the median process time of one request
over three rounds in turn, and the ratio the trivial view's over it: the time the database server
and Redis take is not in it, nor the waiting for them, so it changes little when other work
shares the machine, unlike the HTTP figures. Use it to compare two versions of the code, then
confirm with bench/booking.py.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sz_booking_bench \\
    BENCH_REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/booking_cpu.py [--profile post]

The database named in BENCH_DATABASE_URL is DROPPED and created anew on every run.
"""

import argparse
import cProfile
import datetime as dt
import json
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import booking as bench  # sets the environment (settings, database, Redis)

KINDS = ("trivial", "api_uncached", "api_cached", "post")


def requests(service, location):
    """(kind, request to send, how many per round, cache seconds) for each kind."""
    from django.test import Client
    from django.utils import timezone

    client = Client()
    end = timezone.localdate() + dt.timedelta(days=28)
    api = f"/api/v1/free-times?service={service.slug}&location={location.slug}&end={end}"
    starts = iter(bench.free_starts(service, location, 400))
    sent = iter(range(10**6))
    # The proof of work is the client's cost: solved before anything is timed.
    challenges = iter([bench.solved_challenge() for _ in range(400)])

    def post():
        n = next(sent)
        body = {
            "service": service.slug,
            "location": location.slug,
            "start": next(starts).isoformat(),
            "name": f"Bench {n}",
            "reminder": "email",
            "email": f"bench{n}@example.org",
            **next(challenges),
        }
        # A network of its own for each booking, as in bench/booking.py.
        forwarded = f"10.{n // 256 % 256}.{n % 256}.7"
        response = client.post(
            "/api/v1/bookings",
            json.dumps(body),
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=forwarded,
        )
        assert response.status_code == 201, response.content

    return (
        ("trivial", lambda: client.get("/bench/trivial"), 300, 60),
        ("api_uncached", lambda: client.get(api), 40, 0),
        ("api_cached", lambda: client.get(api), 150, 60),
        ("post", post, 100, 60),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", choices=KINDS, help="print a CPU profile of this kind")
    args = parser.parse_args()
    bench.ensure_database()
    bench.setup_django()
    from django.test.utils import override_settings

    location, service = bench.seed_office()
    bench.seed_bookings(location, service)
    bench.vacuum_analyze()
    seconds: dict[str, list[float]] = {kind: [] for kind in KINDS}
    profile = cProfile.Profile(time.process_time)
    kinds = requests(service, location)
    with override_settings(TRUSTED_PROXIES=1):
        for _round in range(3):
            for kind, send, count, cache_seconds in kinds:
                with override_settings(BOOKING_FREE_TIMES_CACHE_SECONDS=cache_seconds):
                    send()  # warm up (and fill the cache when on)
                    for _ in range(count):
                        if kind == args.profile:
                            profile.enable()
                        started = time.process_time()
                        send()
                        seconds[kind].append(time.process_time() - started)
                        profile.disable()
    trivial = median(seconds["trivial"])
    for kind in KINDS:
        cpu = median(seconds[kind])
        print(f"  {kind:13s} {cpu * 1000:7.3f} ms CPU per request = {trivial / cpu:.3f}x trivial")
    if args.profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


if __name__ == "__main__":
    main()
