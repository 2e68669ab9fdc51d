"""Demo desks and a kiosk of the Kundenzentrum in Münster."""

from sozialamt.models import Location

from .models import Desk, KioskDevice
from .services import hash_token

DESKS = [  # name, ticket letters served
    ("Platz 1", "ABC"),
    ("Platz 2", "ABC"),
    ("Platz 3", "ABCD"),
    ("Platz 4", "CD"),
]
# The demo kiosk opens at /kundenzentrum/kiosk/<location>/?token=demo-kiosk (published: demo only).
DEMO_KIOSK_TOKEN = "demo-kiosk"  # noqa: S105


def seed(location: Location) -> list[str]:
    """Four desks in the customer centre and one kiosk; idempotent. Returns lines to print."""
    services = {s.ticket_letter: s for s in location.services.exclude(ticket_letter="")}
    for name, letters in DESKS:
        desk, created = Desk.objects.get_or_create(
            location=location, name=name, defaults={"room": "Erdgeschoss"}
        )
        if created:
            desk.services.set([services[letter] for letter in letters if letter in services])
    KioskDevice.objects.get_or_create(
        token_hash=hash_token(DEMO_KIOSK_TOKEN),
        defaults={"location": location, "name": "Demo-Kiosk am Eingang"},
    )
    return [
        f"Kiosk:                /kundenzentrum/kiosk/{location.slug}/?token={DEMO_KIOSK_TOKEN}",
        f"Waiting-room display: /kundenzentrum/anzeige/{location.slug}/",
    ]
