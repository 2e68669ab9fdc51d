"""gunicorn's settings, read from the working directory by `gunicorn sozialamt.wsgi`.

The access log goes through a logger that cuts management and kiosk tokens out of each line.
Slow clients are the proxy's to absorb (README, "Deployment": nginx buffers whole requests
before it passes them on); these bounds only keep a client that reaches gunicorn directly from
holding a worker for long.
"""

import os

logger_class = "sozialamt.logs.RedactingLogger"
# A request must arrive within this many seconds or the worker gives up on it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 2
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
