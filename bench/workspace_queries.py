"""Query counts of "Mein Tag" (a counsellor's week) and of a location's day list, with a small
and a large data set each: 1 and 40 appointments, 1 and 400. Not a timing bench: it counts the
SQL statements of one request through Django's test client, in a test database of its own
(created and dropped here), with a pinned clock (Thursday 3 December 2026, 10:00).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sz_workspace_bench REDIS_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python bench/workspace_queries.py
"""

import datetime as dt
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

import time_machine  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

THURSDAY_10 = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    # BEGIN and COMMIT of the page's own transactions are not queries (in the tests they are
    # savepoints inside the test's transaction, which the helper does not count either).
    return len([q for q in captured.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")])


def my_day(client: Client) -> tuple[int, int]:
    from tests.factories import (
        AppointmentFactory,
        CounsellorFactory,
        LocationFactory,
        ServiceFactory,
        UserFactory,
    )
    from tests.staff import sign_in

    location = LocationFactory(slug="mein-tag-bench", seed_hours=True)
    service = ServiceFactory(duration_minutes=45)
    user = UserFactory(username="bench-counsellor")
    counsellor = CounsellorFactory(location=location, services=[service], user=user)
    sign_in(client, user)
    AppointmentFactory(
        counsellor=counsellor, service=service, start=dt.datetime(2026, 12, 3, 16, tzinfo=dt.UTC)
    )
    small = count(client, "/intern/mein-tag/")
    monday = dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.UTC)
    for n in range(39):
        day, slot = divmod(n, 8)
        AppointmentFactory(
            counsellor=counsellor, service=service, start=monday + dt.timedelta(days=day, minutes=50 * slot)
        )
    return small, count(client, "/intern/mein-tag/")


def day_list(client: Client) -> tuple[int, int]:
    from sozialamt import roles
    from tests.factories import (
        AppointmentFactory,
        CounsellorFactory,
        LocationFactory,
        ServiceFactory,
        UserFactory,
    )
    from tests.staff import sign_in, works_at

    location = LocationFactory(slug="tagesliste-bench", seed_hours=True)
    service = ServiceFactory(duration_minutes=25)
    lead = works_at(UserFactory(username="bench-lead", roles=[roles.TEAM_LEAD]), location)
    sign_in(client, lead)
    counsellors = [CounsellorFactory(location=location, services=[service]) for _ in range(20)]
    first = dt.datetime(2026, 12, 3, 7, 0, tzinfo=dt.UTC)
    AppointmentFactory(
        counsellor=counsellors[0], service=service, start=dt.datetime(2026, 12, 3, 17, tzinfo=dt.UTC)
    )
    url = f"/intern/tageslisten/{location.slug}/heute/"
    small = count(client, url)
    made = 1
    for counsellor in counsellors:
        for slot in range(20):
            if made == 400:
                break
            AppointmentFactory(
                counsellor=counsellor, service=service, start=first + dt.timedelta(minutes=30 * slot)
            )
            made += 1
    return small, count(client, url)


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with time_machine.travel(THURSDAY_10, tick=False):
            mine = my_day(Client())
            lists = day_list(Client())
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print("page                         appointments  queries")
    print(f"Mein Tag                     1             {mine[0]}")
    print(f"Mein Tag                     40            {mine[1]}")
    print(f"Tagesliste (Teamleitung)     1             {lists[0]}")
    print(f"Tagesliste (Teamleitung)     400           {lists[1]}")


if __name__ == "__main__":
    main()
