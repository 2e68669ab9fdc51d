"""Every text a citizen reads exists in every language of the site, and none is a guess.

The rule for "citizen-facing": a message is staff-only when every place it comes from (the
`#:` references that makemessages writes) is a staff-only source below; every other message
is citizen-facing and must be translated, not fuzzy, in all five languages besides German.
Staff pages may stay German or English, so English must have every message.
"""

from fnmatch import fnmatch
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
CITIZEN_LANGUAGES = ["en", "tr", "ar", "uk", "ru"]

# Sources only staff see: the admin, the clerks' and info desk's pages, print batches, the call
# list, cancelling for the office, the statistics, the staff login and start page, group names.
STAFF_ONLY_SOURCES = [
    "*/admin.py",
    "sozialamt/roles.py",
    "sozialamt/twofactor.py",
    "messaging/views.py",
    "messaging/forms.py",
    "templates/messaging/*",
    "stats/*",
    "templates/stats/*",
    "templates/kundenzentrum/desk.html",
    "templates/kundenzentrum/desks.html",
    "templates/kundenzentrum/info_desk.html",
    "templates/kundenzentrum/info_desk_home.html",
    "templates/kundenzentrum/kiosk_unlock.html",
    "templates/kundenzentrum/includes/_desk_button.html",
    "templates/kundenzentrum/includes/_desk_status.html",
    "templates/kundenzentrum/includes/_staff_links.html",
    "templates/letters/cover.html",
    "templates/registration/*",
    "templates/sozialamt/staff_home.html",
    "workspace/*",
    "booking/feeds.py",
    "kundenzentrum/services/rooms.py",
    "templates/workspace/*",
    "templates/workspace/includes/*",
]


def is_staff_only(entry: polib.POEntry) -> bool:
    return bool(entry.occurrences) and all(
        any(fnmatch(path, pattern) for pattern in STAFF_ONLY_SOURCES) for path, _line in entry.occurrences
    )


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def gaps(language: str, *, citizen_only: bool) -> list[str]:
    """The messages without a usable translation (missing or fuzzy) in this language."""
    return [
        entry.msgid
        for entry in catalogue(language)
        if not entry.obsolete
        and not (citizen_only and is_staff_only(entry))
        and (not entry.translated() or "fuzzy" in entry.flags)
    ]


@pytest.mark.parametrize("language", CITIZEN_LANGUAGES)
def test_every_citizen_facing_message_is_translated_and_not_fuzzy(language):
    missing = gaps(language, citizen_only=True)
    assert not missing, (
        f"{len(missing)} citizen-facing messages untranslated or fuzzy in {language}: {missing[:10]}"
    )


def test_english_has_every_message_also_the_staff_ones():
    assert not gaps("en", citizen_only=False)


def test_the_rule_sorts_a_staff_page_out_and_keeps_a_shared_message_in():
    staff = polib.POEntry(msgid="x", occurrences=[("templates/kundenzentrum/desk.html", "3")])
    shared = polib.POEntry(
        msgid="y",
        occurrences=[("templates/kundenzentrum/desk.html", "3"), ("templates/booking/day.html", "9")],
    )
    assert is_staff_only(staff) and not is_staff_only(shared)
    assert not is_staff_only(polib.POEntry(msgid="z", occurrences=[("booking/admin.pyc", "1")]))


def test_every_staff_only_source_exists():
    # A renamed template would silently make its texts citizen-facing again, or hide them.
    for pattern in STAFF_ONLY_SOURCES:
        assert list(Path(settings.BASE_DIR).glob(pattern)), pattern


@pytest.mark.parametrize("language", [code for code in CITIZEN_LANGUAGES if code != "en"])
def test_every_catalogue_has_the_messages_the_english_one_has(language):
    # `make messages` must update every language, or new texts would never be asked for.
    def messages(code: str) -> set:
        return {(e.msgctxt, e.msgid) for e in catalogue(code) if not e.obsolete}

    assert messages(language) == messages("en")
