"""The demo data `make run` loads: Münster's office, idempotent, with printed logins."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from sozialamt.models import Location, OpeningHours, Service

pytestmark = pytest.mark.django_db


def load(settings, **kwargs) -> str:
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", stdout=out, **kwargs)
    return out.getvalue()


def test_it_loads_muenster_with_the_seed_hours_and_prints_the_logins(settings):
    output = load(settings)
    location = Location.objects.get()
    assert (location.street, location.postcode, location.city) == ("Albersloher Weg 33", "48155", "Münster")
    thursday = location.opening_hours.get(weekday=3)
    assert (thursday.opens, thursday.closes) == (dt.time(8), dt.time(18))
    assert Service.objects.walk_in().exists() and Service.objects.by_appointment().exists()
    for username in ("admin", "teamleitung", "sachbearbeitung", "infotheke"):
        assert f"user: {username}" in output
        assert get_user_model().objects.get(username=username).check_password(f"demo-{username}")


def test_loading_twice_changes_nothing_and_keeps_admin_edits(settings):
    load(settings)
    OpeningHours.objects.filter(weekday=3).update(closes=dt.time(17))
    counts = (Location.objects.count(), Service.objects.count(), OpeningHours.objects.count())
    load(settings)
    assert (Location.objects.count(), Service.objects.count(), OpeningHours.objects.count()) == counts
    assert OpeningHours.objects.get(weekday=3).closes == dt.time(17)


def test_it_refuses_to_create_demo_accounts_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="published passwords"):
        call_command("load_demo", stdout=StringIO())
    assert not get_user_model().objects.exists()


def test_with_debug_off_it_prints_random_passwords_and_a_random_kiosk_token(settings, client):
    settings.DEBUG = False
    out = StringIO()
    call_command("load_demo", allow_production=True, stdout=out)
    output = out.getvalue()
    users = get_user_model().objects.all()
    assert users.count() == 5  # the four roles and the demo counsellor
    for user in users:
        assert not user.check_password(f"demo-{user.username}")
        printed = output.split(f"user: {user.username}")[1].split("password:")[1].split()[0]
        assert user.check_password(printed)
    token = output.split("?token=")[1].split()[0]
    assert token != "demo-kiosk"
    assert client.get("/kundenzentrum/kiosk/stadthaus-3/?token=demo-kiosk").status_code == 403
    assert client.get(f"/kundenzentrum/kiosk/stadthaus-3/?token={token}").status_code == 302


def test_a_production_run_after_a_demo_run_replaces_the_published_secrets(settings, client):
    load(settings)
    settings.DEBUG = False
    call_command("load_demo", allow_production=True, stdout=StringIO())
    assert not get_user_model().objects.get(username="admin").check_password("demo-admin")
    assert client.get("/kundenzentrum/kiosk/stadthaus-3/?token=demo-kiosk").status_code == 403


def test_the_demo_prints_a_working_second_factor_for_each_login(settings, client):
    import base64
    import re

    from django_otp.oath import totp

    output = load(settings)
    for username in ("admin", "teamleitung", "sachbearbeitung", "infotheke"):
        line = output.split(f"user: {username}")[1].split("\n")[1]
        key, codes = re.search(r"authenticator key: (\w+)\s+backup codes: ([\w ]+)", line).groups()
        client.post("/intern/anmelden/", {"username": username, "password": f"demo-{username}"})
        code = f"{totp(base64.b32decode(key)):06d}" if username != "infotheke" else codes.split()[0]
        response = client.post("/intern/anmelden/code/", {"code": code, "next": "/intern/"})
        assert response["Location"] == "/intern/", username
        assert client.get("/intern/").status_code == 200
        client.post("/intern/abmelden/")


def test_with_debug_off_the_demo_prints_no_second_factor(settings):
    settings.DEBUG = False
    out = StringIO()
    call_command("load_demo", allow_production=True, stdout=out)
    assert "authenticator key" not in out.getvalue()


def test_the_demo_office_speaks_every_language_of_the_site_and_keeps_admin_edits(settings):
    from django.utils import translation

    load(settings)
    service = Service.objects.get(slug="grundsicherung")
    location = Location.objects.get()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            assert service.name and service.description and service.document_list, language
            assert location.directions and location.accessibility and location.phone_hours, language
    assert service.name_de == "Grundsicherung im Alter und bei Erwerbsminderung"
    assert service.name_ar.startswith("الضمان الأساسي") and service.name_uk.startswith("Grundsicherung (")
    Service.objects.filter(pk=service.pk).update(name_en="Basic income support")
    load(settings)
    service.refresh_from_db()
    assert service.name_en == "Basic income support"


def test_it_creates_a_counsellor_login_with_appointments_today_and_prints_its_second_factor(settings):
    import time_machine

    from booking.models import Counsellor

    with time_machine.travel(dt.datetime(2026, 12, 3, 7, 0, tzinfo=dt.UTC), tick=False):
        output = load(settings)
        load(settings)  # again: no second set of appointments
    counsellor = Counsellor.objects.get(user__username="beratung")
    assert get_user_model().objects.get(username="beratung").check_password("demo-beratung")
    assert counsellor.appointments.filter(start__date=dt.date(2026, 12, 3)).count() == 5
    after = output.split("user: beratung")[1]
    assert "authenticator key:" in after.splitlines()[1]
    assert "user: infotheke" in output
