"""A clerk books for five callers in a row, none with e-mail or phone, then a follow-up for the
last one, in a real browser (axe on every page)."""

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from booking.models import Appointment
from tests.conftest import login
from tests.helpers import assert_accessible
from tests.staff import works_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MONDAY_10 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def test_a_clerk_books_for_five_callers_in_a_row_without_email_or_phone(
    page, clerk, location, appointment_service, counsellor
):
    works_at(clerk, location)
    with time_machine.travel(MONDAY_10, tick=True):
        login(page, clerk)
        page.goto("/intern/buchen/")
        assert_accessible(page)
        page.get_by_label("Anliegen").select_option(label="Grundsicherung")
        page.get_by_label("Standort").select_option(label=location.name)
        for n in range(5):
            if n == 0:
                page.get_by_role("button", name="Freie Zeiten zeigen").click()
            else:
                page.get_by_role("link", name="Nächsten Termin buchen").click()
            expect(page.get_by_role("heading", name="Die nächsten freien Zeiten")).to_be_visible()
            assert_accessible(page)
            page.locator("#free-times + p + ul a").first.click()
            expect(page.get_by_role("heading", name="Angaben zur Person")).to_be_visible()
            assert_accessible(page)
            page.get_by_label("Vor- und Nachname").fill(f"Anrufer Nummer {n + 1}")
            page.get_by_label("Straße und Hausnummer").fill("Hammer Straße 12")
            page.get_by_label("Postleitzahl").fill("48153")
            page.get_by_label("Ort", exact=True).fill("Münster")
            page.get_by_role("button", name="Termin verbindlich buchen").click()
            expect(page.get_by_role("heading", name="Termin gebucht")).to_be_visible()
            assert_accessible(page)
            expect(page.locator("article")).to_contain_text(f"Anrufer Nummer {n + 1}")
        # The last caller's follow-up: same counsellor, the data carried over, three clicks.
        page.get_by_role("link", name="Folgetermin bei derselben Beratung").click()
        expect(page.get_by_role("heading", name=f"Folgetermin bei {counsellor.name}")).to_be_visible()
        assert_accessible(page)
        page.locator("#free-times + p + ul a").first.click()
        expect(page.get_by_label("Vor- und Nachname")).to_have_value("Anrufer Nummer 5")
        assert_accessible(page)
        page.get_by_role("button", name="Termin verbindlich buchen").click()
        expect(page.get_by_role("heading", name="Termin gebucht")).to_be_visible()
    booked = Appointment.objects.filter(booked_by=clerk)
    assert booked.filter(name="Anrufer Nummer 5").count() == 2
    booked = booked.exclude(pk=booked.order_by("-pk").first().pk)
    assert booked.count() == 5 and set(booked.values_list("channel", flat=True)) == {"phone"}
    assert not booked.exclude(email="").exists() and not booked.exclude(phone="").exists()
    assert len(set(booked.values_list("start", flat=True))) == 5
