"""The Django admin, laid out the way an office admin edits hours and closures."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from .hours import overlapping
from .models import WEEKDAYS, Closure, Location, OpeningHours, Service

admin.site.site_header = _("Sozialamt – Verwaltung")
admin.site.site_title = _("Sozialamt – Verwaltung")
admin.site.index_title = _("Standorte, Anliegen und Öffnungszeiten")


class OpeningHoursFormSet(BaseInlineFormSet):
    """Refuses overlapping intervals on the same weekday within one set of hours."""

    def clean(self) -> None:
        super().clean()
        by_day: dict[tuple, list] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("opens") or not data.get("closes"):
                continue
            key = (data.get("valid_from"), data.get("weekday"))
            by_day.setdefault(key, []).append((data["opens"], data["closes"]))
        for (_valid_from, weekday), intervals in by_day.items():
            for first, second in overlapping(intervals):
                raise ValidationError(
                    _("%(day)s: %(a)s–%(b)s überschneidet sich mit %(c)s–%(d)s.")
                    % {
                        "day": dict(WEEKDAYS)[weekday],
                        "a": f"{first[0]:%H:%M}",
                        "b": f"{first[1]:%H:%M}",
                        "c": f"{second[0]:%H:%M}",
                        "d": f"{second[1]:%H:%M}",
                    }
                )


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    formset = OpeningHoursFormSet
    extra = 1
    fields = ["weekday", "opens", "closes", "valid_from"]


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0
    fields = ["start", "end", "opens", "closes", "reason"]


@admin.register(Location)
class LocationAdmin(TranslationAdmin):
    list_display = ["name", "street", "city", "phone", "active"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["services"]
    inlines = [OpeningHoursInline, ClosureInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "organisation", "active", "order"]}),
        (
            _("Adresse und Kontakt"),
            {"fields": ["building", "street", "postcode", "city", "phone", "phone_hours", "email"]},
        ),
        (_("Für Besucherinnen und Besucher"), {"fields": ["directions", "accessibility"]}),
        (_("Angebot"), {"fields": ["services"]}),
        (_("Erinnerungen"), {"fields": ["email_reminder_days", "letter_working_days"]}),
    ]


@admin.register(Service)
class ServiceAdmin(TranslationAdmin):
    list_display = [
        "name",
        "channel",
        "ticket_letter",
        "duration_minutes",
        "target_wait_minutes",
        "active",
        "order",
    ]
    list_editable = ["active", "order"]
    list_filter = ["channel", "active"]
    prepopulated_fields = {"slug": ["name_de"]}
    search_fields = ["name_de"]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["start", "end", "location", "reason", "opens", "closes"]
    list_filter = ["location"]
    date_hierarchy = "start"
