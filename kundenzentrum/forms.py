"""Forms of the info desk, kiosk check-in, desk transfer and kiosk unlock."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sozialamt.models import Location, Service

from .models import Desk
from .services.moving import staffed_services


def _helper(submit: str, action: str = "") -> FormHelper:
    helper = FormHelper()
    helper.form_method = "post"
    helper.form_action = action
    helper.add_input(Submit("submit", submit, css_class="btn-primary btn-lg"))
    return helper


class IssueForm(forms.Form):
    """The info desk picks a walk-in service and, if needed, an interpreter language."""

    service = forms.ModelChoiceField(
        label=_("Anliegen"),
        queryset=Service.objects.none(),
        empty_label=_("Bitte wählen"),
        error_messages={"invalid_choice": _("Bitte wählen Sie ein Anliegen aus der Liste.")},
    )
    interpreter_language = forms.CharField(
        label=_("Dolmetschen nötig für (Sprache)"),
        max_length=60,
        required=False,
        help_text=_("Leer lassen, wenn keine Dolmetschung nötig ist. Keine Namen eintragen."),
    )

    def __init__(self, *args, location: Location, action: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = location.services.walk_in().exclude(ticket_letter="")
        self.helper = _helper(_("Wartenummer ausgeben"), action)


class CheckInForm(forms.Form):
    """A booked citizen checks in with the code of the booking confirmation."""

    code = forms.CharField(
        label=_("Buchungsnummer"),
        max_length=300,
        help_text=_("Steht auf Ihrer Terminbestätigung, zum Beispiel K7M-4QX9."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def __init__(self, *args, action: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Ankunft melden"), action)


class TransferForm(forms.Form):
    """A clerk sends a ticket to another service and/or desk."""

    service = forms.ModelChoiceField(
        label=_("an Anliegen"), queryset=Service.objects.none(), required=False, empty_label=_("unverändert")
    )
    desk = forms.ModelChoiceField(
        label=_("an Schalter"),
        queryset=Desk.objects.none(),
        required=False,
        empty_label=_("beliebiger Schalter"),
    )
    seen = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, desk: Desk, action: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only services a staffed desk serves today: elsewhere the ticket would wait for ever.
        staffed = staffed_services(desk.location_id, timezone.now())
        self.fields["service"].queryset = desk.location.services.active().filter(pk__in=staffed)
        if not staffed:
            self.fields["service"].help_text = _(
                "Heute ist kein Schalter besetzt, der ein Anliegen bedient; leiten Sie an einen Schalter weiter."
            )
        self.fields["desk"].queryset = desk.location.desks.filter(active=True).exclude(pk=desk.pk)
        self.helper = _helper(_("Weiterleiten"), action)
        self.helper.inputs[0].field_classes = "btn btn-outline-primary"

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("service") and not data.get("desk"):
            raise forms.ValidationError(_("Bitte wählen Sie ein Anliegen oder einen Schalter."))
        return data


class UnlockKioskForm(forms.Form):
    """A staff member unlocks the browser they are using as a kiosk."""

    name = forms.CharField(label=_("Bezeichnung des Geräts"), max_length=60, initial=_("Kiosk am Eingang"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Dieses Gerät als Kiosk freischalten"))
