from django.conf import settings
from django.utils.functional import SimpleLazyObject


def _office_phone() -> dict:
    """The phone number and phone hours of the first location that has a number."""
    from .models import Location

    location = Location.objects.filter(active=True).exclude(phone="").first()
    if location is None:
        return {}
    return {"number": location.phone, "hours": location.phone_hours, "location": location}


def office(request) -> dict:
    """Values every page template may use; the phone costs one query, and only where shown."""
    return {"SITE_URL": settings.SITE_URL, "office_phone": SimpleLazyObject(_office_phone)}
