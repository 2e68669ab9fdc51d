"""The statistics page in a real Chromium: accessible (axe), usable without JavaScript."""

import pytest
from playwright.sync_api import expect

from tests.conftest import login
from tests.helpers import assert_accessible
from tests.stats.known_week import known_week, services  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WEEK = "/intern/statistik/?start=2026-03-23&end=2026-03-29"


@pytest.mark.usefixtures("known_week")
def test_the_statistics_page_has_no_accessibility_violations(page, team_lead):
    login(page, team_lead)
    page.goto(WEEK)
    expect(page.locator("h1")).to_have_text("Statistik")
    expect(
        page.get_by_role("img", name="Wartezeit bis zum ersten Aufruf (Wartenummern ohne Termin)")
    ).to_be_visible()
    assert_accessible(page)


def test_a_wrong_range_is_explained_accessibly(page, team_lead, location):
    login(page, team_lead)
    page.goto("/intern/statistik/?start=2026-03-29&end=2026-03-23")
    expect(page.locator("#id_end-error")).to_have_text("Das Ende darf nicht vor dem Beginn liegen.")
    assert_accessible(page)


@pytest.mark.usefixtures("known_week")
def test_the_filter_works_without_javascript(no_js_page, team_lead, location):
    page = no_js_page
    login(page, team_lead)
    page.goto("/intern/")
    page.get_by_role("link", name="Statistik: Wartezeiten, Termine, Auslastung").click()
    page.get_by_label("Standort", exact=True).select_option(label=location.name)
    page.get_by_label("Von", exact=True).fill("2026-03-23")
    page.get_by_label("Bis", exact=True).fill("2026-03-29")
    page.get_by_role("button", name="Anzeigen").click()
    table = page.get_by_role("table", name="Wartenummern ohne Termin")
    expect(table.get_by_role("row", name="Ausgegeben")).to_contain_text("7")
    expect(page.get_by_text("Zeitraum 23.03.2026 bis 29.03.2026 (7 Tage)")).to_be_visible()
