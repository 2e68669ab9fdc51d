"""The limits of online booking: one active booking per contact and service, a few per network.
Keys are keyed hashes; neither addresses nor networks are stored."""

from __future__ import annotations

import datetime as dt
import ipaddress
import operator
from functools import reduce
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from sozialamt.locking import lock_keys
from sozialamt.models import Service

from .errors import BookingError
from .models import ACTIVE_STATUSES, Appointment

if TYPE_CHECKING:
    from .holds import DayShare


def _contact_keys(*, service: Service, email: str, phone: str) -> list[str]:
    """The lock keys of a booking's contacts: keyed hashes, never the addresses."""
    return sorted(
        salted_hmac("booking.contact", f"{service.pk}:{kind}:{value}").hexdigest()
        for kind, value in (("email", email.strip().lower()), ("phone", phone.strip()))
        if value
    )


def check_limits(
    *,
    service: Service,
    booking: int,
    person: dict,
    now: dt.datetime,
    contact: bool = True,
    share: DayShare | None = None,
) -> None:
    """Refuses a further active booking of the same e-mail or phone for this service, and an
    online booking when the client's network holds BOOKING_MAX_ACTIVE_PER_NETWORK active
    bookings of this service already (made-up contacts do not escape this one); with `share`
    (an online booking without verified contact, see holds.day_share), one whose day's share
    is used up.

    Must run inside the booking's transaction, last: contacts, network and day stay locked
    until it commits, and a refusal rolls back what the transaction wrote. `booking` is the id
    of the booking written already, which is not counted. One statement takes every lock and
    one query counts all."""
    email, phone, network = person.get("email", ""), person.get("phone", ""), person["origin_network"]
    if not contact:  # a member of staff passes the contact limit with a reason
        email = phone = ""
    keys = _contact_keys(service=service, email=email, phone=phone)
    if network:
        keys.append(f"booking-network:{service.pk}:{network}")
    if share is not None:
        keys.append(share.lock_key)
    if not keys:
        return
    active = Q(ACTIVE_STATUSES, end__gt=now)
    counts, rows = {}, []
    if email or phone:
        same = _same_contact(email, phone)
        counts["contact"] = Count("pk", filter=active & same)
        rows.append(Q(ACTIVE_STATUSES, same))  # as the partial indexes of active contacts
    if network:
        counts["network"] = Count("pk", filter=active & Q(origin_network=network))
        rows.append(Q(origin_network=network))
    if share is not None:
        counts["share"] = Count("pk", filter=share.on_day & share.counted)
        rows.append(share.on_day)
    # The rows any count may take, as the indexes find them; each count's filter says which.
    candidates = reduce(operator.or_, rows)
    others = Appointment.objects.filter(candidates, service=service).exclude(pk=booking).order_by()
    # Without the locks two simultaneous bookings of one contact would both count zero. Taken
    # as late as possible: the count is built before, and only counted under them.
    lock_keys(keys)
    found = others.aggregate(**counts)
    if found.get("contact", 0) >= settings.BOOKING_MAX_ACTIVE_PER_CONTACT:
        raise _limit_reached()
    if found.get("network", 0) >= settings.BOOKING_MAX_ACTIVE_PER_NETWORK:
        raise BookingError(
            _(
                "Aus Ihrem Netz sind schon mehrere Termine für dieses Anliegen gebucht. Bitte "
                "rufen Sie uns an oder kommen Sie vorbei; wir buchen den Termin gern für Sie."
            ),
            kind="network",
        )
    if share is not None and found["share"] >= share.allowed:
        raise share.refused


def _same_contact(email: str, phone: str) -> Q:
    if email and phone:
        return Q(email__iexact=email) | Q(phone=phone)
    return Q(email__iexact=email) if email else Q(phone=phone)


def network_key(address: str) -> str:
    """A keyed hash of the client's network (IPv4 /24, IPv6 /64): one person can have many
    addresses of one network, rarely many networks. The network itself is not stored."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        network = address
    else:
        network = str(ipaddress.ip_network(f"{ip}/{24 if ip.version == 4 else 64}", strict=False))
    return salted_hmac("booking-network", network).hexdigest()[:32]


def _limit_reached() -> BookingError:
    return BookingError(
        _(
            "Für dieses Anliegen haben Sie schon einen Termin. Bitte sagen Sie ihn ab oder "
            "verschieben Sie ihn über den Link in Ihrer Bestätigung."
        ),
        kind="limit",
    )
