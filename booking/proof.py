"""The API's bot check, needing no third party: a proof of work on a server-issued challenge.

GET /api/v1/challenge issues `<issued>.<random>.<hmac>`; a booking sends it back with a nonce
such that sha256("<challenge>:<nonce>") starts with BOOKING_POW_BITS zero bits (about 2^bits
hashes, a few hundred milliseconds). The challenge is good from BOOKING_MIN_FILL_SECONDS after
it was issued (the form's fill time) for BOOKING_CHALLENGE_MINUTES, and for one booking only.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

SALT = "booking.challenge"


def issue_challenge(*, at: float | None = None) -> str:
    """A new challenge, signed with the issue time (seconds since the epoch)."""
    issued = int(timezone.now().timestamp() if at is None else at)
    body = f"{issued}.{secrets.token_urlsafe(12)}"
    return f"{body}.{salted_hmac(SALT, body).hexdigest()[:32]}"


def leading_zero_bits(challenge: str, nonce: str) -> int:
    digest = int.from_bytes(hashlib.sha256(f"{challenge}:{nonce}".encode()).digest(), "big")
    return 256 - digest.bit_length()


def solve(challenge: str, bits: int | None = None) -> str:
    """A nonce for the challenge (what a client does; the tests and the bench use it)."""
    bits = settings.BOOKING_POW_BITS if bits is None else bits
    return next(str(n) for n in itertools.count() if leading_zero_bits(challenge, str(n)) >= bits)


def proof_problem(challenge: str, nonce: str) -> tuple[str, str] | None:
    """(field, message) when the challenge or nonce does not prove the work, else None; a good
    proof is used up by this call."""
    body, _sep, signature = challenge.rpartition(".")
    issued, _sep, _random = body.partition(".")
    if not issued.isdigit() or not constant_time_compare(signature, salted_hmac(SALT, body).hexdigest()[:32]):
        return "challenge", _("Die Aufgabe ist ungültig. Bitte holen Sie eine neue unter /api/v1/challenge.")
    age = timezone.now().timestamp() - int(issued)
    if age > settings.BOOKING_CHALLENGE_MINUTES * 60:
        return "challenge", _(
            "Die Aufgabe ist abgelaufen. Bitte holen Sie eine neue unter /api/v1/challenge."
        )
    if age < settings.BOOKING_MIN_FILL_SECONDS:
        return "challenge", _(
            "Das ging sehr schnell. Bitte prüfen Sie Ihre Angaben und senden Sie das Formular noch einmal."
        )
    if len(nonce) > 40 or leading_zero_bits(challenge, nonce) < settings.BOOKING_POW_BITS:
        return "nonce", _("Die Lösung der Aufgabe stimmt nicht.")
    # Once only; with the cache down the work still has to be done, once per challenge or not.
    if cache.add(f"booking:challenge:{signature}", 1, settings.BOOKING_CHALLENGE_MINUTES * 60 + 60) is False:
        return "challenge", _("Diese Aufgabe wurde schon verwendet. Bitte holen Sie eine neue.")
    return None
