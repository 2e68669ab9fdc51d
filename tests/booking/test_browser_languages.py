"""Every citizen page in every language, in a real Chromium: the right <html lang dir>, no axe
violation (Arabic right to left included), one booking per language, and pages that reflow
at 320 px without scrolling sideways."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation
from playwright.sync_api import expect

from booking.models import Appointment
from kundenzentrum import services as kz_services
from sozialamt.templatetags.office import long_date
from tests.conftest import BROWSER_TIMEOUT_MS
from tests.helpers import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [code for code, _name in settings.LANGUAGES]
PUBLIC_PAGES = [
    "/",
    "/oeffnungszeiten/",
    "/anliegen/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/leichte-sprache/",
    "/leichte-sprache/termin/",
    "/termin/finden/",
    "/kundenzentrum/",
]


@pytest.fixture
def open_in(browser, live_server):
    """open_in(language, width=1280) → a page whose site language is already chosen."""
    contexts = []

    def _open(language: str, width: int = 1280):
        context = browser.new_context(
            locale="de-DE",
            timezone_id="Europe/Berlin",
            base_url=live_server.url,
            viewport={"width": width, "height": 800},
        )
        context.set_default_timeout(BROWSER_TIMEOUT_MS)
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def check(page, language: str, *, axe: bool = True) -> None:
    """The page says its language and direction, and axe finds nothing."""
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    if axe:
        assert_accessible(page)


def no_sideways_scrolling(page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{page.url} is {width[0]} px wide in a {width[1]} px window"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_public_pages_in_each_language(open_in, location, appointment_service, walk_in_service, language):
    page = open_in(language)
    for path in PUBLIC_PAGES:
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        check(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_citizen_books_and_cancels_in_each_language(open_in, clock, counsellor, relaxed_limits, language):
    page = open_in(language)
    page.goto("/termin/")
    check(page, language)
    page.locator("a[href='/termin/grundsicherung/']").click()
    expect(page.locator(".booking-calendar a").first).to_be_visible()
    check(page, language)
    page.locator(".booking-calendar a").first.click()
    expect(page.locator("input[name=start]").first).to_be_visible()
    check(page, language)
    page.locator("input[name=start]").first.check()
    page.locator(".booking-times [type=submit]").click()
    expect(page.locator("#id_name")).to_be_visible()
    check(page, language)
    page.locator("#id_name").fill("Erika Mustermann")
    page.locator("input[name=reminder][value=email]").check()
    page.locator("#id_email").fill("erika@example.org")
    page.locator("#submit-id-submit").click()
    expect(page.locator(".booking-submit")).to_be_visible()
    check(page, language)
    page.locator(".booking-submit").click()
    expect(page.locator(".booking-code")).to_be_visible()
    check(page, language)

    appointment = Appointment.objects.get()
    assert appointment.language == language  # the choice is kept for every later message
    with translation.override(language):
        day = long_date(timezone.localtime(appointment.start))
    expect(page.locator(".booking-facts")).to_contain_text(day)  # dates written as the language does
    [confirmation] = mail.outbox
    html = confirmation.alternatives[0][0]
    assert f'lang="{language}"' in html and day in confirmation.body

    page.goto(page.locator(".booking-link a").get_attribute("href"))
    check(page, language)
    page.locator("a[href$='/absagen/']").click()
    check(page, language)
    page.locator("main form .btn-danger").click()
    expect(page.locator(".alert-warning")).to_be_visible()
    check(page, language)
    assert Appointment.objects.get().status == Appointment.Status.CANCELLED
    assert len(mail.outbox) == 2  # the receipt of the cancellation


def test_the_kiosk_offers_every_language_as_a_big_button(page, clock, location, walk_in_service):
    token = kz_services.unlock_kiosk(location=location, name="Eingang", by=None)
    page.goto(f"/kundenzentrum/kiosk/{location.slug}/?token={token}")
    buttons = page.locator(".kz-language-button")
    # Each language in its own script, whatever the page's language.
    assert buttons.all_inner_texts() == ["Deutsch", "English", "Türkçe", "العربيّة", "Українська", "Русский"]
    page.locator(".kz-language-button[lang=ar]").click()
    check(page, "ar")
    expect(page.locator(".kz-kiosk-button")).to_contain_text(walk_in_service.name)
    assert_accessible(page)
    page.locator(".kz-kiosk-button").click()
    expect(page.locator(".kz-receipt .kz-number")).to_have_text("A-001")
    check(page, "ar")
    page.locator("[data-kz-return-form] button").click()  # "Fertig": the next visitor starts in German
    expect(page.locator(".kz-kiosk-button")).to_be_visible()
    check(page, "de", axe=False)


@pytest.mark.parametrize("language", ["de", "ar"])
def test_the_booking_pages_reflow_at_320_px(open_in, clock, counsellor, relaxed_limits, language):
    page = open_in(language, width=320)
    page.goto("/termin/")
    no_sideways_scrolling(page)
    page.locator("a[href='/termin/grundsicherung/']").click()
    # The week grid does not fit: a list of days with their free times or why they are closed.
    expect(page.locator(".booking-day-list")).to_be_visible()
    expect(page.locator(".booking-calendar").first).to_be_hidden()
    expect(page.locator(".booking-day-list .day-closed").first).to_be_visible()
    no_sideways_scrolling(page)
    page.locator(".booking-day-list a").first.click()
    # Measured on the day page itself, not on the calendar while it is being left.
    expect(page).to_have_url(re.compile(r"/\d{4}-\d{2}-\d{2}/$"))
    page.wait_for_load_state()
    no_sideways_scrolling(page)
    page.locator("input[name=start]").first.check()
    page.locator(".booking-times [type=submit]").click()
    expect(page.locator("#id_name")).to_be_visible()
    no_sideways_scrolling(page)
    page.locator("#id_name").fill("Erika Mustermann")
    page.locator("input[name=reminder][value=none]").check()
    page.locator("#submit-id-submit").click()
    expect(page.locator(".booking-submit")).to_be_visible()
    no_sideways_scrolling(page)
    page.locator(".booking-submit").click()
    expect(page.locator(".booking-code")).to_be_visible()
    no_sideways_scrolling(page)
    page.locator("a[href$='/absagen/']").click()
    expect(page).to_have_url(re.compile(r"/absagen/$"))  # measured once the cancel page is there
    page.wait_for_load_state()
    no_sideways_scrolling(page)
    for path in PUBLIC_PAGES:
        page.goto(path)
        no_sideways_scrolling(page)
