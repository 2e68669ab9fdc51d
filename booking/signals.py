"""Changes that alter free times make the cached ones they touch unreachable (see freecache).

Appointments from anywhere (services, admin, another app) touch their location's day; a move
also touches the day it left, which only the service knows. Admin edits of hours, closures,
counsellors, services and reserved capacity touch whole locations; edits of services, locations and what a
location offers also the catalogue (which slugs name which pair).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from sozialamt.models import Closure, Location, OpeningHours, Service

from . import freecache
from .models import Absence, Appointment, Counsellor, ReservedCapacity, WorkingHours


def _appointment_changed(sender, instance: Appointment, **kwargs) -> None:
    freecache.days_changed(instance.location_id, [timezone.localdate(instance.start)])


def _locations_of(instance) -> list[int]:
    if isinstance(instance, Location):
        return [instance.pk]
    if isinstance(instance, Service):
        return list(instance.locations.values_list("pk", flat=True))
    if isinstance(instance, Closure) and instance.location_id is None:  # closes every location
        return list(Location.objects.values_list("pk", flat=True))
    if isinstance(instance, WorkingHours | Absence):
        return list(
            Counsellor.objects.filter(pk=instance.counsellor_id).values_list("location_id", flat=True)
        )
    return [instance.location_id]  # Counsellor, OpeningHours, Closure, ReservedCapacity


def _counsellor_moving(sender, instance: Counsellor, **kwargs) -> None:
    """Before a counsellor is saved: the location they leave, whose free times change too."""
    instance._left_location = (
        Counsellor.objects.filter(pk=instance.pk).values_list("location_id", flat=True).first()
        if instance.pk
        else None
    )


def _edited(sender, instance, **kwargs) -> None:
    left = getattr(instance, "_left_location", None)
    freecache.locations_changed({*_locations_of(instance), *([left] if left else [])})
    if isinstance(instance, Service | Location):
        freecache.catalogue_changed()


def _services_changed(sender, instance, action: str, model, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    ids = set(_locations_of(instance))
    if model is Location and pk_set:  # service.locations.remove(...): the removed ones too
        ids |= pk_set
    freecache.locations_changed(ids)
    if sender is Location.services.through:
        freecache.catalogue_changed()


def connect() -> None:
    pre_save.connect(_counsellor_moving, sender=Counsellor, dispatch_uid="booking-free-counsellor-moving")
    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(
            _appointment_changed, sender=Appointment, dispatch_uid=f"booking-free-appointment-{name}"
        )
        for model in (
            Counsellor,
            WorkingHours,
            Absence,
            OpeningHours,
            Closure,
            Service,
            Location,
            ReservedCapacity,
        ):
            signal.connect(_edited, sender=model, dispatch_uid=f"booking-free-{model.__name__}-{name}")
    for through in (Counsellor.services.through, Location.services.through):
        m2m_changed.connect(
            _services_changed, sender=through, dispatch_uid=f"booking-free-{through.__name__}"
        )
