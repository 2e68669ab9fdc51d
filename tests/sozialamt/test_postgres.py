"""The PostgreSQL backend: a kept connection is checked before a request uses it only when it
has been idle for a moment, and a broken one is replaced without failing the request."""

import psycopg2
import pytest
from django.db import close_old_connections, connection, connections

from sozialamt.postgres import base

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def checks(monkeypatch):
    """Counts the health checks (SELECT 1 round trips)."""
    found = []
    wrapper = type(connections["default"])
    real = wrapper.is_usable

    def counted(self):
        found.append(self.alias)
        return real(self)

    monkeypatch.setattr(wrapper, "is_usable", counted)
    return found


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_the_site_runs_on_this_backend_with_health_checks():
    assert connection.settings_dict["ENGINE"] == "sozialamt.postgres"
    assert connection.vendor == "postgresql"
    connection.ensure_connection()
    assert connection.health_check_enabled and connection.settings_dict["CONN_MAX_AGE"] > 0


def test_a_connection_used_a_moment_ago_is_not_checked(checks):
    first = backend_pid()
    close_old_connections()  # a new request begins
    assert backend_pid() == first
    assert checks == []


def test_an_idle_connection_is_checked_and_a_broken_one_replaced(checks):
    first = backend_pid()
    # Another session ends ours, as a database restart would; then the connection rests.
    other = psycopg2.connect(**connection.get_connection_params())
    other.autocommit = True
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [first])
    other.close()
    connection.used_at -= base.RECENTLY_USED_SECONDS
    close_old_connections()  # a new request begins
    assert backend_pid() != first  # the request got a new connection instead of an error
    assert checks == ["default"]
