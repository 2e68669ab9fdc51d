"""Bench: a client with many addresses and made-up contact data tries to book out a week.

    .venv/bin/python bench/book_out.py [--seconds 240] [--clients 12]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> REDIS_URL=redis://127.0.0.1:6379/<n> ...

The demo office runs under gunicorn (as deployed, DEBUG on so no TLS is needed, TRUSTED_PROXIES
0 so the server takes the client address from the socket); the attacking threads send from
random loopback addresses 127.X.Y.Z (on Linux all of 127.0.0.0/8 is loopback; the client socket
is bound to each), so nearly every request comes from a network (/24) of its own. They book
through the booking API (fetching and solving the proof of work, as any client must) and
through the booking pages (honeypot left empty, fill time waited for), each booking with a new
made-up name and e-mail, phone or letter address; nobody ever confirms an e-mail. Holds wait
BOOKING_CONFIRM_MINUTES (1 here) to be confirmed, and the script runs the beat's release task
every minute, so a run of a few minutes spans several releases. Every second it counts the
week's free start times and the online bookings and holds, and prints at the end the largest
share of the week's free times the attackers held at any moment. Uses (and empties of
appointments) the database it is given; without DATABASE_URL a temporary SQLite file.
"""

import argparse
import datetime as dt
import io
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.gettempdir()}/book-out-bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sozialamt.settings")
os.environ["LOG_LEVEL"] = "ERROR"  # the refusals (422, 400) are the expected answers
os.environ.setdefault("EMAIL_URL", "dummymail://")
# The bench reads free times itself while the server books: its own cache must not answer.
os.environ.setdefault("BOOKING_FREE_TIMES_CACHE_SECONDS", "0")
# A short confirmation window, so that the run spans releases of unconfirmed holds.
os.environ.setdefault("BOOKING_CONFIRM_MINUTES", "1")
os.environ["TRUSTED_PROXIES"] = "0"

import django  # noqa: E402
import requests  # noqa: E402
from requests.adapters import HTTPAdapter  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from booking import proof, tasks  # noqa: E402
from booking.models import Appointment  # noqa: E402
from booking.selectors import availability  # noqa: E402
from sozialamt.models import Location, Service  # noqa: E402
from tests.servers import free_port  # noqa: E402


class BoundAdapter(HTTPAdapter):
    """Sends every request from one local source address."""

    def __init__(self, source: str):
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def client_session(source: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", BoundAdapter(source))
    return session


def setup() -> tuple[Service, Location]:
    call_command("migrate", verbosity=0)
    Appointment.objects.all().delete()
    call_command("load_demo", stdout=io.StringIO())
    location = Location.objects.get(slug="stadthaus-3")
    service = location.services.filter(channel__in=["appointment", "both"]).order_by("order").first()
    return service, location


def week(service: Service, location: Location) -> tuple[dt.date, dt.date]:
    first = availability(service=service, location=location, start=timezone.localdate(), end=None).window
    return first.first_day, first.first_day + dt.timedelta(days=6)


def free_starts(service: Service, location: Location, first: dt.date, last: dt.date) -> int:
    cache.clear()  # the bench process's own cache must not answer for the server's writes
    avail = availability(service=service, location=location, start=first, end=last)
    return sum(len(day.slots) for day in avail.days)


def capacity(service: Service, location: Location, first: dt.date, last: dt.date) -> int:
    """How many bookings the week takes at most: booked out by staff, earliest time first, in a
    transaction that is rolled back."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from booking import services

    staff = get_user_model().objects.get(username="sachbearbeitung")
    count = 0
    with transaction.atomic():
        while True:
            cache.clear()
            avail = availability(service=service, location=location, start=first, end=last)
            slots = [slot for day in avail.days for slot in day.slots]
            if not slots:
                break
            person = {"name": "Kapazität", "reminder": "none", "language": "de"}
            services.book_appointment(
                service=service, location=location, start=slots[0].start, person=person, booked_by=staff
            )
            count += 1
        transaction.set_rollback(True)
    cache.clear()
    return count


def held(service: Service, first: dt.date, last: dt.date) -> int:
    """Online bookings and holds (not by staff) of the week that are active now."""
    return Appointment.objects.filter(
        service=service,
        status__in=[Appointment.Status.BOOKED, Appointment.Status.PENDING],
        booked_by__isnull=True,
        start__date__gte=first,
        start__date__lte=last,
    ).count()


def start_server(port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "sozialamt.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "1", "--threads", "8", "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
            return process
        except requests.RequestException:  # not up yet, or slow on a loaded machine
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the server did not start")


def made_up(n: int) -> dict:
    contact = random.choice(["email", "phone", "both", "letter"])
    person = {"name": f"Erfundene Person {n}", "language": "de", "reminder": "none"}
    if contact in ("email", "both"):
        person |= {"email": f"x{n}-{random.randrange(10**9)}@example.org", "reminder": "email"}
    if contact in ("phone", "both"):
        person["phone"] = f"0151 {random.randrange(10**7):07d}"
    if contact == "letter":
        street = f"Erfundene Straße {random.randrange(1, 200)}"
        person |= {"reminder": "letter", "street": street, "postcode": "48153", "city": "Münster"}
    return person


def random_address() -> str:
    """A loopback address in a random /24 (127.0.0.1, the server's, left out)."""
    return f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


def pick_time(session, base: str, slugs: dict, first: dt.date, last: dt.date) -> str | None:
    query = {**slugs, "start": first.isoformat(), "end": last.isoformat()}
    response = session.get(f"{base}/api/v1/free-times", params=query, timeout=10)
    if response.status_code != 200:
        return None
    times = [t for day in response.json()["days"] for t in day["times"]]
    return random.choice(times) if times else None


def book_by_api(session, base: str, slugs: dict, start: str, n: int, fill: float) -> str:
    issued = session.get(f"{base}/api/v1/challenge", timeout=10)
    if issued.status_code != 200:
        return f"api challenge {issued.status_code}"
    task = issued.json()
    began = time.monotonic()
    nonce = proof.solve(task["challenge"], task["bits"])
    solved = time.monotonic() - began
    time.sleep(max(0.0, fill - solved))  # a challenge is good only after the fill time
    body = {**slugs, "start": start, **made_up(n), "challenge": task["challenge"], "nonce": nonce}
    response = session.post(f"{base}/api/v1/bookings", json=body, timeout=15)
    detail = ""
    if response.status_code == 422:
        detail = " " + "/".join(str(e["loc"][-1]) for e in response.json().get("detail", []))
    return f"api {response.status_code}{detail}"


def _csrf(session) -> str:
    return session.cookies.get("csrftoken", "")


def book_by_pages(session, base: str, slugs: dict, start: str, fill: float, n: int) -> str:
    day = dt.datetime.fromisoformat(start.replace("Z", "+00:00")).astimezone(timezone.get_current_timezone())
    day_url = f"{base}/termin/{slugs['service']}/{slugs['location']}/{day.date().isoformat()}/"
    session.get(day_url, timeout=10)
    utc = dt.datetime.fromisoformat(start.replace("Z", "+00:00")).astimezone(dt.UTC)
    chosen = session.post(
        day_url,
        data={"start": utc.strftime("%Y-%m-%dT%H:%MZ"), "csrfmiddlewaretoken": _csrf(session)},
        headers={"Referer": day_url},
        timeout=10,
    )
    match = re.search(r'name="rendered" value="([^"]+)"', chosen.text)
    if not match:
        return f"pages time {chosen.status_code}"
    time.sleep(fill)  # the form's minimum fill time
    person = made_up(n)
    details_url = f"{base}/termin/angaben/"
    data = {**person, "rendered": match.group(1), "website": "", "csrfmiddlewaretoken": _csrf(session)}
    session.post(details_url, data=data, headers={"Referer": details_url}, timeout=10)
    review_url = f"{base}/termin/pruefen/"
    response = session.post(
        review_url,
        data={"csrfmiddlewaretoken": _csrf(session)},
        headers={"Referer": review_url},
        timeout=15,
        allow_redirects=False,
    )
    booked = response.status_code == 302 and "bestaetigung" in response.headers.get("Location", "")
    return "pages booked" if booked else f"pages {response.status_code}"


def attacker(base, slugs, first, last, deadline, fill, results: Counter, lock) -> None:
    n = 0
    while time.monotonic() < deadline:
        n += 1
        session = client_session(random_address())
        try:
            start = pick_time(session, base, slugs, first, last)
            if start is None:
                outcome = "no time offered"
            elif random.random() < 0.7:
                outcome = book_by_api(session, base, slugs, start, n, fill)
            else:
                outcome = book_by_pages(session, base, slugs, start, fill, n)
        except requests.RequestException as exc:
            outcome = f"error {type(exc).__name__}"
        with lock:
            results[outcome] += 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=240)
    parser.add_argument("--clients", type=int, default=12)
    args = parser.parse_args()
    service, location = setup()
    first, last = week(service, location)
    initial = free_starts(service, location, first, last)
    most = capacity(service, location, first, last)
    from django.conf import settings

    print(
        f"{service.name} at {location.name}, {first:%a %d.%m.} – {last:%a %d.%m.%Y}: "
        f"{initial} free start times, room for {most} bookings"
    )
    port = free_port()
    server = start_server(port)
    base = f"http://127.0.0.1:{port}"
    slugs = {"service": service.slug, "location": location.slug}
    results, lock = Counter(), threading.Lock()
    deadline = time.monotonic() + args.seconds
    threads = [
        threading.Thread(
            target=attacker,
            args=(base, slugs, first, last, deadline, settings.BOOKING_MIN_FILL_SECONDS + 0.2, results, lock),
            daemon=True,
        )
        for _ in range(args.clients)
    ]
    for thread in threads:
        thread.start()
    largest_starts = largest_held = 0.0
    released = 0
    next_release = time.monotonic() + 60

    def measure() -> None:
        nonlocal largest_starts, largest_held
        largest_starts = max(largest_starts, 1 - free_starts(service, location, first, last) / initial)
        largest_held = max(largest_held, held(service, first, last) / most)

    try:
        while time.monotonic() < deadline:
            time.sleep(1)
            measure()
            if time.monotonic() >= next_release:  # what the beat does every minute
                released += tasks.release_unconfirmed()
                next_release += 60
        for thread in threads:
            thread.join(timeout=30)
        measure()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"{args.seconds} s, {args.clients} clients from random 127.X.Y.Z through the API and the pages")
    for outcome, count in sorted(results.items()):
        print(f"  {outcome:<20} {count}")
    print(f"unconfirmed holds released: {released} (confirm window {settings.BOOKING_CONFIRM_MINUTES} min)")
    print(f"bookings and holds at the end: {held(service, first, last)} of room for {most}")
    print(f"largest share of the week's bookable capacity held at any moment: {largest_held:.1%}")
    print(f"largest share of the week's free start times taken at any moment: {largest_starts:.1%}")


if __name__ == "__main__":
    main()
