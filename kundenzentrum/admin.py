from django.contrib import admin

from .models import Desk


@admin.register(Desk)
class DeskAdmin(admin.ModelAdmin):
    list_display = ["name", "location", "room", "active"]
    list_filter = ["location", "active"]
    filter_horizontal = ["services"]
