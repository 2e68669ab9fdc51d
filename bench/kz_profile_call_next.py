"""Profiles call-next in-process (cProfile + query count) against the database bench/kundenzentrum.py seeded.

Run the bench once first (it leaves a pool of signed-in clerks at the location "bench-pool"), then:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sz_kz_bench REDIS_URL=redis://127.0.0.1:6379/13 \\
        .venv/bin/python bench/kz_profile_call_next.py [--calls 200] [--sort cumulative]
"""

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import kz_env

kz_env.apply()


def main() -> None:
    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--sort", default="cumulative")
    args = parser.parse_args()
    django.setup()
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bench.kundenzentrum import signed_in
    from kundenzentrum.models import DeskSession, Ticket

    holding = Ticket.objects.filter(status__in=Ticket.ACTIVE).exclude(clerk=None).values("clerk")
    free = DeskSession.objects.filter(desk__location__slug="bench-pool", ended_at__isnull=True).exclude(
        user__in=holding
    )
    requests = []
    for desk_session in free.select_related("user")[: args.calls + 1]:
        session = SessionStore()
        device = TOTPDevice.objects.filter(user=desk_session.user_id).first()
        session.update(signed_in(desk_session.user, device))
        session.create()
        client = Client()
        client.cookies["sessionid"] = session.session_key
        requests.append((client, f"/api/v1/kundenzentrum/desks/{desk_session.desk_id}/call-next"))
    if len(requests) < 2:
        raise SystemExit("no free clerks left at bench-pool: run bench/kundenzentrum.py again")
    client, url = requests.pop()
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, content_type="application/json")
    print(response.status_code, len(captured.captured_queries), "queries:")
    for query in captured.captured_queries:
        print("  ", query["sql"][:120])
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for client, url in requests:
        client.post(url, content_type="application/json")
    profile.disable()
    print(f"{(time.perf_counter() - started) * 1000 / len(requests):.2f} ms per call-next (under cProfile)")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(30)
    print(out.getvalue())


if __name__ == "__main__":
    main()
