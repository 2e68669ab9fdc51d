"""Fixtures for every test: fixed users, Münster's office, and a real Chromium via Playwright."""

import os

import pytest
from django.core.cache import cache
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from hypothesis import settings as hypothesis_settings

from sozialamt import roles
from tests.factories import CounsellorFactory, LocationFactory, ServiceFactory, UserFactory

# CI explores the same random inputs on every run, so a red build always means that a change
# broke something; developers' runs keep exploring new inputs (and have found real bugs).
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# How long a browser test waits for a page, an element or a text, for page actions and for
# Playwright's `expect` alike (whose own default is 5 s). A wait that is met returns at once; the
# bound only matters on a loaded 2-core CI machine, where a request that renders a PDF or a page
# polled every 2 s can take several seconds.
BROWSER_TIMEOUT_MS = 20_000


class _ManyClientsServer(ThreadedWSGIServer):
    """Django's test server listens with a backlog of 10; when 50 clients connect at once (the
    booking race test) the kernel resets the connections that overflow it before Django sees
    them. Production runs gunicorn, whose backlog is 2048."""

    request_queue_size = 128


LiveServerThread.server_class = _ManyClientsServer


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (rate limits, display feeds live there)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _german_by_default():
    """Each test starts in German: a request in another language leaves it active in the
    thread, and the office's texts are written in the active language (django-modeltranslation)."""
    from django.utils import translation

    translation.activate("de")
    yield
    translation.activate("de")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk", roles=[roles.CLERK])


@pytest.fixture
def info_desk(db):
    return UserFactory(username="infodesk", roles=[roles.INFO_DESK])


@pytest.fixture
def team_lead(db):
    return UserFactory(username="teamlead", roles=[roles.TEAM_LEAD])


@pytest.fixture
def location(db):
    """Münster's Kundenzentrum with the seed's weekly hours (Mon–Wed 8–15:30, Thu 8–18, Fri 8–12)."""
    return LocationFactory(name="Kundenzentrum im Stadthaus III", slug="stadthaus-3", seed_hours=True)


@pytest.fixture
def appointment_service(location):
    service = ServiceFactory(name="Grundsicherung", slug="grundsicherung", duration_minutes=45)
    location.services.add(service)
    return service


@pytest.fixture
def walk_in_service(location):
    service = ServiceFactory(name="Unterlagen abgeben", slug="unterlagen-abgeben", walk_in=True)
    location.services.add(service)
    return service


@pytest.fixture
def counsellor(location, appointment_service):
    """A counsellor for the appointment service who works the location's seed hours."""
    return CounsellorFactory(location=location, services=[appointment_service], seed_hours=True)


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole run (Playwright's own download fails here)."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=BROWSER_TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh German browser page; `page.goto("/path")` is relative to the live server."""
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin", base_url=live_server.url)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def no_js_page(browser, live_server):
    """A browser page with JavaScript switched off: every flow must still work."""
    context = browser.new_context(
        locale="de-DE", timezone_id="Europe/Berlin", base_url=live_server.url, java_script_enabled=False
    )
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


def login(page, user, password: str = "secret-password") -> None:
    """Signs a user in through the login form."""
    page.goto("/intern/anmelden/")
    page.get_by_label("Benutzername").fill(user.username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()


DEAD_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
}


@pytest.fixture
def dead_cache(settings):
    """The cache pointed at a port where no Redis answers."""
    settings.CACHES = DEAD_REDIS
    from django.core.cache import cache

    return cache


@pytest.fixture(autouse=True)
def _clear_display_feed_memo():
    """The display feed's per-process one-second memo must not carry over between tests."""
    from kundenzentrum import selectors

    selectors._local.clear()
    yield
    selectors._local.clear()


@pytest.fixture
def broker():
    """Tasks go to the real Redis broker (DB of TEST_REDIS_URL), emptied before and after."""
    import redis
    from django.conf import settings

    from sozialamt.celery import app

    assert settings.REDIS_URL, "these tests need TEST_REDIS_URL"
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    app.conf.task_always_eager = False
    yield settings.REDIS_URL
    app.conf.task_always_eager = True
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
