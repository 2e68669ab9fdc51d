"""Django's PostgreSQL backend with a cheaper health check of kept connections.

With CONN_HEALTH_CHECKS, Django checks a kept connection with a round trip (SELECT 1) before
each request uses it, so that a database restart does not fail the next request. This backend
skips that round trip for a connection that sent a query less than RECENTLY_USED_SECONDS ago
and whose socket is quiet. A server that ends a session (a restart, pg_terminate_backend, a
failover) sends its goodbye and closes the socket, which makes the socket readable: such a
connection, and one idle for longer, is checked as before. Under load that spares one round
trip in every request.
"""

import select
import time

from django.db.backends.postgresql import base

RECENTLY_USED_SECONDS = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.used_at = float("-inf")

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and not self.health_check_done
            and time.monotonic() - self.used_at < RECENTLY_USED_SECONDS
            and self._socket_is_quiet()
        ):
            self.health_check_done = True
        super().close_if_health_check_failed()

    def _socket_is_quiet(self) -> bool:
        """Nothing arrived since the last answer (between requests the server has nothing to say
        unless it is ending the session)."""
        if self.connection.closed:
            return False
        try:
            readable, _, _ = select.select([self.connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable

    def create_cursor(self, name=None):
        self.used_at = time.monotonic()
        return super().create_cursor(name)
