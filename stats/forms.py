"""The filter of the statistics page and API: location, service and date range."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sozialamt.models import Location, Service

from .queries import Scope

DEFAULT_DAYS = 28
MAX_DAYS = 731
EARLIEST = dt.date(2001, 6, 1)


def default_range(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last four weeks, ending today."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=DEFAULT_DAYS - 1), today


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ScopeForm(forms.Form):
    """Which figures to show; every field is optional and falls back to its default."""

    location = forms.ModelChoiceField(
        label=_("Standort"),
        queryset=Location.objects.all(),
        required=False,
        empty_label=_("Alle Standorte"),
        to_field_name="slug",
    )
    service = forms.ModelChoiceField(
        label=_("Anliegen"),
        queryset=Service.objects.all(),
        required=False,
        empty_label=_("Alle Anliegen"),
        to_field_name="slug",
    )
    start = forms.DateField(
        label=_("Von"), required=False, widget=DateInput(), input_formats=["%Y-%m-%d", "%d.%m.%Y"]
    )
    end = forms.DateField(
        label=_("Bis"), required=False, widget=DateInput(), input_formats=["%Y-%m-%d", "%d.%m.%Y"]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name in ("location", "service") else "form-control"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] += " is-invalid"
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{name}-error"

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        default_start, default_end = default_range()
        start, end = data.get("start") or default_start, data.get("end") or default_end
        if data.get("start") and not data.get("end") and start > end:
            end = start + dt.timedelta(days=DEFAULT_DAYS - 1)
        if start < EARLIEST:
            self.add_error("start", _("Bitte ein Datum ab dem 1. Juni 2001 wählen."))
        elif end < start:
            self.add_error("end", _("Das Ende darf nicht vor dem Beginn liegen."))
        elif (end - start).days + 1 > MAX_DAYS:
            self.add_error("end", _("Bitte höchstens zwei Jahre auf einmal wählen."))
        elif end.year > 9998:
            self.add_error("end", _("Bitte ein früheres Datum wählen."))
        data["start"], data["end"] = start, end
        return data

    def scope(self) -> Scope:
        """The scope of a valid form."""
        data = self.cleaned_data
        return Scope(location=data["location"], service=data["service"], start=data["start"], end=data["end"])
