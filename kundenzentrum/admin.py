from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Desk, DeskSession, KioskDevice, Ticket, TicketHistory


@admin.register(Desk)
class DeskAdmin(admin.ModelAdmin):
    list_display = ["name", "location", "room", "active"]
    list_filter = ["location", "active"]
    filter_horizontal = ["services"]


@admin.register(KioskDevice)
class KioskDeviceAdmin(admin.ModelAdmin):
    """Unlocked kiosks; switching one off locks it at once (the token itself is never stored)."""

    list_display = ["name", "location", "created_at", "created_by", "active"]
    list_filter = ["location", "active"]
    list_editable = ["active"]
    fields = ["name", "location", "active", "created_at", "created_by"]
    readonly_fields = ["created_at", "created_by"]

    def has_add_permission(self, request) -> bool:
        return False  # kiosks are unlocked from the kiosk itself (/kundenzentrum/kiosk/<ort>/freischalten/)


@admin.register(DeskSession)
class DeskSessionAdmin(admin.ModelAdmin):
    list_display = ["desk", "user", "day", "started_at", "ended_at"]
    list_filter = ["desk__location", "day"]
    date_hierarchy = "day"


class TicketHistoryInline(admin.TabularInline):
    model = TicketHistory
    extra = 0
    can_delete = False
    fields = ["at", "old_status", "new_status", "by", "desk", "why"]
    readonly_fields = fields

    @admin.display(description=_("Grund"))
    def why(self, row: TicketHistory) -> str:
        return row.get_note_display()

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-only: tickets change only through the desk and info desk pages (history rows)."""

    list_display = ["display_number", "location", "day", "service", "status", "desk", "call_count"]
    list_filter = ["location", "status", "day"]
    date_hierarchy = "day"
    inlines = [TicketHistoryInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
