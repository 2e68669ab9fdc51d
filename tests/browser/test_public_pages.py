"""The public pages in a real Chromium: accessible (axe), usable, and fed by the admin."""

import pytest
from playwright.sync_api import expect

from tests.conftest import login
from tests.helpers import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "path", ["/", "/oeffnungszeiten/", "/anliegen/", "/datenschutz/", "/barrierefreiheit/"]
)
def test_public_page_has_no_accessibility_violations(
    page, location, appointment_service, walk_in_service, path
):
    page.goto(path)
    assert page.locator("h1").count() == 1
    assert_accessible(page)


def test_login_page_has_no_accessibility_violations(page):
    page.goto("/intern/anmelden/")
    assert_accessible(page)


def test_the_skip_link_moves_keyboard_focus_to_the_content(page, location):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhalt"


def test_an_admin_changes_thursday_closing_time_and_the_hours_page_shows_it(page, location, admin_user):
    login(page, admin_user)
    page.goto(f"/admin/sozialamt/location/{location.pk}/change/")
    thursday = page.locator("tr.form-row").filter(has=page.locator("select option[selected][value='3']"))
    thursday.locator("input[name$='-closes']").fill("17:00")
    page.get_by_role("button", name="Sichern", exact=True).click()
    expect(page.locator(".messagelist .success")).to_have_count(1)
    page.goto("/oeffnungszeiten/")
    assert page.get_by_role("row", name="Donnerstag").inner_text().split() == [
        "Donnerstag",
        "08:00–17:00",
        "Uhr",
    ]


def test_the_admin_refuses_overlapping_intervals_with_a_clear_message(page, location, admin_user):
    login(page, admin_user)
    page.goto(f"/admin/sozialamt/location/{location.pk}/change/")
    page.locator("[name='opening_hours-5-weekday']").select_option("0")  # the one empty row
    page.locator("[name='opening_hours-5-opens']").fill("12:00")
    page.locator("[name='opening_hours-5-closes']").fill("16:00")
    page.get_by_role("button", name="Sichern", exact=True).click()
    expect(page.locator(".errorlist").first).to_contain_text(
        "Montag: 08:00–15:30 überschneidet sich mit 12:00–16:00."
    )
    assert location.opening_hours.count() == 5
