"""Demo data: Stadt Münster's Sozialamt, Kundenzentrum im Stadthaus III (opened 1 June 2001).

Every function is idempotent: it creates what is missing and leaves edits made in the admin
alone, so `make run` can load it on every start.
"""

import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import translation

from . import demo_translations, roles
from .models import Location, OpeningHours, Service

SEED_HOURS = [  # weekday, opens, closes
    (0, "08:00", "15:30"),
    (1, "08:00", "15:30"),
    (2, "08:00", "15:30"),
    (3, "08:00", "18:00"),
    (4, "08:00", "12:00"),
]

SERVICES = [
    {
        "slug": "unterlagen-abgeben",
        "name": "Unterlagen abgeben",
        "channel": Service.Channel.WALK_IN,
        "ticket_letter": "A",
        "duration_minutes": 5,
        "description": "Sie geben angeforderte oder neue Unterlagen ab, zum Beispiel Kontoauszüge, "
        "Mietbescheinigungen oder Nachweise über Einkommen. Sie erhalten auf Wunsch eine Eingangsbestätigung.",
        "documents": "Die Unterlagen\nIhr Aktenzeichen, wenn vorhanden",
    },
    {
        "slug": "bescheinigungen",
        "name": "Bescheinigung oder Nachweis abholen",
        "channel": Service.Channel.WALK_IN,
        "ticket_letter": "B",
        "duration_minutes": 10,
        "description": "Leistungsbescheinigungen, Bescheinigungen für den Rundfunkbeitrag, Kopien von Bescheiden.",
        "documents": "Personalausweis oder Reisepass",
    },
    {
        "slug": "auskunft-antraege",
        "name": "Auskunft und Antragsformulare",
        "channel": Service.Channel.WALK_IN,
        "ticket_letter": "C",
        "duration_minutes": 10,
        "description": "Kurze Fragen zu Ihrem Antrag oder Bescheid, Antragsformulare und Hilfe beim Ausfüllen einzelner Angaben.",
        "documents": "Ihr letzter Bescheid, wenn vorhanden",
    },
    {
        "slug": "bildung-und-teilhabe",
        "name": "Bildung und Teilhabe",
        "channel": Service.Channel.BOTH,
        "ticket_letter": "D",
        "duration_minutes": 20,
        "description": "Leistungen für Schulbedarf, Klassenfahrten, Mittagessen, Lernförderung und Vereinsbeiträge von Kindern.",
        "documents": "Bescheid über Sozialleistungen oder Wohngeld\nRechnungen oder Bestätigungen der Schule",
    },
    {
        "slug": "grundsicherung",
        "name": "Grundsicherung im Alter und bei Erwerbsminderung",
        "channel": Service.Channel.APPOINTMENT,
        "duration_minutes": 45,
        "description": "Antrag und Beratung zur Grundsicherung nach dem Vierten Kapitel SGB XII.",
        "documents": "Personalausweis\nRentenbescheid\nMietvertrag und Nebenkostenabrechnung\n"
        "Kontoauszüge der letzten drei Monate\nNachweise über Vermögen",
    },
    {
        "slug": "hilfe-zum-lebensunterhalt",
        "name": "Hilfe zum Lebensunterhalt",
        "channel": Service.Channel.APPOINTMENT,
        "duration_minutes": 45,
        "description": "Antrag und Beratung zur Hilfe zum Lebensunterhalt nach dem Dritten Kapitel SGB XII.",
        "documents": "Personalausweis\nMietvertrag\nKontoauszüge der letzten drei Monate\nNachweise über Einkommen",
    },
    {
        "slug": "hilfe-zur-pflege",
        "name": "Hilfe zur Pflege",
        "channel": Service.Channel.APPOINTMENT,
        "duration_minutes": 60,
        "description": "Beratung zur Übernahme von Pflegekosten zu Hause oder im Heim.",
        "documents": "Bescheid der Pflegekasse über den Pflegegrad\nRentenbescheid\nKostenaufstellung des Pflegedienstes",
    },
]

DEMO_USERS = [  # username, password, full name, role (None = administrator)
    ("admin", "demo-admin", "Anna Admin", None),
    ("teamleitung", "demo-teamleitung", "Tobias Teamleitung", roles.TEAM_LEAD),
    ("sachbearbeitung", "demo-sachbearbeitung", "Sabine Sachbearbeitung", roles.CLERK),
    ("infotheke", "demo-infotheke", "Ilka Infotheke", roles.INFO_DESK),
]


def seed_office() -> Location:
    """Münster's Kundenzentrum with its services and the seed's opening hours, its texts in
    every language of the site."""
    with translation.override("de"):  # the base texts are German, whatever the shell's language
        location = _seed_office()
    _translate(location)
    return location


def _translate(location: Location) -> None:
    """Fills the translations that are still empty (edits in the admin stay)."""
    for service in location.services.filter(slug__in=demo_translations.SERVICES):
        for language, texts in demo_translations.SERVICES[service.slug].items():
            _fill(service, language, dict(zip(("name", "description", "documents"), texts, strict=True)))
    for language, texts in demo_translations.LOCATION.items():
        _fill(location, language, texts)


def _fill(obj, language: str, texts: dict[str, str]) -> None:
    changed = [f"{field}_{language}" for field in texts if not getattr(obj, f"{field}_{language}")]
    for name in changed:
        setattr(obj, name, texts[name.rsplit("_", 1)[0]])
    if changed:
        obj.save(update_fields=changed)


def _seed_office() -> Location:
    location, _ = Location.objects.get_or_create(
        slug="stadthaus-3",
        defaults={
            "name": "Kundenzentrum im Stadthaus III",
            "organisation": "Stadt Münster – Sozialamt",
            "building": "Stadthaus III, Erdgeschoss",
            "street": "Albersloher Weg 33",
            "postcode": "48155",
            "city": "Münster",
            "phone": "0251 492-0",
            "directions": "Buslinien 6, 8 und 22, Haltestelle Stadthaus III. "
            "Parkplätze für Menschen mit Behinderung direkt vor dem Eingang.",
            "accessibility": "Stufenloser Eingang, automatische Türen, barrierefreies WC im Erdgeschoss. "
            "Eine induktive Höranlage gibt es an Platz 1. Gebärdensprachdolmetschung auf Anfrage.",
        },
    )
    for order, spec in enumerate(SERVICES):
        service, _ = Service.objects.get_or_create(slug=spec["slug"], defaults={**spec, "order": order})
        location.services.add(service)
    if not location.opening_hours.exists():
        OpeningHours.objects.bulk_create(
            OpeningHours(
                location=location,
                weekday=weekday,
                opens=dt.time.fromisoformat(opens),
                closes=dt.time.fromisoformat(closes),
            )
            for weekday, opens, closes in SEED_HOURS
        )
    return location


def seed_users(*, public_passwords: bool = True) -> list[tuple[str, str, str]]:
    """The demo accounts; returns (username, password, role) for printing. Without
    public_passwords every account gets a new random password on each run (a server reachable
    by others must not keep the published ones)."""
    user_model = get_user_model()
    printed = []
    for username, password, full_name, role in DEMO_USERS:
        first, last = full_name.split(" ", 1)
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if not public_passwords:
            password = secrets.token_urlsafe(12)
        if created or not public_passwords:
            user.set_password(password)
            user.is_staff = role is None
            user.is_superuser = role is None
            user.save()
        if role:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        printed.append((username, password, role or "Administration"))
    return printed
