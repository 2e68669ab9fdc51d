"""The counsellor's day in real browsers: a citizen checks in at the kiosk, the counsellor sees
the arrival in "Mein Tag" without reloading and calls them; the display shows number and room.
axe runs on the pages with JavaScript (it needs it); the walk without JavaScript only acts."""

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import expect

from booking.models import Appointment
from kundenzentrum import services
from tests.conftest import BROWSER_TIMEOUT_MS, login
from tests.factories import AppointmentFactory, CounsellorFactory, UserFactory
from tests.helpers import assert_accessible
from tests.staff import works_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THURSDAY_0950 = dt.datetime(2026, 12, 3, 8, 50, tzinfo=dt.UTC)
POLL_MS = 25_000  # Mein Tag asks every 10 s


def ROW(day) -> str:
    return f"#termin-{day['appointment'].pk}"


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make(**options):
        context = browser.new_context(
            locale="de-DE", timezone_id="Europe/Berlin", base_url=live_server.url, **options
        )
        context.set_default_timeout(BROWSER_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def day(location, appointment_service):
    user = UserFactory(username="hoffmann", first_name="Petra", last_name="Hoffmann")
    counsellor = CounsellorFactory(
        name="Petra Hoffmann", location=location, services=[appointment_service], user=user, room="Raum E.12"
    )
    appointment = AppointmentFactory(
        code="K7QX2M",
        counsellor=counsellor,
        service=appointment_service,
        start=dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC),  # 10:00
        name="Hildegard Becker",
        interpreter_language="Türkisch",
    )
    return {"user": user, "counsellor": counsellor, "appointment": appointment}


def test_a_kiosk_check_in_reaches_mein_tag_and_the_counsellor_calls_to_the_room(
    page, new_page, location, day, info_desk
):
    with time_machine.travel(THURSDAY_0950, tick=True):
        login(page, day["user"])
        page.goto("/intern/mein-tag/")
        expect(page.locator(ROW(day))).to_contain_text("noch nicht angemeldet")
        assert_accessible(page)

        # The info desk's list refuses a check-in without the ID checked, next to the box.
        desk = new_page()
        login(desk, works_at(info_desk, location))
        desk.goto("/intern/tageslisten/")
        desk.locator(ROW(day)).get_by_role("button", name="Anmelden").click()
        expect(desk.locator(ROW(day))).to_contain_text(
            "Bitte bestätigen Sie, dass Sie den Ausweis geprüft haben."
        )
        assert_accessible(desk)

        display = new_page(reduced_motion="reduce")  # axe mid-flash would read the animation's colours
        display.goto(f"/kundenzentrum/anzeige/{location.slug}/")
        expect(display.locator("tbody")).to_contain_text("Noch keine Aufrufe.")

        kiosk = new_page()
        token = services.unlock_kiosk(location=location, name="Eingang", by=None)
        kiosk.goto(f"/kundenzentrum/kiosk/{location.slug}/?token={token}")
        kiosk.get_by_label("Buchungsnummer").fill("k7qx2m")
        kiosk.get_by_role("button", name="Ankunft melden").click()
        expect(kiosk.locator(".kz-receipt .kz-number")).to_have_text("T-001")
        expect(kiosk.locator(".kz-receipt")).to_contain_text("Sie warten auf Petra Hoffmann, Raum E.12.")
        assert_accessible(kiosk)
        kiosk.get_by_role("link", name="Platz in der Warteschlange verfolgen").click()
        expect(kiosk.locator(".kz-position")).to_contain_text("Sie warten auf Petra Hoffmann, Raum E.12.")
        assert_accessible(kiosk)

        # No reload: the page's own poll brings the arrival.
        row = page.locator(ROW(day))
        expect(row).to_contain_text("angemeldet, wartet", timeout=POLL_MS)
        expect(row).to_contain_text("T-001")
        assert_accessible(page)
        row.get_by_role("button", name="In den Raum aufrufen").click()
        expect(page.locator(".alert-success")).to_contain_text("T-001 ist aufgerufen")
        expect(display.locator(".kz-latest")).to_contain_text("T-001")
        expect(display.locator(".kz-latest")).to_contain_text("Raum E.12")
        expect(display.locator("[data-kz-announce]")).to_have_text("T-001 bitte zu Raum E.12")
        assert_accessible(display)
        expect(kiosk.locator(".kz-position")).to_contain_text(
            "Bitte kommen Sie zu Raum E.12", timeout=POLL_MS
        )

        page.locator(ROW(day)).get_by_role("button", name="Beginnen").click()
        page.locator(ROW(day)).get_by_role("button", name="Erledigt").click()
        expect(page.locator(ROW(day))).to_contain_text("erledigt")
        assert_accessible(page)

        page.goto("/intern/mein-tag/drucken/")
        expect(page.locator("h1")).to_contain_text("Tagesliste Petra Hoffmann")
        assert_accessible(page)
        page.goto("/intern/mein-tag/kalender/")
        page.get_by_role("button", name="Adresse anlegen").click()
        expect(page.get_by_label("Ihre Abonnement-Adresse (wird nur jetzt angezeigt)")).to_have_value(
            re.compile(r"/intern/kalender/.+/beratung\.ics$")
        )
        assert_accessible(page)

        # The info desk's day list shows the visit as done.
        desk.goto("/intern/tageslisten/")
        expect(desk.locator("h2")).to_contain_text("Petra Hoffmann, Raum E.12")
        expect(desk.locator(ROW(day))).to_contain_text("erledigt")
        assert_accessible(desk)
    day["appointment"].refresh_from_db()
    assert day["appointment"].status == Appointment.Status.DONE


def test_without_javascript_a_reload_shows_the_arrival_and_the_info_desk_checks_in_from_the_list(
    new_page, location, day, info_desk
):
    with time_machine.travel(THURSDAY_0950, tick=True):
        desk = new_page(java_script_enabled=False)
        login(desk, works_at(info_desk, location))
        desk.goto(f"/intern/tageslisten/{location.slug}/heute/")
        row = desk.locator(ROW(day))
        row.get_by_role("button", name="Anmelden").click()
        expect(desk.locator(".invalid-feedback")).to_contain_text("Ausweis geprüft haben")
        desk.locator(ROW(day)).get_by_label("Ausweis geprüft").check()
        desk.locator(ROW(day)).get_by_role("button", name="Anmelden").click()
        expect(desk.locator(".kz-receipt .kz-number")).to_have_text("T-001")

        counsellor = new_page(java_script_enabled=False)
        login(counsellor, day["user"])
        counsellor.goto("/intern/mein-tag/")
        expect(counsellor.locator(ROW(day))).to_contain_text("angemeldet, wartet")
        counsellor.get_by_role("button", name="In den Raum aufrufen").click()
        expect(counsellor.locator(".alert-success")).to_contain_text("Raum E.12")
