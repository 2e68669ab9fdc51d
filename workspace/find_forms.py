"""Forms of finding a booking and acting on it for the citizen, and of entering an absence."""

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from booking.absences import absence_span
from booking.forms import no_controls, slot_value
from booking.models import Counsellor
from booking.slots import Slot
from sozialamt.models import Location
from sozialamt.selectors import StaffScope

MAX_SEARCH_DAYS = 31
MAX_ABSENCE_DAYS = 366
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _helper(label: str, method: str = "post") -> FormHelper:
    helper = FormHelper()
    helper.form_method = method
    # The server's messages next to each field, instead of the browser's bubbles.
    helper.attrs = {"novalidate": ""}
    helper.add_input(Submit("submit", label))
    return helper


class FindForm(forms.Form):
    """By booking code; or by (part of a) name and a day; or by a range of days."""

    code = forms.CharField(
        label=_("Buchungsnummer"), max_length=12, required=False, help_text=_("zum Beispiel K7M-4QX9")
    )
    name = forms.CharField(
        label=_("Name (oder ein Teil davon)"), max_length=60, required=False, validators=[no_controls]
    )
    day = forms.DateField(label=_("am"), required=False, widget=DATE)
    first_day = forms.DateField(label=_("oder im Zeitraum von"), required=False, widget=DATE)
    last_day = forms.DateField(label=_("bis einschließlich"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Suchen"), method="get")
        self.helper.disable_csrf = True

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split()).upper()
        if len(code) == 7 and "-" not in code:  # read out on the phone without the hyphen
            code = f"{code[:3]}-{code[3:]}"
        return code

    def clean(self):
        data = super().clean()
        if self.errors or data.get("code"):
            return data
        name, day = data.get("name", "").strip(), data.get("day")
        first, last = data.get("first_day"), data.get("last_day")
        if name and len(name) < 2:
            self.add_error("name", _("Bitte mindestens zwei Buchstaben eingeben."))
        elif first or last:
            self._clean_range(first, last)
        elif name and not day:
            self.add_error("day", _("Bitte geben Sie zum Namen den Tag des Termins oder einen Zeitraum an."))
        elif not name and not day:
            raise forms.ValidationError(
                _("Bitte geben Sie eine Buchungsnummer, einen Namen mit Tag oder einen Zeitraum an.")
            )
        data["name"] = name
        return data

    def _clean_range(self, first: dt.date | None, last: dt.date | None) -> None:
        if not first:
            self.add_error("first_day", _("Bitte geben Sie den ersten Tag an."))
        elif not last:
            self.add_error("last_day", _("Bitte geben Sie den letzten Tag an."))
        elif last < first:
            self.add_error("last_day", _("Das Ende darf nicht vor dem Beginn liegen."))
        elif (last - first).days >= MAX_SEARCH_DAYS:
            self.add_error("last_day", _("Bitte höchstens 31 Tage auf einmal."))

    @property
    def span(self) -> tuple[dt.date, dt.date] | None:
        data = self.cleaned_data
        if data.get("code"):
            return None
        if data.get("first_day"):
            return data["first_day"], data["last_day"]
        return data["day"], data["day"]


class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Grund (wird im Verlauf des Termins gespeichert)"))
        kwargs.setdefault("help_text", _("z. B. „auf Wunsch der Bürgerin am Telefon“"))
        super().__init__(max_length=150, validators=[no_controls], **kwargs)


class SeenField(forms.DateTimeField):
    """The start the page showed, sent back unchanged: the service refuses a booking moved meanwhile."""

    def __init__(self, **kwargs):
        super().__init__(widget=forms.HiddenInput, **kwargs)


class MoveForm(forms.Form):
    """One of the day's free times, a reason and the start the page showed."""

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
    reason = ReasonField()
    seen = SeenField()

    def __init__(self, *args, slots: tuple[Slot, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = {slot_value(s.start): s for s in slots}
        self.fields["start"].choices = [
            (value, formats.time_format(timezone.localtime(s.start), "TIME_FORMAT"))
            for value, s in self.slots.items()
        ]
        self.helper = _helper(_("Termin verschieben"))

    @property
    def slot(self) -> Slot:
        return self.slots[self.cleaned_data["start"]]


class DayForm(forms.Form):
    day = forms.DateField(label=_("Neuer Tag"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Freie Zeiten anzeigen"), method="get")
        self.helper.disable_csrf = True

    def clean_day(self) -> dt.date:
        day = self.cleaned_data["day"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("Dieser Tag liegt in der Vergangenheit."))
        if (day - timezone.localdate()).days > MAX_ABSENCE_DAYS:
            raise forms.ValidationError(_("Bitte einen Tag innerhalb eines Jahres wählen."))
        return day


class CancelForm(forms.Form):
    reason = ReasonField()
    seen = SeenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Termin absagen"))


def _scoped(scope: StaffScope, model):
    rows = model.objects.filter(active=True)
    if scope.location_ids is None:
        return rows
    field = "pk__in" if model is Location else "location_id__in"
    return rows.filter(**{field: scope.location_ids})


class AbsenceForm(forms.Form):
    """Whole days away (holiday, illness, training) of a counsellor of the team lead's locations."""

    counsellor = forms.ModelChoiceField(
        label=_("Beraterin oder Berater"), queryset=Counsellor.objects.none(), empty_label=_("Bitte wählen")
    )
    first_day = forms.DateField(label=_("abwesend von"), widget=DATE)
    from_time = forms.TimeField(
        label=_("ab Uhrzeit"),
        required=False,
        widget=TIME,
        help_text=_("leer lassen, wenn der ganze Tag betroffen ist"),
    )
    last_day = forms.DateField(label=_("bis einschließlich"), widget=DATE)
    until_time = forms.TimeField(
        label=_("bis Uhrzeit"),
        required=False,
        widget=TIME,
        help_text=_("leer lassen, wenn der ganze Tag betroffen ist"),
    )
    reason = forms.CharField(
        label=_("Grund (intern, steht nicht in Nachrichten)"),
        max_length=120,
        required=False,
        validators=[no_controls],
    )

    def __init__(self, *args, scope: StaffScope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counsellor"].queryset = _scoped(scope, Counsellor).select_related("location")
        self.helper = _helper(_("Abwesenheit speichern"))

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and not self.errors:
            start, end = absence_span(first, last, data.get("from_time"), data.get("until_time"))
            if last < first:
                self.add_error("last_day", _("Das Ende darf nicht vor dem Beginn liegen."))
            elif end <= start:
                self.add_error("until_time", _("Das Ende muss nach dem Beginn liegen."))
            elif end <= timezone.now():
                self.add_error("last_day", _("Der Zeitraum liegt in der Vergangenheit."))
            elif (last - first).days >= MAX_ABSENCE_DAYS:
                self.add_error("last_day", _("Bitte höchstens ein Jahr auf einmal."))
        return data


class AffectedForm(forms.Form):
    """Where and when a change may hit booked appointments (from the absence page or the admin)."""

    location = forms.ModelChoiceField(
        label=_("Standort"), queryset=Location.objects.none(), empty_label=_("Bitte wählen")
    )
    counsellor = forms.ModelChoiceField(
        label=_("Beraterin oder Berater"),
        queryset=Counsellor.objects.none(),
        required=False,
        empty_label=_("alle Beraterinnen und Berater"),
    )
    first_day = forms.DateField(label=_("von"), widget=DATE)
    last_day = forms.DateField(label=_("bis einschließlich"), widget=DATE)

    def __init__(self, *args, scope: StaffScope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _scoped(scope, Location)
        self.fields["counsellor"].queryset = _scoped(scope, Counsellor)
        self.helper = _helper(_("Betroffene Termine anzeigen"), method="get")
        self.helper.disable_csrf = True

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("Das Ende darf nicht vor dem Beginn liegen."))
        counsellor, location = data.get("counsellor"), data.get("location")
        if counsellor and location and counsellor.location_id != location.pk:
            self.add_error("counsellor", _("Diese Person berät an einem anderen Standort."))
        return data
