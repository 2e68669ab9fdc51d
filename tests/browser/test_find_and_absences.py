# The reminder tests' `book` fixture is imported, so test parameters of that name "redefine" it.
# ruff: noqa: F811
"""Finding a booking and an absence that reaches the bookings, in a real Chromium with axe on
every page: the team lead enters an absence on a booked day and cancels with the citizens told."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect

from booking.models import Appointment
from messaging.models import Message
from tests.conftest import login
from tests.helpers import assert_accessible
from tests.messaging.conftest import NOW, book  # noqa: F401
from tests.staff import works_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _running_clock():
    """Friday 20 November 2026, 10:00, running on: the live server answers while it ticks."""
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def team_lead(team_lead, location):
    return works_at(team_lead, location)


@pytest.fixture
def clerk(clerk, location):
    return works_at(clerk, location)


def test_an_absence_on_a_booked_day_leads_to_the_cancellation_with_the_citizens_told(
    page,
    book,
    team_lead,
    counsellor,
):
    by_email = book(by_email=True)
    by_letter = book(start=dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC))
    mail.outbox.clear()
    login(page, team_lead)
    page.get_by_role("link", name="Abwesenheit eintragen (betroffene Termine absagen)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Abwesenheit eintragen")
    assert_accessible(page)
    page.get_by_label("Beraterin oder Berater").select_option(str(counsellor.pk))
    page.get_by_label("abwesend von").fill("2026-12-03")
    page.get_by_label("bis einschließlich").fill("2026-12-03")
    page.get_by_label("Grund (intern").fill("Fortbildung")
    page.get_by_role("button", name="Abwesenheit speichern").click()
    expect(page.get_by_role("heading", name="2 Termine betroffen")).to_be_visible()
    expect(page.get_by_text(by_email.code)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Grund (steht in der Nachricht").fill("Erkrankung der Beraterin")
    page.get_by_role("button", name="Weiter zur Absage").click()
    expect(page.get_by_text("2 betroffene Termine")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Ausgewählte Termine absagen und benachrichtigen").click()
    expect(page.get_by_text("2 Termine abgesagt")).to_be_visible()
    assert set(Appointment.objects.values_list("status", flat=True)) == {"cancelled"}
    [email] = mail.outbox
    assert email.to == ["buerger@example.org"] and "Erkrankung der Beraterin" in email.body
    assert "noch frei" in email.body
    assert by_letter.messages.filter(kind=Message.Kind.CANCELLED, channel=Message.Channel.LETTER).exists()


def test_a_clerk_finds_a_booking_and_moves_it_for_the_caller(page, book, clerk):
    appointment = book(name="Erika Mustermann")
    login(page, clerk)
    page.get_by_role("link", name="Termin finden (verschieben, absagen, erneut senden)").click()
    assert_accessible(page)
    page.get_by_label("Name (oder ein Teil davon)").fill("muster")
    page.get_by_label("am", exact=True).fill("2026-12-03")
    page.get_by_role("button", name="Suchen").click()
    expect(page.get_by_text("1 Termin gefunden")).to_be_visible()
    expect(page.get_by_role("cell", name="Eri… Mus…")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=appointment.code).click()
    expect(page.get_by_text("Erika Mustermann")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Verschieben").click()
    page.get_by_label("Neuer Tag").fill("2026-12-03")
    page.get_by_role("button", name="Freie Zeiten anzeigen").click()
    assert_accessible(page)
    page.get_by_label("14:00").check()
    page.get_by_label("Grund").fill("am Telefon gewünscht")
    page.get_by_role("button", name="Termin verschieben").click()
    expect(page.get_by_text("Der Termin ist verschoben")).to_be_visible()
    expect(
        page.get_by_text("im Auftrag verschoben von 03.12.2026 10:00 – am Telefon gewünscht")
    ).to_be_visible()
    assert_accessible(page)
    appointment.refresh_from_db()
    assert appointment.start == dt.datetime(2026, 12, 3, 13, 0, tzinfo=dt.UTC)


def test_a_team_lead_reads_the_access_log_and_cancels_for_the_citizen(page, book, team_lead):
    appointment = book(by_email=True)
    mail.outbox.clear()
    login(page, team_lead)
    page.goto(f"/intern/termine/finden/?code={appointment.code}")
    page.get_by_role("link", name=appointment.code).click()
    page.get_by_role("link", name="Zugriffsprotokoll dieses Termins").click()
    expect(page.get_by_role("cell", name="Arbeitsplatz: Termin", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Zurück zum Termin").click()
    page.get_by_role("link", name="Absagen", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Grund").fill("Bürgerin hat angerufen")
    page.get_by_role("button", name="Termin absagen").click()
    expect(page.get_by_text("Der Termin ist abgesagt")).to_be_visible()
    expect(page.get_by_text("im Auftrag abgesagt: Bürgerin hat angerufen")).to_be_visible()
    assert_accessible(page)
    [receipt] = mail.outbox
    assert receipt.subject.startswith("Bestätigung: Ihr Termin")


def test_finding_and_moving_work_without_javascript(no_js_page, book, clerk):
    appointment = book()
    login(no_js_page, clerk)
    no_js_page.goto(f"/intern/termine/finden/?code={appointment.code.lower()}")
    no_js_page.get_by_role("link", name=appointment.code).click()
    no_js_page.get_by_role("link", name="Verschieben").click()
    no_js_page.get_by_label("Neuer Tag").fill("2026-12-03")
    no_js_page.get_by_role("button", name="Freie Zeiten anzeigen").click()
    no_js_page.get_by_label("15:00").check()
    no_js_page.get_by_label("Grund").fill("Rückruf")
    no_js_page.get_by_role("button", name="Termin verschieben").click()
    expect(no_js_page.get_by_text("Der Termin ist verschoben")).to_be_visible()
    appointment.refresh_from_db()
    assert appointment.start == dt.datetime(2026, 12, 3, 14, 0, tzinfo=dt.UTC)
