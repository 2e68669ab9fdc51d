"""Every write of the walk-in queue, by sub-domain: kiosks and desks, issuing, check-in,
calling, moving a ticket on, closing the day. Callers import from here."""

from .calling import call_next_ticket, current_ticket
from .checkin import check_in_appointment
from .common import QueueError, hash_token
from .dayclose import close_day
from .desks import kiosk_for_token, sign_in_to_desk, sign_out_of_desk, unlock_kiosk
from .issuing import check_capacity, issue_ticket
from .moving import (
    finish_ticket,
    mark_no_show,
    park_ticket,
    recall_ticket,
    resume_ticket,
    staffed_services,
    start_service,
    transfer_ticket,
)
from .rooms import ROOM_MOVES, act_in_room
