"""The Django admin, laid out the way an office admin edits hours and closures."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from workspace.admin_notice import tell_affected

from .hours import overlapping
from .models import WEEKDAYS, Closure, Location, OpeningHours, Service, StaffProfile

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

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Shorter hours or a closure entered here may leave booked appointments outside.
        tell_affected(request, location_ids=[form.instance.pk])


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

    def save_model(self, request, obj: Closure, form, change) -> None:
        super().save_model(request, obj, form, change)
        locations = [obj.location_id] if obj.location_id else None
        tell_affected(request, location_ids=locations, first_day=obj.start, last_day=obj.last_day)


class StaffProfileInline(admin.StackedInline):
    """Where a member of staff works: the call list and print batches show only these locations."""

    model = StaffProfile
    can_delete = False
    filter_horizontal = ["locations"]


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class StaffUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, StaffProfileInline]
