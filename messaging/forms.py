"""Staff forms: cancelling appointments for the office."""

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import Counsellor
from sozialamt.models import Location
from sozialamt.selectors import StaffScope

MAX_RANGE_DAYS = 92


class OfficeCancellationForm(forms.Form):
    """Which booked appointments an absence or a closure hits, and why they are cancelled."""

    location = forms.ModelChoiceField(label=_("Standort"), queryset=Location.objects.filter(active=True))
    counsellor = forms.ModelChoiceField(
        label=_("Beraterin oder Berater"),
        queryset=Counsellor.objects.filter(active=True),
        required=False,
        help_text=_("Leer lassen, wenn alle Termine des Standorts betroffen sind (Schließung)."),
    )
    first_day = forms.DateField(label=_("von"), widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label=_("bis einschließlich"), widget=forms.DateInput(attrs={"type": "date"}))
    unfit_only = forms.BooleanField(
        label=_("Nur Termine, die nicht mehr in die Öffnungs- und Beratungszeiten passen"),
        required=False,
        help_text=_("Nach einer eingetragenen Abwesenheit, Schließung oder kürzeren Öffnungszeit."),
    )
    reason = forms.CharField(
        label=_("Grund (steht in der Nachricht an die Bürgerinnen und Bürger)"),
        max_length=200,
        help_text=_("z. B. „Erkrankung der Beraterin“ oder „Betriebsversammlung“."),
    )

    def __init__(self, *args, scope: StaffScope | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if scope is not None and scope.location_ids is not None:
            # Only the locations this team lead works at (need-to-know).
            self.fields["location"].queryset = Location.objects.filter(active=True, pk__in=scope.location_ids)
            self.fields["counsellor"].queryset = Counsellor.objects.filter(
                active=True, location_id__in=scope.location_ids
            )
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("preview", _("Betroffene Termine anzeigen")))

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last:
            if last < first:
                self.add_error("last_day", _("Das Ende darf nicht vor dem Beginn liegen."))
            elif (last - first) > dt.timedelta(days=MAX_RANGE_DAYS):
                self.add_error("last_day", _("Bitte höchstens drei Monate auf einmal."))
            elif last < timezone.localdate():
                self.add_error("last_day", _("Der Zeitraum liegt in der Vergangenheit."))
        counsellor, location = data.get("counsellor"), data.get("location")
        if counsellor and location and counsellor.location_id != location.pk:
            self.add_error("counsellor", _("Diese Person berät an einem anderen Standort."))
        return data
