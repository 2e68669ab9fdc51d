"""After an admin saves hours, a closure, a counsellor's hours or absences: how many booked
appointments no longer fit ("n Termine betroffen"), with a link into the cancellation."""

import datetime as dt

from django.contrib import messages
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from booking.affected import affected_range, unfit_appointments
from sozialamt.models import Location

from .absence_views import affected_url


def tell_affected(
    request,
    *,
    location_ids: list[int] | None,
    counsellor_id: int | None = None,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
) -> int:
    """Adds one warning per location whose booked appointments the change hits (every active
    location when `location_ids` is None: a closure of all). Five queries per location."""
    if location_ids is None:
        location_ids = list(Location.objects.filter(active=True).values_list("pk", flat=True))
    first, last = affected_range(first_day, last_day)
    if last < first:
        return 0
    total = 0
    for location_id in location_ids:
        span = {
            "location_id": location_id,
            "counsellor_id": counsellor_id,
            "first_day": first,
            "last_day": last,
        }
        count = len(unfit_appointments(**span))
        if count:
            text = ngettext("%(count)d Termin betroffen.", "%(count)d Termine betroffen.", count) % {
                "count": count
            }
            messages.warning(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    text,
                    affected_url(**span),
                    _("Betroffene Termine ansehen und absagen"),
                ),
            )
        total += count
    return total
