"""Admin edits that change free times invalidate the cached ones (see freecache)."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from sozialamt.models import Closure, Location, OpeningHours, Service

from . import freecache
from .models import Absence, Appointment, Counsellor, WorkingHours


def _changed(sender, **kwargs) -> None:
    freecache.bump_after_commit(static=sender is not Appointment)


def connect() -> None:
    # Appointments too: whoever writes one (services, admin, another app) frees or takes time.
    for model in (Appointment, Counsellor, WorkingHours, Absence, OpeningHours, Closure, Service, Location):
        post_save.connect(_changed, sender=model, dispatch_uid=f"booking-free-{model.__name__}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"booking-free-{model.__name__}-delete")
    for through in (Counsellor.services.through, Location.services.through):
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"booking-free-{through.__name__}")
