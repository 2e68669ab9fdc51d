"""Letters as PDF: DIN 5008 form B for window envelopes, rendered by WeasyPrint from
templates/letters/. One PDF per letter; print batches put many letters in one document."""

import textwrap
from pathlib import Path

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from booking.models import Appointment

from .content import citizen_language, message_context, message_language, rebooking_url
from .models import Message

# The address zone of the window is 85 mm × 27.3 mm: six lines of 10 pt, and at 10 pt
# DejaVu Sans about 40 characters fit in the 80 mm after the 5 mm indent.
WINDOW_LINES = 6
WINDOW_CHARS = 40


class LetterError(Exception):
    """This one letter cannot be made (the batch goes on); the text says why, for staff."""


def window_lines(*, name: str, address_extra: str, street: str, postcode: str, city: str) -> list[str]:
    """The recipient lines for the window, long lines wrapped; refuses what would not fit.

    Never cuts: an address that needs more than six lines raises LetterError."""
    lines = [line.strip() for line in (name, address_extra, street, f"{postcode} {city}") if line.strip()]
    wrapped = [part for line in lines for part in textwrap.wrap(line, WINDOW_CHARS, break_long_words=True)]
    if len(wrapped) > WINDOW_LINES:
        raise LetterError(
            f"Die Anschrift passt nicht in das Sichtfenster ({len(wrapped)} statt höchstens {WINDOW_LINES} Zeilen)."
        )
    return wrapped


def address_fits_window(**fields: str) -> bool:
    """For form validation at entry: whether the address fits the window (same rule as above)."""
    try:
        window_lines(**fields)
    except LetterError:
        return False
    return True


def _appointment_address(appointment: Appointment) -> list[str]:
    return window_lines(
        name=appointment.name,
        address_extra=appointment.address_extra,
        street=appointment.street,
        postcode=appointment.postcode,
        city=appointment.city,
    )


def qr_code(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=0)


def letter_html(message: Message) -> str:
    """The HTML section of one letter (no document around it); LetterError if it cannot be made."""
    if not message.appointment.street:
        raise LetterError("Keine Anschrift (mehr) vorhanden.")
    address = _appointment_address(message.appointment)
    with citizen_language(message):
        context = {
            **message_context(message),
            "address_lines": address,
            "today": timezone.localdate(),
            "qr_code": qr_code(rebooking_url()),
            "language": message_language(message.appointment.language),
        }
        try:
            return render_to_string(f"letters/{message.kind}.html", context)
        except Exception as exc:  # a template error fails this letter, not the batch
            raise LetterError(f"Vorlagenfehler: {type(exc).__name__}: {exc}") from exc


def document_html(sections: list[str], *, title: str, language: str = "de") -> str:
    return render_to_string(
        "letters/document.html",
        {
            "letters": mark_safe("\n".join(sections)),  # our own rendered templates, escaped there
            "title": title,
            "language": language,
            "author": "Sozialamt",
        },
    )


def write_pdf(html: str, target: Path | None = None, *, tagged: bool = True) -> bytes | None:
    """Renders a letter document. Tagged PDF/UA-1 (structure, language, title) for single
    letters; print batches skip the tags because merging would drop them anyway."""
    from weasyprint import HTML  # heavy; only the worker renders letters

    options = {"pdf_variant": "pdf/ua-1", "pdf_tags": True} if tagged else {}
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(target, **options)


def letter_pdf(message: Message) -> bytes:
    """One letter as its own PDF (fonts embedded, tagged)."""
    section = letter_html(message)
    language = message_language(message.appointment.language)
    title = f"Sozialamt – {message.get_kind_display()} {message.appointment.code}"
    return write_pdf(document_html([section], title=title, language=language))
