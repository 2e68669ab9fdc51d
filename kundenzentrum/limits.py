"""Rate limits of the public kiosks (pages and API), with the project's per-client counters."""

from django.conf import settings
from django.http import HttpRequest

from booking.ratelimit import over_limit

from .models import KioskDevice


def address_over_limit(request: HttpRequest) -> bool:
    """Counts a kiosk request of this client address; True past KUNDENZENTRUM_KIOSK_ADDRESS_RATE."""
    return over_limit(request, "kiosk-address", settings.KUNDENZENTRUM_KIOSK_ADDRESS_RATE)


def kiosk_over_limit(request: HttpRequest, device: KioskDevice) -> bool:
    """Counts a ticket or check-in of a kiosk; True when the device (KUNDENZENTRUM_KIOSK_DEVICE_RATE)
    or its address is past its limit this minute. Both are counted every time."""
    device_over = over_limit(request, f"kiosk-device-{device.pk}", settings.KUNDENZENTRUM_KIOSK_DEVICE_RATE)
    return address_over_limit(request) or device_over
