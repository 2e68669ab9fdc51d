"""A cancellation staff make at the citizen's request counts as the citizen's, not the office's."""

import datetime as dt

import pytest

from booking.services import cancel_appointment, cancel_for_office
from stats.queries import Scope, appointment_changes
from tests.factories import AppointmentFactory, UserFactory
from tests.messaging.conftest import NOW

pytestmark = pytest.mark.django_db


def test_staff_cancelling_for_the_citizen_counts_as_the_citizens_cancellation(time_machine, counsellor):
    time_machine.move_to(NOW, tick=False)
    on_behalf, for_office, by_citizen = (
        AppointmentFactory(counsellor=counsellor, start=dt.datetime(2026, 12, 3, 8 + n, 0, tzinfo=dt.UTC))
        for n in range(3)
    )
    clerk = UserFactory()
    cancel_appointment(appointment=on_behalf, by=clerk, on_behalf=True, reason="am Telefon")
    cancel_for_office(appointment_ids=[for_office.pk], reason="krank", by=clerk)
    cancel_appointment(appointment=by_citizen)
    scope = Scope(location=None, service=None, start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 7))
    changes = {row["change"]: row["appointments"] for row in appointment_changes(scope)}
    assert changes == {"cancelled_by_citizen": 2, "cancelled_by_office": 1}
