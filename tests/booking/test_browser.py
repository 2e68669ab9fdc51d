"""A citizen books, moves and cancels an appointment in a real Chromium, with and without JavaScript."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from booking.models import Appointment, Occupancy
from tests.helpers import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, with_axe: bool, shot: str | None = None) -> None:
    if with_axe:
        assert_accessible(page)
    if shot:
        page.screenshot(path=f"/tmp/booking-{shot}.png", full_page=True)  # noqa: S108 (looked at by hand)


def book_move_cancel(page, with_axe: bool, shots: bool = False) -> None:
    page.goto("/termin/")
    check(page, with_axe, "start" if shots else None)
    page.get_by_role("link", name="Grundsicherung").click()
    expect(page.locator("h1")).to_have_text("Tag wählen")
    check(page, with_axe, "calendar" if shots else None)
    # The week grid on a wide screen (a phone gets the list of days instead).
    expect(page.locator(".booking-calendar").get_by_text("Feiertag: Erster Weihnachtstag")).to_be_visible()
    page.locator(".booking-calendar").get_by_role(
        "link", name="freie Zeiten am Dienstag, 1. Dezember"
    ).click()
    expect(page.locator("h1")).to_contain_text("Freie Zeiten am Dienstag, 1. Dezember 2026")
    check(page, with_axe, "day" if shots else None)
    page.get_by_label("09:00").check()
    page.get_by_role("button", name="Weiter").click()
    expect(page.locator("h1")).to_have_text("Ihre Angaben")
    page.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
    page.get_by_label("per Brief an meine Adresse").check()
    page.get_by_role("button", name="Weiter zur Übersicht").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("Adresse")  # street is missing
    expect(page.get_by_label("Vor- und Nachname")).to_have_value("Erika Mustermann")
    check(page, with_axe, "details-error" if shots else None)
    page.get_by_label("per E-Mail und per Brief").check()
    page.get_by_label("E-Mail-Adresse").fill("erika@example.org")
    page.get_by_label("Straße und Hausnummer").fill("Hammer Straße 12")
    page.get_by_label("Postleitzahl").fill("48153")
    page.get_by_label("Ort", exact=True).fill("Münster")
    page.get_by_label("Ich brauche einen stufenlosen Zugang.").check()
    page.get_by_role("button", name="Weiter zur Übersicht").click()
    expect(page.locator("h1")).to_have_text("Bitte prüfen Sie Ihre Angaben")
    check(page, with_axe, "review" if shots else None)
    page.get_by_role("button", name="Termin verbindlich buchen").click()
    # With an e-mail address the time is held until the citizen confirms by the e-mail's link.
    expect(page.locator("h1")).to_have_text("Bitte bestätigen Sie Ihren Termin")
    check(page, with_axe, "done" if shots else None)
    appointment = Appointment.objects.get()
    expect(page.locator(".booking-code")).to_contain_text(appointment.code)
    assert timezone_hour(appointment.start) == 9
    [asked] = mail.outbox  # sent once, by the (in-process) worker after commit
    assert asked.to == ["erika@example.org"] and "bestätigen" in asked.subject
    page.goto(urlsplit(re.search(r"https?://\S+/termin/bestaetigen/\S+/", asked.body).group(0)).path)
    check(page, with_axe, "confirm" if shots else None)
    page.get_by_role("button", name="Termin bestätigen").click()
    expect(page.locator("h1")).to_have_text("Ihr Termin ist gebucht")
    check(page, with_axe)
    confirmation = mail.outbox[-1]
    assert appointment.code in confirmation.body and "/termin/verwalten/" in confirmation.body
    [(filename, ics, _mimetype)] = confirmation.attachments
    assert filename.endswith(".ics") and "BEGIN:VEVENT" in ics

    page.goto(urlsplit(re.search(r"https?://\S+/termin/verwalten/\S+/", confirmation.body).group(0)).path)
    page.get_by_role("link", name="Termin verschieben").click()
    expect(page.locator("h1")).to_contain_text("neuen Tag wählen")
    check(page, with_axe)
    page.locator(".booking-calendar").get_by_role(
        "link", name="freie Zeiten am Mittwoch, 2. Dezember"
    ).click()
    page.get_by_label("10:30").check()
    page.get_by_role("button", name="Termin verschieben").click()
    expect(page.locator(".alert-success")).to_contain_text("verschoben")
    # What happened, with both times.
    expect(page.locator(".alert-success")).to_contain_text(
        "Bisher: Dienstag, 1. Dezember 2026, 09:00. Neu: Mittwoch, 2. Dezember 2026, 10:30."
    )
    check(page, with_axe, "manage" if shots else None)
    appointment.refresh_from_db()
    assert appointment.start == dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.UTC)
    # Asked to confirm, confirmed, then the new time confirmed.
    assert len(mail.outbox) == 3 and "2. Dezember 2026" in mail.outbox[2].body

    page.get_by_role("link", name="Termin absagen").click()
    expect(page.locator("h1")).to_have_text("Termin absagen?")
    check(page, with_axe, "cancel" if shots else None)
    assert Appointment.objects.get().status == "booked"  # the GET changed nothing
    page.get_by_role("button", name="Ja, Termin absagen").click()
    expect(page.locator(".alert-success")).to_contain_text("abgesagt")
    check(page, with_axe)
    assert Appointment.objects.get().status == "cancelled"
    assert not Occupancy.objects.exists()


def timezone_hour(moment: dt.datetime) -> int:
    from django.utils import timezone

    return timezone.localtime(moment).hour


def test_a_citizen_books_moves_and_cancels_with_no_accessibility_violations(
    page, clock, counsellor, relaxed_limits
):
    book_move_cancel(page, with_axe=True, shots=True)


def test_the_same_flow_works_without_javascript(no_js_page, clock, counsellor, relaxed_limits):
    # axe needs JavaScript in the page, so this run checks the flow only; the run above checks axe.
    book_move_cancel(no_js_page, with_axe=False)


def test_the_lost_link_page_passes_axe_and_works_without_javascript(page, no_js_page, counsellor):
    page.goto("/termin/finden/")
    expect(page.locator("h1")).to_have_text("Persönlichen Link verloren?")
    assert_accessible(page)
    page.get_by_label("Buchungsnummer").fill("K7M")
    page.get_by_role("button", name="Neuen Link schicken").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("sieben Zeichen")
    assert_accessible(page)
    no_js_page.goto("/termin/finden/")
    no_js_page.get_by_label("Buchungsnummer").fill("K7M-4QX9")
    no_js_page.get_by_label("Postleitzahl Ihrer Anschrift").fill("48153")
    no_js_page.get_by_role("button", name="Neuen Link schicken").click()
    expect(no_js_page.get_by_role("status")).to_contain_text("neuen persönlichen Link")
    page.get_by_label("Buchungsnummer").fill("K7M-4QX9")
    page.get_by_label("Postleitzahl Ihrer Anschrift").fill("48153")
    page.get_by_role("button", name="Neuen Link schicken").click()
    expect(page.get_by_role("status")).to_contain_text("neuen persönlichen Link")
    assert_accessible(page)
    no_js_page.screenshot(path="/tmp/bfix-find.png", full_page=True)  # noqa: S108 (looked at by hand)
