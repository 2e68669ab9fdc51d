from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.functional import SimpleLazyObject

# The office's phone changes only when an admin edits a location, which deletes the entry (now
# and after the commit); the timeout bounds what a reader racing that edit may have stored.
PHONE_KEY = "sozialamt:office-phone"
PHONE_SECONDS = 300


def office_phone() -> dict:
    """The phone number and phone hours of the first location that has a number."""
    from .models import Location

    found = cache.get(PHONE_KEY)
    if found is not None:
        return found
    location = Location.objects.filter(active=True).exclude(phone="").first()
    found = (
        {}
        if location is None
        else {"number": location.phone, "hours": location.phone_hours, "location": location}
    )
    cache.set(PHONE_KEY, found, timeout=PHONE_SECONDS)
    return found


def location_edited(**kwargs) -> None:
    """A location was saved or deleted: the phone shown on every page is looked up again."""
    cache.delete(PHONE_KEY)
    transaction.on_commit(lambda: cache.delete(PHONE_KEY))


def office(request) -> dict:
    """Values every page template may use; the phone costs one query, and only where shown and
    not cached."""
    return {"SITE_URL": settings.SITE_URL, "office_phone": SimpleLazyObject(office_phone)}
