"""Assertions shared by every app's tests: accessibility (axe) and query counts."""

import re
from collections.abc import Callable

from axe_playwright_python.sync_playwright import Axe
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sozialamt.context_processors import office_phone

_axe = Axe()


def assert_accessible(page, context: str | None = None) -> None:
    """Runs axe-core on the page as it is now and fails on any violation, listing them."""
    results = _axe.run(page, context=context)
    assert results.violations_count == 0, f"axe found violations on {page.url}:\n{results.generate_report()}"


def count_queries(action: Callable[[], object], *, savepoints: bool = True) -> int:
    """How many SQL queries `action` runs; savepoints=False leaves out the SAVEPOINT and RELEASE
    that a transaction of its own becomes inside the test's transaction."""
    with CaptureQueriesContext(connection) as captured:
        action()
    return len([q for q in captured.captured_queries if savepoints or not _SAVEPOINT.match(q["sql"])])


_SAVEPOINT = re.compile(r"(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT) ")


def assert_queries_do_not_grow(
    action: Callable[[], object],
    grow: Callable[[], object],
    *,
    limit: int | None = None,
    savepoints: bool = True,
) -> int:
    """Runs `action`, then `grow` (which adds data), then `action` again: both must cost the same
    number of queries (and at most `limit`). Returns that number. The office phone that every
    page shows is looked up before each run: its one query, cached until a location is edited,
    depends on no data (tests/sozialamt/test_office_phone.py counts it)."""
    office_phone()
    before = count_queries(action, savepoints=savepoints)
    grow()
    office_phone()
    after = count_queries(action, savepoints=savepoints)
    assert after == before, f"queries grew with the data: {before} before, {after} after"
    if limit is not None:
        assert after <= limit, f"{after} queries, more than the limit of {limit}"
    return after
