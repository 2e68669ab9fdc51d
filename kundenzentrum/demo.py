"""Demo desks of the Kundenzentrum in Münster."""

from sozialamt.models import Location

from .models import Desk

DESKS = [  # name, ticket letters served
    ("Platz 1", "ABC"),
    ("Platz 2", "ABC"),
    ("Platz 3", "ABCD"),
    ("Platz 4", "CD"),
]


def seed(location: Location) -> None:
    """Four desks in the customer centre; idempotent."""
    services = {s.ticket_letter: s for s in location.services.exclude(ticket_letter="")}
    for name, letters in DESKS:
        desk, created = Desk.objects.get_or_create(
            location=location, name=name, defaults={"room": "Erdgeschoss"}
        )
        if created:
            desk.services.set([services[letter] for letter in letters if letter in services])
