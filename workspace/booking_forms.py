"""Forms of booking for a caller or at the counter: what to book, and for whom."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from booking.forms import PersonForm, no_controls, slot_value
from booking.models import Appointment, Counsellor
from booking.slots import Slot
from sozialamt.models import Location, Service
from sozialamt.selectors import StaffScope

STAFF_CHANNELS = [
    (Appointment.Channel.PHONE, _("am Telefon")),
    (Appointment.Channel.COUNTER, _("vor Ort am Schalter")),
]
# The model's own words for staff, not the citizen's "Ich brauche …".
STAFF_LABELS = ("reminder", "interpreter_language", "step_free", "accompanied", "case_reference", "language")


def _in_scope(queryset: QuerySet, scope: StaffScope, field: str) -> QuerySet:
    return queryset if scope.location_ids is None else queryset.filter(**{f"{field}__in": scope.location_ids})


class OfferForm(forms.Form):
    """Service, location and (optionally) counsellor, among the staff member's locations."""

    service = forms.ModelChoiceField(
        label=_("Anliegen"), queryset=Service.objects.none(), empty_label=_("Bitte wählen")
    )
    location = forms.ModelChoiceField(
        label=_("Standort"), queryset=Location.objects.none(), empty_label=_("Bitte wählen")
    )
    counsellor = forms.ModelChoiceField(
        label=_("Beraterin oder Berater (freiwillig)"),
        queryset=Counsellor.objects.none(),
        required=False,
        empty_label=_("wer frei ist"),
    )

    def __init__(self, *args, scope: StaffScope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        places = _in_scope(Location.objects.filter(active=True), scope, "pk")
        self.fields["location"].queryset = places
        self.fields["service"].queryset = (
            Service.objects.by_appointment().filter(locations__in=places).distinct()
        )
        self.fields["counsellor"].queryset = _in_scope(
            Counsellor.objects.filter(active=True, location__active=True), scope, "location"
        )

    def clean(self) -> dict:
        data = super().clean()
        service, location, counsellor = data.get("service"), data.get("location"), data.get("counsellor")
        if service and location and not location.services.filter(pk=service.pk).exists():
            self.add_error("location", _("Dieses Anliegen wird an diesem Standort nicht angeboten."))
        elif counsellor and location and counsellor.location_id != location.pk:
            self.add_error("counsellor", _("Diese Person berät nicht an diesem Standort."))
        elif counsellor and service and not counsellor.services.filter(pk=service.pk).exists():
            self.add_error("counsellor", _("Diese Person berät nicht zu diesem Anliegen."))
        return data


class StaffPersonForm(PersonForm):
    """The citizen's data as a member of staff takes it down, the time, and how it reached us.

    A caller may give neither e-mail nor phone; without e-mail the reminder goes by letter."""

    start = forms.ChoiceField(
        label=_("Zeit"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Bitte wählen Sie eine Zeit."),
            "invalid_choice": _(
                "Diese Zeit ist nicht (mehr) frei. Bitte wählen Sie eine der angezeigten Zeiten."
            ),
        },
    )
    channel = forms.ChoiceField(
        label=_("Buchungsweg"), choices=STAFF_CHANNELS, widget=forms.RadioSelect, initial="phone"
    )
    override_reason = forms.CharField(
        label=_("Grund, trotz bestehendem Termin zu buchen"),
        max_length=150,
        required=False,
        validators=[no_controls],
    )

    def __init__(self, *args, slots: list[Slot], offer_override: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.slots = {slot_value(s.start): s for s in slots}
        self.fields["start"].choices = [(value, _slot_label(s)) for value, s in self.slots.items()]
        for name in STAFF_LABELS:
            self.fields[name].label = Appointment._meta.get_field(name).verbose_name
        self.fields["reminder"].choices = Appointment.Reminder.choices
        self.fields["name"].label = _("Vor- und Nachname")
        self.fields["phone"].label = _("Telefonnummer (freiwillig)")
        self.fields["email"].label = _("E-Mail-Adresse (freiwillig)")
        self.offer_override = offer_override or bool(self.data.get("override_reason"))
        if not self.offer_override:
            del self.fields["override_reason"]

    @property
    def slot(self) -> Slot:
        return self.slots[self.cleaned_data["start"]]

    def person(self) -> dict:
        data = super().person()
        for name in ("start", "channel", "override_reason"):
            data.pop(name, None)
        return data


def _slot_label(slot: Slot) -> str:
    start = timezone.localtime(slot.start)
    return f"{formats.date_format(start, 'l, j. F Y')}, {formats.time_format(start, 'TIME_FORMAT')}"


def parse_start(value: str) -> dt.datetime | None:
    """A time from the URL in slot_value's format, or None."""
    try:
        return dt.datetime.strptime(value, "%Y-%m-%dT%H:%MZ").replace(tzinfo=dt.UTC)
    except (TypeError, ValueError):
        return None


PERSON_FIELDS = [
    "name",
    "reminder",
    "email",
    "street",
    "postcode",
    "city",
    "phone",
    "language",
    "interpreter_language",
    "step_free",
    "accompanied",
    "case_reference",
]


def person_of(appointment: Appointment) -> dict:
    """The person's data of an earlier appointment, for a follow-up without retyping."""
    return {name: getattr(appointment, name) for name in PERSON_FIELDS}
