from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from workspace.admin_notice import tell_affected

from .models import (
    Absence,
    Appointment,
    AppointmentHistory,
    Counsellor,
    PersonalDataAccess,
    ReservedCapacity,
    WorkingHours,
)
from .services import log_personal_data_access


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


class AbsenceInline(admin.TabularInline):
    model = Absence
    extra = 0


@admin.register(Counsellor)
class CounsellorAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "room", "location", "active"]
    list_filter = ["location", "active", "services"]
    search_fields = ["name", "team"]
    filter_horizontal = ["services"]
    inlines = [WorkingHoursInline, AbsenceInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Shorter working hours or a new absence may leave booked appointments outside.
        counsellor = form.instance
        tell_affected(request, location_ids=[counsellor.location_id], counsellor_id=counsellor.pk)


class HistoryInline(admin.TabularInline):
    model = AppointmentHistory
    extra = 0
    can_delete = False
    fields = readonly_fields = ["old_status", "new_status", "at", "by", "why"]

    @admin.display(description=_("Grund"))
    def why(self, row: AppointmentHistory) -> str:
        return row.get_note_display()

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ReleasedHoldFilter(admin.SimpleListFilter):
    """Online holds released because nobody confirmed them (many point to made-up addresses)."""

    title = _("Online-Reservierung")
    parameter_name = "hold"

    def lookups(self, request, model_admin):
        return [("pending", _("wartet auf Bestätigung")), ("released", _("ohne Bestätigung freigegeben"))]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(status=Appointment.Status.PENDING)
        if self.value() == "released":
            return queryset.filter(history__note=AppointmentHistory.Note.UNCONFIRMED)
        return queryset


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    """Read-mostly: bookings are changed through the services (pages, API), not here."""

    list_display = ["code", "start", "service", "location", "counsellor", "status"]
    list_filter = ["status", ReleasedHoldFilter, "location", "service"]
    search_fields = ["code"]
    date_hierarchy = "start"
    exclude = ["token_hash"]
    inlines = [HistoryInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "token_hash"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        appointment = self.get_object(request, object_id)
        if appointment is not None:
            log_personal_data_access(
                user=request.user, appointment=appointment, what="Admin: Termin angesehen"
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "appointment", "what"]
    list_filter = ["user"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReservedCapacity)
class ReservedCapacityAdmin(admin.ModelAdmin):
    """Notfallkontingent: times a day only staff can book until they are released."""

    list_display = ["location", "service", "per_day", "release_days_before", "release_time"]
    list_filter = ["location", "service"]
