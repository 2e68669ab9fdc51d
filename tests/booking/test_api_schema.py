"""Schemathesis throws schema-derived requests at every booking API operation (through the
WSGI app, on PostgreSQL): no 500, every response matches the documented schema and codes."""

import itertools

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# The schemathesis pytest plugin does not run under pytest 9 yet; its Python API does.
# Operations whose only input is free text (or nothing): no request can violate their schema.
WITHOUT_INPUT = {
    ("GET", "/api/v1/locations"),
    ("GET", "/api/v1/services"),
    ("GET", "/api/v1/bookings/{token}"),
    ("POST", "/api/v1/bookings/{token}/cancel"),
}
OURS = ("/api/v1/locations", "/api/v1/services", "/api/v1/free-times", "/api/v1/bookings")


@pytest.fixture
def keep_test_connection():
    """As Django's test client does: a request must not close the test's database connection."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_the_booking_api_never_fails_and_keeps_to_its_schema(
    db, clock, counsellor, relaxed_limits, keep_test_connection
):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = [r.ok() for r in schema.get_all_operations()]
    operations = [op for op in operations if op.path.startswith(OURS)]
    assert len(operations) == 8

    for operation, mode in itertools.product(operations, GenerationMode):
        if mode == GenerationMode.NEGATIVE and (operation.method.upper(), operation.path) in WITHOUT_INPUT:
            continue  # nothing to get wrong

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            case.call_and_validate(checks=CHECKS)

        run()
