"""Per-client rate limits (django-ratelimit, counting in the cache), keyed by client_ip."""

from functools import wraps

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited


def client_ip(request: HttpRequest) -> str:
    """The citizen's IP address.

    REMOTE_ADDR is the peer of the application server: behind a reverse proxy that is the proxy,
    and every citizen would share one bucket. With TRUSTED_PROXIES = n, each of our n proxies
    appends the address it saw to X-Forwarded-For, so the n-th entry from the right is the one
    our outermost proxy saw; entries further left are the client's own claim and not trusted."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    hops = settings.TRUSTED_PROXIES
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return forwarded[0] if forwarded else remote
    return forwarded[-hops]


def over_limit(request: HttpRequest, scope: str, limit: int, *, window: int = 60) -> bool:
    """Counts this request; True when the client has sent more than `limit` in this window (s)."""
    return is_ratelimited(
        request,
        group=f"booking:{scope}",
        key=lambda _group, request: client_ip(request),
        rate=(limit, window),
        increment=True,
    )


def too_many_anonymous(request: HttpRequest, person: dict) -> bool:
    """Bookings without e-mail or phone escape the one-per-contact limit: they count per client
    (BOOKING_ANONYMOUS_PER_HOUR an hour) instead. Bookings with contact data do not count here."""
    if person.get("email") or person.get("phone"):
        return False
    return over_limit(request, "anonymous", settings.BOOKING_ANONYMOUS_PER_HOUR, window=3600)


def rate_limited(scope: str, setting: str, methods: tuple[str, ...] = ("GET", "POST")):
    """Refuses a client that sends too many requests of this kind (429 with a page)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods and over_limit(request, scope, getattr(settings, setting)):
                return render(request, "booking/too_many.html", status=429)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
