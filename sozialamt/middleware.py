"""Requests refused before any view runs: cross-site and non-JSON writes to the API."""

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def api_request_guard(get_response):
    """State-changing API requests must come from this site or from a non-browser client, and
    carry JSON: a form or text/plain POST from another website (which a browser sends without
    asking CORS) never reaches a view."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX) and request.method not in SAFE_METHODS:
            refusal = _refusal(request)
            if refusal is not None:
                return refusal
        return get_response(request)

    return middleware


def _refusal(request: HttpRequest) -> HttpResponse | None:
    if _cross_site(request):
        return JsonResponse(
            {"detail": _("Anfragen von anderen Websites werden nicht angenommen.")}, status=403
        )
    if _has_body(request) and request.content_type != "application/json":
        return JsonResponse(
            {"detail": _("Bitte senden Sie JSON (Content-Type: application/json).")}, status=415
        )
    return None


def _cross_site(request: HttpRequest) -> bool:
    # Browsers send Sec-Fetch-Site on every request and Origin on every cross-origin POST;
    # programs (kiosks, partner systems) send neither and are not affected.
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return urlsplit(origin).netloc.lower() != request.get_host().lower()


def _has_body(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > 0 or "HTTP_TRANSFER_ENCODING" in request.META
