"""Error pages in the site's layout: 404, 500 and 503 (database away), without database access.

They render without the request's context processors (no user, no session, no CSRF token), so
that a page for a broken database does not itself touch the database, and a 404 for a body
Django cannot parse does not read that body.
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

RETRY_AFTER_SECONDS = 30


def _page(template: str, status: int) -> HttpResponse:
    body = render_to_string(template, {"office_phone": settings.OFFICE_PHONE, "SITE_URL": settings.SITE_URL})
    return HttpResponse(body, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page("404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """A 500, or a 503 with Retry-After when the database is away (a restart, a failover)."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = _page("503.html", 503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return _page("500.html", 500)
