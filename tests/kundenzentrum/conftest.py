"""A Thursday morning in the Kundenzentrum: one walk-in service, two desks, clerks signed in."""

import datetime as dt

import pytest
import time_machine

from kundenzentrum import services
from sozialamt import roles
from tests.factories import DeskFactory, ServiceFactory, UserFactory

# Thursday 3 December 2026, 10:00 in Münster (open 8:00–18:00).
THURSDAY_10 = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def thursday():
    with time_machine.travel(THURSDAY_10, tick=False) as traveller:
        yield traveller


@pytest.fixture
def other_walk_in_service(location):
    service = ServiceFactory(
        name="Bescheinigung abholen", slug="bescheinigung", walk_in=True, ticket_letter="B"
    )
    location.services.add(service)
    return service


@pytest.fixture
def desk(location, walk_in_service, other_walk_in_service):
    desk = DeskFactory(location=location, name="Platz 1")
    desk.services.set([walk_in_service, other_walk_in_service])
    return desk


@pytest.fixture
def desk_b(location, other_walk_in_service):
    desk = DeskFactory(location=location, name="Platz 2")
    desk.services.set([other_walk_in_service])
    return desk


@pytest.fixture
def signed_in_clerk(clerk, desk, thursday):
    services.sign_in_to_desk(desk=desk, user=clerk)
    return clerk


@pytest.fixture
def second_clerk(desk_b, thursday):
    user = UserFactory(username="clerk2", roles=[roles.CLERK])
    services.sign_in_to_desk(desk=desk_b, user=user)
    return user
