"""The start page's live walk-in queue overview."""

from django import template

from sozialamt.models import Location

from .. import selectors

register = template.Library()


@register.inclusion_tag("kundenzentrum/includes/_queues.html")
def walk_in_queues() -> dict:
    """Waiting people and estimated wait per active location and walk-in service. Six queries."""
    return {"queues": selectors.queue_overviews(list(Location.objects.filter(active=True)))}
