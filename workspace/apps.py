from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The office's working day: counsellors' day, day lists, booking for callers, finding bookings."""

    name = "workspace"
    verbose_name = _("Arbeitsplatz")
