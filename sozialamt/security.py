"""Who is asking: the client address for the staff sign-in lock-out, by the rate limits' rule."""

from django.http import HttpRequest


def axes_client_ip(request: HttpRequest) -> str:
    """The real client address behind TRUSTED_PROXIES proxies, the same one the rate limits count;
    axes locks the pair (user name, this address)."""
    from booking.ratelimit import client_ip  # booking builds on sozialamt, not the other way round

    return client_ip(request)
