"""The PostgreSQL backend: a kept connection is checked before a request uses it only when it
has been idle for a moment, and a broken one is replaced without failing the request."""

import select

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


def end_session(pid: int) -> None:
    """Another session ends ours, as a database restart or a failover would."""
    other = psycopg2.connect(**connection.get_connection_params())
    other.autocommit = True
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    other.close()


def test_a_connection_used_a_moment_ago_but_ended_by_the_server_is_checked_and_replaced(checks):
    first = backend_pid()
    end_session(first)
    # The server's goodbye reaches the socket (at once here; wait for it to be sure).
    select.select([connection.connection.fileno()], [], [], 5)
    close_old_connections()  # a new request begins, well inside RECENTLY_USED_SECONDS
    assert backend_pid() != first  # a new connection instead of an error
    assert checks == ["default"]


def test_an_idle_connection_is_checked_and_a_broken_one_replaced(checks):
    first = backend_pid()
    end_session(first)
    connection.used_at -= base.RECENTLY_USED_SECONDS  # and the connection rested
    close_old_connections()  # a new request begins
    assert backend_pid() != first  # the request got a new connection instead of an error
    assert checks == ["default"]
