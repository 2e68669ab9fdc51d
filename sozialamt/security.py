"""Who is asking: the client address for the staff sign-in lock-out, by the rate limits' rule."""

import ipaddress

from django.http import HttpRequest


def axes_client_ip(request: HttpRequest) -> str | None:
    """The real client address behind TRUSTED_PROXIES proxies, the same one the rate limits count;
    axes locks the pair (user name, this address). None when there is no address (a test login)."""
    from booking.ratelimit import client_ip  # booking builds on sozialamt, not the other way round

    address = client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
