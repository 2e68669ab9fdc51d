"""Forms of the booking pages; PersonForm also validates the API's personal data (PersonDataForm)."""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import RegexValidator
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from messaging.notify import address_fits_window

from .models import Appointment
from .slots import Slot


def letter_languages() -> list[tuple[str, str]]:
    """Only the languages letters and e-mails exist in (settings.LANGUAGES); an interpreter for
    any other language is asked for separately."""
    return list(settings.LANGUAGES)


REMINDERS = [
    (Appointment.Reminder.EMAIL, _("per E-Mail")),
    (Appointment.Reminder.LETTER, _("per Brief an meine Adresse")),
    (Appointment.Reminder.BOTH, _("per E-Mail und per Brief")),
    (Appointment.Reminder.NONE, _("keine Erinnerung")),
]
FILL_SALT = "booking.form-rendered"
MAX_EMAIL = Appointment._meta.get_field("email").max_length
phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 /()\-]{4,38}$", _("Bitte nur Ziffern, Leerzeichen und + / ( ) - eingeben.")
)
postcode_validator = RegexValidator(r"^\d{5}$", _("Die Postleitzahl hat fünf Ziffern, zum Beispiel 48155."))
# Control characters, lone surrogates (which JSON can carry but no database can store), and
# invisible characters that make a name look like another on a list or a letter: bidi overrides
# and isolates (U+202A–E, U+2066–9), zero-width space and word joiner, the byte-order mark.
# Zero-width (non-)joiners stay allowed: Persian and Indic names need them.
no_controls = RegexValidator(
    r"^[^\x00-\x1f\x7f\ud800-\udfff\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]*$",
    _("Dieses Feld enthält unzulässige Zeichen."),
)


class PersonForm(forms.Form):
    """The personal data the office needs for an appointment, and no more."""

    name = forms.CharField(label=_("Vor- und Nachname"), max_length=120, validators=[no_controls])
    reminder = forms.ChoiceField(
        label=_("Wie möchten Sie erinnert werden?"), choices=REMINDERS, widget=forms.RadioSelect
    )
    email = forms.EmailField(label=_("E-Mail-Adresse"), max_length=MAX_EMAIL, required=False)
    street = forms.CharField(
        label=_("Straße und Hausnummer"), max_length=60, required=False, validators=[no_controls]
    )
    postcode = forms.CharField(
        label=_("Postleitzahl"), max_length=5, required=False, validators=[postcode_validator]
    )
    city = forms.CharField(label=_("Ort"), max_length=60, required=False, validators=[no_controls])
    phone = forms.CharField(
        label=_("Telefonnummer (freiwillig)"), max_length=40, required=False, validators=[phone_validator]
    )
    language = forms.ChoiceField(
        label=_("In welcher Sprache möchten Sie Post bekommen?"), choices=letter_languages
    )
    interpreter_language = forms.CharField(
        label=_("Ich brauche eine Dolmetscherin oder einen Dolmetscher für diese Sprache (freiwillig)"),
        max_length=60,
        required=False,
        validators=[no_controls],
    )
    step_free = forms.BooleanField(label=_("Ich brauche einen stufenlosen Zugang."), required=False)
    accompanied = forms.BooleanField(label=_("Ich komme mit einer Begleitperson."), required=False)
    case_reference = forms.CharField(
        label=_("Aktenzeichen (freiwillig, steht auf Ihren Schreiben vom Sozialamt)"),
        max_length=40,
        required=False,
        validators=[no_controls],
    )

    def clean_email(self) -> str:
        # Stored in lower case; a few letters grow when lowered ("İ" becomes two characters).
        email = self.cleaned_data.get("email", "").lower()
        if len(email) > MAX_EMAIL:
            raise forms.ValidationError(_("Diese E-Mail-Adresse ist zu lang."))
        return email

    def clean(self) -> dict:
        data = super().clean()
        reminder = data.get("reminder")
        if reminder in ("email", "both") and not data.get("email"):
            self.add_error("email", _("Für eine Erinnerung per E-Mail brauchen wir Ihre E-Mail-Adresse."))
        if reminder in ("letter", "both"):
            for name in ("street", "postcode", "city"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Für eine Erinnerung per Brief brauchen wir Ihre Adresse."))
            self._check_window(data)
        return data

    def _check_window(self, data: dict) -> None:
        # The letter never cuts an address; one that would not fit the envelope window is
        # refused here, while the citizen can still shorten it.
        fields = {name: data.get(name) or "" for name in ("name", "street", "postcode", "city")}
        if not self.errors and not address_fits_window(address_extra="", **fields):
            self.add_error(
                "street",
                _(
                    "Name und Anschrift sind zu lang für das Adressfeld eines Briefes. "
                    "Bitte kürzen Sie sie, zum Beispiel „Str.“ statt „Straße“."
                ),
            )

    def person(self) -> dict:
        """The cleaned data as the booking service takes it."""
        return dict(self.cleaned_data)


class _SharedFields(dict):
    """Form fields that each form shares instead of deep-copying them, as Django does so that a
    page may change its own (a form that is never rendered changes none)."""

    def __deepcopy__(self, memo) -> dict:
        return dict(self)


class PersonDataForm(PersonForm):
    """PersonForm for data alone (the API): the same fields and checks, never rendered."""


PersonDataForm.base_fields = _SharedFields(PersonForm.base_fields)


class PersonPageForm(PersonForm):
    """PersonForm on the web page: with a honeypot and a minimum fill time against bots."""

    # Hidden from people by CSS; bots that fill every field give themselves away.
    website = forms.CharField(label=_("Bitte dieses Feld leer lassen"), required=False)
    rendered = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rendered"].initial = signing.dumps(timezone.now().timestamp(), salt=FILL_SALT)
        self.helper = FormHelper()
        # The server's messages, gathered in the error summary, instead of the browser's bubbles.
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            "name",
            Fieldset(_("Erinnerung an Ihren Termin"), "reminder", "email", "street", "postcode", "city"),
            "phone",
            "language",
            Fieldset(_("Unterstützung (freiwillig)"), "interpreter_language", "step_free", "accompanied"),
            "case_reference",
            Div("website", css_class="booking-hp", aria_hidden="true"),
            "rendered",
            HTML('{% include "booking/includes/_privacy_notice.html" %}'),
            Submit("submit", _("Weiter zur Übersicht")),
        )
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean(self) -> dict:
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(
                _("Das Formular konnte nicht gesendet werden. Bitte versuchen Sie es erneut.")
            )
        try:
            rendered = float(signing.loads(self.data.get("rendered", ""), salt=FILL_SALT, max_age=3 * 3600))
        except (signing.BadSignature, TypeError, ValueError):
            self.fields["rendered"].initial = signing.dumps(timezone.now().timestamp(), salt=FILL_SALT)
            raise forms.ValidationError(
                _("Das Formular ist abgelaufen oder wurde verändert. Bitte senden Sie es noch einmal.")
            ) from None
        if timezone.now().timestamp() - rendered < settings.BOOKING_MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _(
                    "Das ging sehr schnell. Bitte prüfen Sie Ihre Angaben und senden Sie das Formular noch einmal."
                )
            )
        return data

    def person(self) -> dict:
        data = super().person()
        data.pop("website", None)
        data.pop("rendered", None)
        return data


def with_email_refused(person: dict, *, filled_at: float, message: str) -> PersonPageForm:
    """The data form as the citizen sent it (at `filled_at`), with the refusal at the e-mail
    field: online bookings without e-mail are used up for the day, one with e-mail may work."""
    data = {name: value for name, value in person.items() if value not in (False, None)}
    # The form was filled in then; its fill time counts, not the time of this page.
    data["rendered"] = signing.dumps(filled_at - settings.BOOKING_MIN_FILL_SECONDS, salt=FILL_SALT)
    form = PersonPageForm(data)
    form.is_valid()
    form.add_error("email", message)
    return form


class TimeForm(forms.Form):
    """Pick one of a day's free times; any other value is refused."""

    start = forms.ChoiceField(
        label=_("Freie Zeiten"),
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _(
                "Diese Zeit ist nicht (mehr) frei. Bitte wählen Sie eine der angezeigten Zeiten."
            ),
            "required": _("Bitte wählen Sie eine Zeit."),
        },
    )

    def __init__(self, *args, slots: tuple[Slot, ...] = (), submit_label: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.slots = {slot_value(s.start): s for s in slots}
        self.fields["start"].choices = [
            (value, formats.time_format(timezone.localtime(s.start), "TIME_FORMAT"))
            for value, s in self.slots.items()
        ]
        self.submit_label = submit_label or _("Weiter")

    @property
    def slot(self) -> Slot:
        return self.slots[self.cleaned_data["start"]]


def slot_value(start: dt.datetime) -> str:
    return start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")


class FindForm(forms.Form):
    """Booking code plus postcode or the first letters of the name: asks for a new personal link."""

    code = forms.CharField(
        label=_("Buchungsnummer"),
        max_length=12,
        help_text=_("Steht in Ihrer Bestätigung und im Erinnerungsbrief, zum Beispiel K7M-4QX9."),
    )
    postcode = forms.CharField(
        label=_("Postleitzahl Ihrer Anschrift"), max_length=5, required=False, validators=[postcode_validator]
    )
    name_start = forms.CharField(
        label=_("oder die ersten drei Buchstaben Ihres Namens"),
        min_length=3,
        max_length=3,
        required=False,
        validators=[no_controls],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "code", "postcode", "name_start", Submit("submit", _("Neuen Link schicken"))
        )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split()).upper().replace("-", "")
        if len(code) != 7:
            raise forms.ValidationError(_("Die Buchungsnummer hat sieben Zeichen, zum Beispiel K7M-4QX9."))
        return f"{code[:3]}-{code[3:]}"

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not data.get("postcode") and not data.get("name_start"):
            self.add_error(
                "postcode", _("Bitte geben Sie Ihre Postleitzahl oder die ersten Buchstaben Ihres Namens an.")
            )
        return data
