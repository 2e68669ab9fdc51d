"""What a citizen gets in their language: the PDF confirmation (tagged, Arabic right to left,
Ukrainian), the .ics, the receipt after cancelling, the page after cancelling, error summaries."""

import datetime as dt
import io
import unicodedata

import pytest
from django.core import mail
from django.utils import translation
from icalendar import Calendar
from pypdf import PdfReader

from booking.ics import appointment_ics
from booking.services import move_appointment
from tests.booking.conftest import TUESDAY_9, book_confirmed

pytestmark = pytest.mark.django_db


def extracted(pdf: bytes) -> str:
    # Arabic comes out in presentation forms; NFKC gives back the letters the catalogue has.
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return unicodedata.normalize("NFKC", text)


def in_language(language: str, text: str) -> str:
    with translation.override(language):
        translated = translation.gettext(text)
    assert translated != text, f"no {language} translation of {text!r}"  # the test proves the language
    return translated


@pytest.fixture
def booked(clock, counsellor, location, appointment_service, person):
    location.phone_hours = "Montag bis Freitag 8 bis 12 Uhr"
    location.save()
    return book_confirmed(service=appointment_service, location=location, start=TUESDAY_9, person=person)


@pytest.mark.parametrize("language", ["ar", "uk"])
def test_the_pdf_confirmation_is_tagged_and_in_the_citizens_language(client, booked, language):
    client.cookies["django_language"] = language
    response = client.get(f"/termin/verwalten/{booked.token}/bestaetigung.pdf")
    reader = PdfReader(io.BytesIO(response.content))
    assert "/StructTreeRoot" in reader.trailer["/Root"] and reader.trailer["/Root"]["/Lang"] == language
    text = extracted(response.content)
    # Right to left, the colon ends up on the other side of the extracted line.
    assert in_language(language, "Fragen? Rufen Sie uns an:").rstrip(":") in text
    assert in_language(language, "Termin verwalten oder absagen") not in text  # a page link, not in the PDF
    assert booked.appointment.code in text and "0251 492-0" in text and "Montag bis Freitag" in text
    fonts = [f.get_object()["/BaseFont"] for f in reader.pages[0]["/Resources"]["/Font"].values()]
    assert any("Noto-Sans" in name for name in fonts)  # embedded fonts with Arabic and Cyrillic script


def test_the_ics_has_an_alarm_and_a_uid_from_the_public_host(settings, booked):
    settings.SITE_URL = "https://termine.example.org:8443"
    event = Calendar.from_ical(appointment_ics(booked.appointment)).walk("VEVENT")[0]
    assert str(event["uid"]) == f"{booked.appointment.code}@termine.example.org"
    [alarm] = event.walk("VALARM")
    assert alarm["action"] == "DISPLAY" and alarm["trigger"].dt == -dt.timedelta(days=1)
    cancelled = Calendar.from_ical(appointment_ics(booked.appointment, cancelled=True)).walk("VEVENT")[0]
    assert not cancelled.walk("VALARM")


def test_the_move_email_names_the_old_and_the_new_time(booked, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        move_appointment(
            appointment=booked.appointment,
            start=dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.UTC),
            token=booked.token,
        )
    [moved] = mail.outbox
    assert "verschoben" in moved.subject and "02.12.2026" in moved.subject
    assert "Bisher: Dienstag, 1. Dezember 2026 um 09:00 Uhr" in moved.body
    assert "Neues Datum" in moved.alternatives[0][0] and "Mittwoch, 2. Dezember 2026" in moved.body


def test_a_citizen_who_cancels_gets_a_receipt_and_a_page_to_book_again(
    client, booked, django_capture_on_commit_callbacks
):
    booked.appointment.language = "uk"  # as the form suggests to a citizen browsing in Ukrainian
    booked.appointment.save()
    mail.outbox.clear()
    client.cookies["django_language"] = "uk"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/termin/verwalten/{booked.token}/absagen/", follow=True)
    page = response.content.decode()
    assert in_language("uk", "Neuen Termin für dieses Anliegen buchen") in page
    assert "/termin/grundsicherung/stadthaus-3/" in page
    assert "Personalausweis" not in page  # nothing to bring to a cancelled appointment
    [receipt] = mail.outbox
    assert receipt.subject.startswith(
        in_language("uk", "Bestätigung: Ihr Termin am %(date)s um %(time)s Uhr ist abgesagt")[:12]
    )
    assert "/termin/" in receipt.body and "0251 492-0" in receipt.body
    assert "METHOD:CANCEL" in receipt.attachments[0][1]


def test_an_error_summary_links_to_each_field_and_the_title_says_error(
    client, clock, counsellor, relaxed_limits
):
    client.post("/termin/grundsicherung/stadthaus-3/2026-12-01/", {"start": "2026-12-01T08:00Z"})
    response = client.post("/termin/angaben/", {"reminder": "email"})
    page = response.content.decode()
    assert response.status_code == 400 and "<title>Fehler: Ihre Angaben" in page
    summary = page[page.index('class="alert alert-danger error-summary"') :]
    assert 'href="#id_name"' in summary and 'href="#id_email"' in summary
    assert "Schritt 4 von 5" in page


def test_a_service_without_a_translation_shows_german_marked_as_german(
    client, counsellor, appointment_service
):
    client.cookies["django_language"] = "en"
    page = client.get("/termin/").content.decode()
    assert '<a href="/termin/grundsicherung/" lang="de" dir="ltr">Grundsicherung</a>' in page
    appointment_service.name_en = "Basic income support"
    appointment_service.save()
    page = client.get("/termin/").content.decode()
    assert '<a href="/termin/grundsicherung/">Basic income support</a>' in page
    client.cookies["django_language"] = "de"
    assert '<a href="/termin/grundsicherung/">Grundsicherung</a>' in client.get("/termin/").content.decode()
