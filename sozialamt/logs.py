"""Log lines without secrets: management and kiosk tokens are cut out of every logged URL.

Old links in letters and e-mails carry the token in the path (/termin/verwalten/<token>/,
/termin/bestaetigen/<key>/, /api/v1/bookings/<token>), a counsellor's calendar subscription in
the path too (/intern/kalender/<token>/, which calendar apps cannot send otherwise) or the query
(?token=); the access log and Django's request log would
otherwise keep what the database only stores as a hash.
"""

import logging
import re

from gunicorn.glogging import Logger

HIDDEN = "[…]"
TOKEN_IN_URL = re.compile(
    r"(?P<keep>/verwalten/|/bestaetigen/|/api/v1/bookings/|/intern/kalender/|[?&;]token=|%3Ftoken%3D|%26token%3D)"
    r"(?P<secret>[^/?&;\s\"']+)",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """The text with every token of a URL replaced by […]."""
    return TOKEN_IN_URL.sub(lambda m: m.group("keep") + HIDDEN, text)


class RedactTokens(logging.Filter):
    """A logging filter for Django's loggers (the console handler in LOGGING)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


class RedactingLogger(Logger):
    """gunicorn's logger whose access log shows no token (request line, path, query, referer)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}
