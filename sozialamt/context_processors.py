from django.conf import settings


def office(request) -> dict:
    """Values every page template may use."""
    return {"SITE_URL": settings.SITE_URL}
