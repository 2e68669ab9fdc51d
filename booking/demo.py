"""Demo counsellors for the booking pages (called by `manage.py load_demo`); idempotent."""

import datetime as dt

from sozialamt.demo import SEED_HOURS
from sozialamt.models import Location

from .models import Counsellor, ReservedCapacity, WorkingHours

COUNSELLORS = [  # name, team, room, service slugs
    ("Petra Hoffmann", "Team Grundsicherung", "Raum E.12", ["grundsicherung", "hilfe-zum-lebensunterhalt"]),
    ("Murat Yilmaz", "Team Grundsicherung", "Raum E.14", ["grundsicherung", "bildung-und-teilhabe"]),
    ("Jana Kowalski", "Team Hilfe zur Pflege", "Raum E.16", ["hilfe-zur-pflege"]),
    (
        "Thomas Brinkmann",
        "Team Bildung und Teilhabe",
        "Raum E.18",
        ["bildung-und-teilhabe", "hilfe-zum-lebensunterhalt"],
    ),
]


def seed(location: Location) -> None:
    """Four counsellors at the location, working its opening hours (Friday mornings off for one),
    and a Notfallkontingent of two Grundsicherung appointments a day."""
    service = location.services.filter(slug="grundsicherung").first()
    if service is not None:
        ReservedCapacity.objects.get_or_create(location=location, service=service, defaults={"per_day": 2})
    for index, (name, team, room, slugs) in enumerate(COUNSELLORS):
        counsellor, created = Counsellor.objects.get_or_create(
            name=name, location=location, defaults={"team": team, "room": room}
        )
        if not created:
            continue
        counsellor.services.set(location.services.filter(slug__in=slugs))
        WorkingHours.objects.bulk_create(
            WorkingHours(
                counsellor=counsellor,
                weekday=weekday,
                starts=dt.time.fromisoformat(opens),
                ends=dt.time.fromisoformat(closes),
            )
            for weekday, opens, closes in SEED_HOURS
            if not (index == 3 and weekday == 4)
        )
