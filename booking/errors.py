"""The booking domain's error, raised by its services and shown to the citizen or staff."""

from __future__ import annotations

from .slots import Slot


class BookingError(Exception):
    """A booking, move or cancellation that cannot be done; the message is for the citizen."""

    def __init__(self, message: str, *, kind: str = "invalid", next_free: list[Slot] | None = None):
        super().__init__(message)
        self.message = message
        self.kind = kind  # invalid | taken | limit | gone
        self.next_free = next_free or []
