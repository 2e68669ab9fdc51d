"""Demo counsellors for the booking pages (called by `manage.py load_demo`); idempotent."""

import datetime as dt
import secrets

from django.utils import timezone

from sozialamt.demo import SEED_HOURS
from sozialamt.hours import aware
from sozialamt.models import Location

from .models import (
    Appointment,
    AppointmentHistory,
    Counsellor,
    ReservedCapacity,
    WorkingHours,
)
from .selectors import hash_token
from .services import hold, new_code, new_token

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


DEMO_COUNSELLOR_LOGIN = ("beratung", "demo-beratung")
DEMO_PEOPLE = [  # name, interpreter language, step-free, companion, case reference
    ("Hildegard Becker", "", True, False, "50.2-123/26"),
    ("Ahmet Demir", "Türkisch", False, True, "50.2-217/26"),
    ("Olena Kovalenko", "Ukrainisch", False, False, ""),
    ("Karl-Heinz Schulte", "", False, False, "50.2-088/25"),
    ("Maria Santos", "", False, False, ""),
]


def seed_counsellor_login(location: Location, *, public_passwords: bool = True) -> tuple[str, str, str]:
    """A sign-in for the first demo counsellor ("Mein Tag"), with appointments today; returns
    (username, password, role) for printing like the other demo logins."""
    from django.contrib.auth import get_user_model

    username, password = DEMO_COUNSELLOR_LOGIN
    if not public_passwords:
        password = secrets.token_urlsafe(12)
    counsellor = Counsellor.objects.filter(location=location, name=COUNSELLORS[0][0]).first()
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": "Petra", "last_name": "Hoffmann"}
    )
    if created or not public_passwords:
        user.set_password(password)
        user.save()
    if counsellor is not None:
        if counsellor.user_id is None:
            counsellor.user = user
            counsellor.save(update_fields=["user"])
        _appointments_today(counsellor)
    return username, password, "Beratung"


def _appointments_today(counsellor: Counsellor) -> None:
    """Five appointments on today's working hours of the counsellor, unless there are some."""
    today = timezone.localdate()
    hours = counsellor.working_hours.filter(weekday=today.weekday()).first()
    service = counsellor.services.order_by("order").first()
    start_of_day, end_of_day = aware(today, dt.time(0)), aware(today + dt.timedelta(days=1), dt.time(0))
    taken = counsellor.appointments.filter(start__gte=start_of_day, start__lt=end_of_day).exists()
    if hours is None or service is None or taken:
        return
    step = dt.timedelta(minutes=max(service.duration_minutes, 60))
    start = aware(today, hours.starts) + dt.timedelta(hours=1)
    for name, language, step_free, accompanied, case in DEMO_PEOPLE:
        end = start + dt.timedelta(minutes=service.duration_minutes)
        if end > aware(today, hours.ends):
            break
        # Times earlier today are booked too (the demo's day has begun), so not through
        # book_appointment, which refuses past times; the same rows as a booking writes.
        appointment = Appointment(
            code=new_code(),
            token_hash=hash_token(new_token()),
            service=service,
            location=counsellor.location,
            counsellor=counsellor,
            start=start,
            end=end,
            name=name,
            interpreter_language=language,
            step_free=step_free,
            accompanied=accompanied,
            case_reference=case,
            reminder=Appointment.Reminder.LETTER,
            street="Hammer Straße 12",
            postcode="48153",
            city="Münster",
        )
        hold(appointment)
        AppointmentHistory.objects.create(
            appointment=appointment, new_status=appointment.status, note=AppointmentHistory.Note.BOOKED
        )
        start += step
