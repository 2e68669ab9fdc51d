"""A hand-made week with known answers, written through the product's own services.

Current period Monday 23 – Sunday 29 March 2026 (the clocks go forward on the Sunday at 2:00),
previous period Monday 16 – Sunday 22 March. Every moment below is Münster wall-clock time."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from booking import confirming
from booking import services as booking
from booking.models import Appointment
from kundenzentrum import services as queue
from messaging.models import Message, PrintBatch
from sozialamt import roles
from stats.queries import Scope
from tests.factories import ClosureFactory, CounsellorFactory, DeskFactory, ServiceFactory, UserFactory

BERLIN = ZoneInfo("Europe/Berlin")
START, END = dt.date(2026, 3, 23), dt.date(2026, 3, 29)


def at(day: int, clock: str) -> dt.datetime:
    """An instant in March 2026, Münster time (zoneinfo picks CET or CEST)."""
    hour, minute = map(int, clock.split(":"))
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=BERLIN)


class Office:
    """Drives the clock and the services for the data set."""

    def __init__(self, traveller, location, desk, desk_b, clerk, clerk_b):
        self.traveller, self.location = traveller, location
        self.desk, self.desk_b, self.clerk, self.clerk_b = desk, desk_b, clerk, clerk_b

    def now(self, moment: dt.datetime) -> dt.datetime:
        self.traveller.move_to(moment)
        return moment

    def issue(self, service, moment):
        return queue.issue_ticket(location=self.location, service=service, now=self.now(moment))

    def sign_in(self, moment, both: bool = True):
        queue.sign_in_to_desk(desk=self.desk, user=self.clerk, now=self.now(moment))
        if both:
            queue.sign_in_to_desk(desk=self.desk_b, user=self.clerk_b, now=moment)

    def call(self, moment, second: bool = False):
        desk, user = (self.desk_b, self.clerk_b) if second else (self.desk, self.clerk)
        return queue.call_next_ticket(desk_id=desk.pk, user=user, now=self.now(moment))

    def act(self, action, ticket, moment, second: bool = False, **kwargs):
        desk, user = (self.desk_b, self.clerk_b) if second else (self.desk, self.clerk)
        return action(ticket_id=ticket.pk, desk=desk, user=user, now=self.now(moment), **kwargs)

    def serve(self, ticket, start, done, second: bool = False):
        self.act(queue.start_service, ticket, start, second)
        self.act(queue.finish_ticket, ticket, done, second)

    def book(self, service, booked_on, start, **person):
        self.now(booked_on)
        person = {
            "name": "Erika Beispiel",
            "street": "Hammer Straße 12",
            "postcode": "48153",
            "city": "Münster",
        } | person
        appointment = booking.book_appointment(
            service=service, location=self.location, start=start, person=person
        ).appointment
        if appointment.status == Appointment.Status.PENDING:  # the citizen follows the e-mail's link
            confirming.confirm_appointment(appointment=appointment, now=self.now(booked_on))
        return appointment

    def check_in_and_serve(self, appointment, arrive, call, start, done):
        self.now(arrive)
        queue.check_in_appointment(code=appointment.code, location=self.location, now=arrive)
        ticket = self.call(call)
        self.serve(ticket, start, done)
        return ticket


@pytest.fixture
def services(location):
    a = ServiceFactory(name="Unterlagen abgeben", slug="unterlagen-abgeben", walk_in=True, ticket_letter="A")
    b = ServiceFactory(
        name="Bescheinigung", slug="bescheinigung", walk_in=True, ticket_letter="B", target_wait_minutes=10
    )
    g = ServiceFactory(name="Grundsicherung", slug="grundsicherung", duration_minutes=45, ticket_letter="G")
    location.services.add(a, b, g)
    return a, b, g


@pytest.fixture
def known_week(location, services, team_lead):
    """Builds the data set; returns the scope of the current period and the team lead."""
    a, b, g = services
    CounsellorFactory(location=location, services=[g], seed_hours=True, name="Frau Beraterin")
    desk = DeskFactory(location=location, name="Platz 1")
    desk.services.set([a, b, g])
    desk_b = DeskFactory(location=location, name="Platz 2")
    desk_b.services.set([b])
    clerk = UserFactory(username="clerk1", roles=[roles.CLERK])
    clerk_b = UserFactory(username="clerk2", roles=[roles.CLERK])
    # Tuesday 24 March closed all day; Sunday 29 March (DST) open at night, 1:00–5:00.
    ClosureFactory(location=location, start=dt.date(2026, 3, 24), reason="Betriebsausflug")
    ClosureFactory(
        location=location,
        start=dt.date(2026, 3, 29),
        opens=dt.time(1),
        closes=dt.time(5),
        reason="Nachtöffnung",
    )
    with time_machine.travel(at(13, "09:00"), tick=False) as traveller:
        office = Office(traveller, location, desk, desk_b, clerk, clerk_b)
        appointments = _book(office, g)
        _previous_week(office, a)
        _monday(office, a, b, appointments[0])
        office.now(at(24, "10:00"))
        booking.cancel_for_office(appointment_ids=[appointments[4].pk], reason="Krankheit", by=team_lead)
        queue.close_day(location=location, now=office.now(at(25, "16:00")))
        _friday(office, appointments[2])
        _dst_sunday(office, a)
        _letters(appointments)
        office.now(at(30, "10:00"))
    return Scope(location=location, service=None, start=START, end=END)


def _book(office, g):
    """Ap1 letter, Ap2 e-mail (no-show), Ap3 both, moved twice, Ap4 none (cancelled by the
    citizen), Ap5 letter (cancelled by the office)."""
    ap1 = office.book(g, at(13, "09:00"), at(23, "10:00"), reminder="letter")
    ap2 = office.book(g, at(20, "09:00"), at(25, "09:00"), reminder="email", email="b@example.org")
    ap3 = office.book(g, at(16, "09:00"), at(26, "11:00"), reminder="both", email="c@example.org")
    ap4 = office.book(g, at(18, "09:00"), at(26, "09:00"), reminder="none")
    ap5 = office.book(g, at(18, "09:30"), at(25, "13:00"), reminder="letter")
    office.now(at(19, "12:00"))
    booking.move_appointment(appointment=ap3, start=at(26, "14:00"))
    office.now(at(20, "08:00"))
    booking.move_appointment(appointment=Appointment.objects.get(pk=ap3.pk), start=at(27, "09:00"))
    office.now(at(20, "10:00"))
    booking.cancel_appointment(appointment=ap4)
    return [ap1, ap2, ap3, ap4, ap5]


def _previous_week(office, a):
    """Thursday 19 March: one ticket, waited 30 minutes."""
    office.sign_in(at(19, "08:00"), both=False)
    ticket = office.issue(a, at(19, "09:00"))
    assert office.call(at(19, "09:30")).pk == ticket.pk
    office.serve(ticket, at(19, "09:31"), at(19, "09:41"))


def _monday(office, a, b, ap1):
    office.sign_in(at(23, "07:59"))
    t1 = office.issue(a, at(23, "08:00"))
    t2 = office.issue(a, at(23, "08:05"))
    t3 = office.issue(b, at(23, "08:10"))
    assert office.call(at(23, "08:12")).pk == t1.pk  # waited 12
    office.serve(t1, at(23, "08:13"), at(23, "08:25"))  # handled 12
    assert office.call(at(23, "08:15"), second=True).pk == t3.pk  # waited 5
    office.act(queue.start_service, t3, at(23, "08:16"), second=True)
    office.act(queue.transfer_ticket, t3, at(23, "08:20"), second=True, seen="in_service", to_service=a)
    assert office.call(at(23, "08:30")).pk == t2.pk  # waited 25
    office.act(queue.recall_ticket, t2, at(23, "08:32"))
    office.act(queue.start_service, t2, at(23, "08:33"))
    office.act(queue.park_ticket, t2, at(23, "08:40"), seen="in_service")
    office.act(queue.resume_ticket, t2, at(23, "08:50"))
    office.act(queue.finish_ticket, t2, at(23, "09:00"))  # handled 27 (parked time counts)
    t4 = office.issue(a, at(23, "09:00"))
    assert office.call(at(23, "09:05")).pk == t3.pk  # second call after the transfer
    office.serve(t3, at(23, "09:06"), at(23, "09:20"))  # handled 64, from the first start
    assert office.call(at(23, "09:21")).pk == t4.pk  # waited 21
    office.act(queue.recall_ticket, t4, at(23, "09:23"))
    office.act(queue.mark_no_show, t4, at(23, "09:26"))
    office.check_in_and_serve(ap1, at(23, "09:55"), at(23, "10:03"), at(23, "10:04"), at(23, "10:45"))  # +3
    office.issue(b, at(23, "11:00"))  # never called: not served at the day close
    queue.close_day(location=office.location, now=office.now(at(23, "16:00")))


def _friday(office, ap3):
    office.sign_in(at(27, "08:40"), both=False)
    office.check_in_and_serve(
        Appointment.objects.get(pk=ap3.pk), at(27, "08:50"), at(27, "08:58"), at(27, "08:59"), at(27, "09:40")
    )  # called 2 minutes early


def _dst_sunday(office, a):
    office.sign_in(at(29, "01:00"), both=False)
    t6 = office.issue(a, at(29, "01:50"))  # 0:50 UTC
    assert office.call(at(29, "03:05")).pk == t6.pk  # 1:05 UTC: waited 15, not 75
    office.serve(t6, at(29, "03:06"), at(29, "03:16"))
    office.issue(a, at(29, "03:10"))  # still waiting


def _letters(appointments):
    """Ap1's reminder letter went out in a batch posted on Thursday 19 March (previous period),
    Ap3's in one posted on Wednesday 25 March."""
    for appointment, posted in ((appointments[0], at(19, "15:00")), (appointments[2], at(25, "15:00"))):
        batch = PrintBatch.objects.create(
            day=posted.date(), status=PrintBatch.Status.POSTED, posted_at=posted
        )
        Message.objects.filter(
            appointment=appointment, channel=Message.Channel.LETTER, kind=Message.Kind.REMINDER
        ).update(batch=batch)
