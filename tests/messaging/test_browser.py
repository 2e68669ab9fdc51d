"""The staff pages in a real Chromium: print batch, call list and office cancellation, axe clean."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from messaging.models import CallListEntry, Message, PrintBatch
from tests.conftest import login
from tests.helpers import assert_accessible

from .conftest import NOW

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _running_clock():
    """Friday 20 November 2026, 10:00, for this thread and the live server: the booked Thursday
    3 December lies ahead, and its letter is not yet due, on whatever day the suite runs. The
    clock runs on (unlike the `clock` fixture) because the browser waits on a live server."""
    with time_machine.travel(NOW, tick=True):
        yield


def test_a_clerk_builds_downloads_prints_and_posts_the_daily_batch(page, book, clerk):
    appointment = book(name="Erika Mustermann")
    Message.objects.filter(appointment=appointment).update(due_at=timezone.now() - dt.timedelta(hours=1))
    login(page, clerk)
    page.get_by_role("link", name="Druckstapel der Erinnerungsbriefe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Druckstapel der Erinnerungsbriefe")
    expect(page.get_by_text("1 Brief ist heute zum Versand fällig")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Druckstapel jetzt erstellen").click()
    expect(page.get_by_text("wird erstellt")).to_be_visible()
    page.get_by_role("link", name=timezone.localdate().strftime("%d.%m.%Y")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Druckstapel vom")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF herunterladen (1 Brief und Deckblatt)").click()
    assert download.value.path().read_bytes()[:5] == b"%PDF-"
    page.get_by_role("button", name="Als gedruckt markieren").click()
    page.get_by_role("button", name="Als zur Post gegeben markieren").click()
    expect(page.get_by_text("zur Post gegeben", exact=True).first).to_be_visible()
    batch = PrintBatch.objects.get()
    assert batch.status == PrintBatch.Status.POSTED and batch.posted_by == clerk


def test_a_clerk_sees_the_call_list_and_ticks_a_call_off(page, book, clerk):
    appointment = book(name="Max Muster", phone="0251 987654")
    CallListEntry.objects.create(appointment=appointment, reason=CallListEntry.Reason.TOO_LATE)
    login(page, clerk)
    page.goto("/intern/anrufliste/")
    expect(page.get_by_role("cell", name="Max Muster", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(r"Erledigt\W+Max Muster")).click()
    expect(page.get_by_text("Zurzeit ist niemand anzurufen.")).to_be_visible()
    assert_accessible(page)


def test_the_office_cancellation_page_is_accessible_with_its_preview(
    page, book, team_lead, counsellor, location
):
    appointment = book()
    login(page, team_lead)
    page.goto("/intern/absagen/")
    assert_accessible(page)
    page.get_by_label("Standort").select_option(str(location.pk))
    page.locator("[name=first_day]").fill("2026-12-03")
    page.locator("[name=last_day]").fill("2026-12-03")
    page.get_by_label("Grund").fill("Betriebsversammlung")
    page.get_by_role("button", name="Betroffene Termine anzeigen").click()
    expect(page.get_by_text("1 betroffener Termin")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Ausgewählte Termine absagen und benachrichtigen").click()
    expect(page.get_by_text("1 Termin abgesagt")).to_be_visible()
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
