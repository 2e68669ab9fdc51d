"""The booking wizard in a real Chromium: a warning before its data is forgotten with a button
for more time, an honest page once it has been, and an error summary that takes the focus."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.helpers import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = "/termin/grundsicherung/stadthaus-3/2026-12-01/"


def to_details(page) -> None:
    page.goto(DAY)
    page.get_by_label("09:00").check()
    page.get_by_role("button", name="Weiter").click()
    expect(page.locator("h1")).to_have_text("Ihre Angaben")


def test_the_wizard_warns_before_its_data_is_forgotten_and_gives_more_time(
    page, clock, counsellor, relaxed_limits
):
    to_details(page)
    warning = page.locator(".session-warning")
    expect(page.locator(".session-timer-note")).to_contain_text("nur 30 Minuten auf")
    expect(warning).to_be_hidden()
    clock.shift(dt.timedelta(minutes=26))
    page.reload()
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Noch etwa 4 Minuten.")
    assert_accessible(page)
    page.get_by_role("button", name="Weitere 30 Minuten Zeit").click()
    expect(warning).to_be_hidden()
    expect(page.locator(".session-timer-note")).to_have_text("Sie haben jetzt wieder 30 Minuten Zeit.")
    clock.shift(dt.timedelta(minutes=28))  # 54 minutes after the start, 28 after the extension
    page.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
    page.get_by_label("keine Erinnerung").check()
    page.get_by_role("button", name="Weiter zur Übersicht").click()
    expect(page.locator("h1")).to_have_text("Bitte prüfen Sie Ihre Angaben")


def test_after_the_time_ran_out_the_page_says_so_and_offers_the_choice_again(
    no_js_page, clock, counsellor, relaxed_limits
):
    page = no_js_page
    to_details(page)
    # Without JavaScript the page says how long the data is kept.
    expect(page.locator(".session-timer-note")).to_contain_text("nur 30 Minuten auf, zurzeit bis")
    page.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
    clock.shift(dt.timedelta(minutes=31))
    page.get_by_label("keine Erinnerung").check()
    page.get_by_role("button", name="Weiter zur Übersicht").click()
    expect(page.locator("h1")).to_have_text("Die Zeit für Ihre Buchung ist abgelaufen")
    expect(page.locator("main")).to_contain_text("Es ist noch kein Termin gebucht.")
    expect(page.locator(".booking-facts")).to_contain_text("Grundsicherung")
    expect(page.locator(".booking-facts")).to_contain_text("Dienstag, 1. Dezember 2026")
    expect(page.locator("main")).not_to_contain_text("Bitte wählen Sie zuerst Anliegen und Zeit.")
    page.get_by_role("button", name="Diese Zeit wieder wählen").click()
    expect(page.locator("h1")).to_have_text("Ihre Angaben")
    expect(page.locator("main")).to_contain_text("um 09:00 Uhr")


def test_an_error_summary_takes_the_focus_and_links_to_the_fields(page, clock, counsellor, relaxed_limits):
    to_details(page)
    expect(page.locator(".booking-step")).to_have_text("Schritt 4 von 5")
    expect(page.locator(".back-link a")).to_contain_text("Andere Zeit wählen")
    page.get_by_label("per E-Mail", exact=True).check()
    page.get_by_role("button", name="Weiter zur Übersicht").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    assert page.title().startswith("Fehler: Ihre Angaben")
    assert_accessible(page)
    summary.get_by_role("link", name="E-Mail-Adresse").click()
    expect(page.locator("#id_email")).to_be_focused()
    summary.get_by_role("link", name="Vor- und Nachname").click()
    expect(page.locator("#id_name")).to_be_focused()
