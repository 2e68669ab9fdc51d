"""Demo desks and a kiosk of the Kundenzentrum in Münster."""

import secrets

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
DEMO_KIOSK_NAME = "Demo-Kiosk am Eingang"


def seed(location: Location, *, public_secrets: bool = True) -> list[str]:
    """Four desks in the customer centre and one kiosk; idempotent. Returns lines to print.
    Without public_secrets the kiosk gets a new random token on each run instead of the README's."""
    services = {s.ticket_letter: s for s in location.services.exclude(ticket_letter="")}
    for name, letters in DESKS:
        desk, created = Desk.objects.get_or_create(
            location=location, name=name, defaults={"room": "Erdgeschoss"}
        )
        if created:
            desk.services.set([services[letter] for letter in letters if letter in services])
    token = DEMO_KIOSK_TOKEN if public_secrets else secrets.token_urlsafe(32)
    kiosk = KioskDevice.objects.filter(location=location, name=DEMO_KIOSK_NAME).first()
    if kiosk is None:
        KioskDevice.objects.create(location=location, name=DEMO_KIOSK_NAME, token_hash=hash_token(token))
    elif kiosk.token_hash != hash_token(token):
        kiosk.token_hash = hash_token(token)
        kiosk.save(update_fields=["token_hash"])
    return [
        f"Kiosk:                /kundenzentrum/kiosk/{location.slug}/?token={token}",
        f"Waiting-room display: /kundenzentrum/anzeige/{location.slug}/",
    ]
