"""Letters in the citizen's language: Arabic right to left and Ukrainian in Cyrillic script,
with the address where the envelope's window is, whatever the direction of the text."""

import io
import unicodedata

import pytest
from django.utils import translation
from pypdf import PdfReader

from booking.services import cancel_appointment
from messaging.letters import letter_pdf
from messaging.models import Message
from tests.messaging.test_letters import positioned_text, text_at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["ar", "uk"])
def test_a_receipt_letter_is_in_the_citizens_language_with_the_address_in_the_window(clock, book, language):
    appointment = book(name="Erika Mustermann", street="Hammer Straße 12", postcode="48153", city="Münster")
    appointment.language = language
    appointment.save()
    cancel_appointment(appointment=appointment)
    receipt = appointment.messages.get(kind=Message.Kind.RECEIPT, channel=Message.Channel.LETTER)
    pdf = letter_pdf(receipt)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == language and "/StructTreeRoot" in reader.trailer["/Root"]
    text = unicodedata.normalize("NFKC", reader.pages[0].extract_text())
    with translation.override(language):
        heading = translation.gettext("Bestätigung: Ihr Termin ist abgesagt")
        done = translation.gettext(
            "Sie haben Ihren Termin im Sozialamt abgesagt. Die Zeit ist wieder frei für andere. "
            "Sie müssen nichts mehr tun."
        )
    assert heading != "Bestätigung: Ihr Termin ist abgesagt"
    # Right to left, punctuation may come out on the other side of a line: compare the words.
    assert all(word in text for word in heading.replace(":", " ").split())
    assert done.split()[0] in text
    runs = positioned_text(pdf)
    for line in ("Erika Mustermann", "Hammer Straße 12", "48153 Münster"):
        [(x, y)] = text_at(runs, line)
        # DIN 5008 form B: the window's address zone is 20–105 mm from the left, 62.7–90 mm from the top.
        assert 20 <= x <= 105 and 62.7 <= y <= 90, (line, x, y)
    assert text_at(runs, "0251 492-0")  # a phone number stays in its order in Arabic text too
