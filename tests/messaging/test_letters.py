"""Letter PDFs (DIN 5008 form B, checked by text extraction) and the daily print batch."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.test import override_settings
from pypdf import PdfReader

from messaging.batches import build_print_batch
from messaging.letters import LetterError, address_fits_window, letter_pdf, window_lines
from messaging.models import CallListEntry, Message, PrintBatch

pytestmark = pytest.mark.django_db

MM = 72 / 25.4  # PDF points per millimetre
A4_HEIGHT = 297 * MM


def positioned_text(pdf: bytes, page: int = 0) -> list[tuple[float, float, str]]:
    """(x mm from the left, y mm from the top, text) of every text run on a page."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            found.append((x / MM, (A4_HEIGHT - y) / MM, text.strip()))

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return found


def text_at(runs, needle):
    return [(x, y) for x, y, text in runs if needle in text]


def reminder_letter(appointment):
    return appointment.messages.get(kind=Message.Kind.REMINDER, channel=Message.Channel.LETTER)


def test_the_letter_has_the_address_in_the_window_and_date_time_and_place(clock, book, location):
    location.building = "Gebäude B"
    location.save()
    appointment = book(name="Erika Mustermann", street="Hammer Straße 12", postcode="48153", city="Münster")
    pdf = letter_pdf(reminder_letter(appointment))
    runs = positioned_text(pdf)
    text = " ".join(t for _x, _y, t in runs)
    for line in ("Erika Mustermann", "Hammer Straße 12", "48153 Münster"):
        [(x, y)] = text_at(runs, line)
        # DIN 5008 form B: the window's address zone is 20–105 mm from the left, 62.7–90 mm from the top.
        assert 20 <= x <= 105 and 62.7 <= y <= 90, (line, x, y)
    [(x, y)] = text_at(runs, "Sozialamt · Albersloher Weg 33")
    assert 20 <= x <= 105 and 45 <= y <= 62.7  # the sender line above the address
    assert "20.11.2026" in text  # the letter's date
    assert "Donnerstag, 3. Dezember 2026" in text and "10:00 Uhr" in text
    assert "Kundenzentrum im Stadthaus III" in text and "Raum 1.12" in text and "Team Grundsicherung" in text
    assert "Personalausweis" in text and appointment.code in text and "0251 492-0" in text


def test_the_letter_pdf_embeds_its_fonts_and_is_tagged(clock, book):
    reader = PdfReader(io.BytesIO(letter_pdf(reminder_letter(book()))))
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.trailer["/Root"]["/Lang"]
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for font in fonts.values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "Noto-Sans" in descriptor["/FontName"] and "/FontFile2" in descriptor


def test_a_long_address_is_wrapped_in_the_window_never_cut(clock, book):
    street = "Kardinal-von-Galen-Ring gegenüber dem Hauptbahnhof 123a"  # 55 characters
    lines = window_lines(
        name="Erika Mustermann", address_extra="", street=street, postcode="48143", city="Münster"
    )
    assert len(lines) == 4 and "".join(lines).replace(
        " ", ""
    ) == f"ErikaMustermann{street}48143Münster".replace(" ", "")
    appointment = book(street=street)
    text = PdfReader(io.BytesIO(letter_pdf(reminder_letter(appointment)))).pages[0].extract_text()
    assert "123a" in text and "Kardinal-von-Galen-Ring" in text


def test_an_address_that_cannot_fit_the_window_is_refused_not_cut():
    fields = {
        "name": "N" * 100,
        "address_extra": "c/o " + "X" * 56,
        "street": "S" * 60,
        "postcode": "48143",
        "city": "M" * 60,
    }
    assert not address_fits_window(**fields)
    with pytest.raises(LetterError, match="Sichtfenster"):
        window_lines(**fields)
    assert address_fits_window(
        name="Erika Mustermann", address_extra="", street="Hauptstr. 1", postcode="48143", city="Münster"
    )


LETTER_DAY = dt.date(2026, 11, 30)  # Monday: the posting day of a Thursday 3 December appointment


@pytest.fixture
def posting_day(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 30, 5, 0, tzinfo=dt.UTC), tick=False)


BROKEN_CANCELLED_LETTER = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [settings.BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {"letters/cancelled.html": "{% if %}broken{% endif %}"},
                ),
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
            "context_processors": [],
        },
    }
]


def test_the_daily_batch_has_a_cover_sheet_and_every_letter_due_today_once(clock, book, posting_day):
    appointments = [book() for _ in range(3)]
    book(start=dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC))  # its letter is due next week
    batch = build_print_batch()
    assert batch.status == PrintBatch.Status.READY and batch.day == LETTER_DAY
    assert (batch.letter_count, batch.failed_count) == (3, 0)
    reader = PdfReader(batch.file.path)
    assert len(reader.pages) == 4
    cover = reader.pages[0].extract_text()
    assert "3 Briefe in diesem Stapel" in cover and "30.11.2026" in cover
    codes = " ".join(page.extract_text() for page in reader.pages[1:])
    assert all(a.code in codes for a in appointments)
    assert {reminder_letter(a).status for a in appointments} == {Message.Status.SENT}
    assert {reminder_letter(a).batch_id for a in appointments} == {batch.pk}
    assert build_print_batch() is None  # a letter is in exactly one batch


@override_settings(TEMPLATES=BROKEN_CANCELLED_LETTER)
def test_a_template_error_fails_that_letter_shows_it_and_the_batch_goes_on(clock, book, posting_day, clerk):
    from booking.services import cancel_for_office

    fine = [book() for _ in range(2)]
    victim = book(phone="0251 1234")
    cancel_for_office(appointment_ids=[victim.pk], reason="Erkrankung", by=clerk)
    batch = build_print_batch()
    assert (batch.letter_count, batch.failed_count) == (2, 1)
    assert len(PdfReader(batch.file.path).pages) == 3
    failed = victim.messages.get(kind=Message.Kind.CANCELLED, channel=Message.Channel.LETTER)
    assert failed.status == Message.Status.FAILED and "Vorlagenfehler" in failed.last_error
    assert CallListEntry.objects.filter(
        appointment=victim, reason=CallListEntry.Reason.LETTER_FAILED
    ).exists()
    assert {reminder_letter(a).status for a in fine} == {Message.Status.SENT}


def test_a_letter_whose_posting_day_has_passed_goes_to_the_call_list(clock, book, time_machine):
    appointment = book()
    time_machine.move_to(dt.datetime(2026, 12, 1, 5, 0, tzinfo=dt.UTC), tick=False)
    assert build_print_batch() is None
    assert reminder_letter(appointment).status == Message.Status.CANCELLED
    assert CallListEntry.objects.get(appointment=appointment).reason == CallListEntry.Reason.TOO_LATE


class WorkerDied(BaseException):
    """Like SIGKILL: no `except Exception` clean-up runs."""


def _die_after_first_chunk(monkeypatch, error: type[BaseException]):
    from messaging import batches

    real = batches._render_chunk

    def render_then_die(sections, tmp, index):
        real(sections, tmp, index)
        raise error("worker gone")

    monkeypatch.setattr(batches, "_render_chunk", render_then_die)
    return real


def _letters_in_batches(appointments):
    return [reminder_letter(a) for a in appointments]


def test_a_build_that_fails_half_way_gives_every_letter_back_and_loses_none(
    clock, book, posting_day, settings, monkeypatch
):
    settings.PRINT_BATCH_CHUNK = 2
    appointments = [book() for _ in range(5)]
    real = _die_after_first_chunk(monkeypatch, RuntimeError)
    with pytest.raises(RuntimeError):
        build_print_batch()
    assert not PrintBatch.objects.exists()
    assert {m.status for m in _letters_in_batches(appointments)} == {Message.Status.PENDING}
    monkeypatch.setattr("messaging.batches._render_chunk", real)
    batch = build_print_batch()
    letters = _letters_in_batches(appointments)
    assert {(m.status, m.batch_id) for m in letters} == {(Message.Status.SENT, batch.pk)}
    assert batch.letter_count == 5 and len(PdfReader(batch.file.path).pages) == 6


def test_a_build_whose_worker_died_is_released_only_after_the_time_limit(
    clock, book, posting_day, settings, monkeypatch, time_machine
):
    settings.PRINT_BATCH_CHUNK = 2
    appointments = [book() for _ in range(5)]
    real = _die_after_first_chunk(monkeypatch, WorkerDied)
    with pytest.raises(WorkerDied):
        build_print_batch()
    dead = PrintBatch.objects.get()
    assert dead.status == PrintBatch.Status.BUILDING
    # No letter counts as sent while the batch has no file.
    assert {m.status for m in _letters_in_batches(appointments)} == {Message.Status.SENDING}
    monkeypatch.setattr("messaging.batches._render_chunk", real)
    time_machine.move_to(dt.datetime(2026, 11, 30, 5, 30, tzinfo=dt.UTC), tick=False)
    assert build_print_batch() is None  # might still be running: not released yet
    assert PrintBatch.objects.get().pk == dead.pk
    time_machine.move_to(dt.datetime(2026, 11, 30, 5, 45, tzinfo=dt.UTC), tick=False)
    batch = build_print_batch()
    assert list(PrintBatch.objects.values_list("pk", flat=True)) == [batch.pk]
    letters = _letters_in_batches(appointments)
    assert {(m.status, m.batch_id) for m in letters} == {(Message.Status.SENT, batch.pk)}
    assert batch.letter_count == 5


def test_the_print_batch_task_has_its_own_time_limits(settings):
    from messaging.tasks import build_print_batch as task

    assert (task.soft_time_limit, task.time_limit) == (1800, 1900)


def test_moving_an_appointment_whose_letter_is_already_in_a_batch_puts_the_citizen_on_the_call_list(
    clock, book, posting_day
):
    from messaging import notify

    appointment = book()
    batch = build_print_batch()
    appointment.start = dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC)
    appointment.end = appointment.start + dt.timedelta(minutes=45)
    appointment.save()
    notify.appointment_moved(appointment)
    assert reminder_letter(appointment).batch_id == batch.pk  # the printed letter names the old time
    entry = CallListEntry.objects.get(appointment=appointment)
    assert entry.reason == CallListEntry.Reason.MOVED_AFTER_LETTER


def test_the_reminder_letter_promises_no_online_change_by_booking_code(clock, book):
    text = " ".join(
        PdfReader(io.BytesIO(letter_pdf(reminder_letter(book(phone="0251 1")))))
        .pages[0]
        .extract_text()
        .split()
    )
    assert "mit Ihrer Buchungsnummer" not in text
    assert "persönlichen Link in Ihrer Buchungsbestätigung" in text
