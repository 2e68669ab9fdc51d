"""factory_boy factories: one factory per model, one trait per status."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from booking.models import Appointment, Counsellor, Occupancy, WorkingHours
from booking.slots import units
from kundenzentrum.models import Desk
from sozialamt.demo import SEED_HOURS
from sozialamt.models import Closure, Location, OpeningHours, Service


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    password = factory.django.Password("secret-password")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs) -> None:
        for name in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Anliegen {n}")
    slug = factory.Sequence(lambda n: f"anliegen-{n}")
    description = "Beschreibung des Anliegens."
    documents = "Personalausweis\nBescheid"
    duration_minutes = 30
    channel = Service.Channel.APPOINTMENT

    class Params:
        walk_in = factory.Trait(channel=Service.Channel.WALK_IN, ticket_letter="A", duration_minutes=10)
        both = factory.Trait(channel=Service.Channel.BOTH, ticket_letter="B")
        inactive = factory.Trait(active=False)


class LocationFactory(factory.django.DjangoModelFactory):
    """A location; with seed_hours=True it gets Münster's weekly hours."""

    class Meta:
        model = Location
        django_get_or_create = ["slug"]
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Standort {n}")
    slug = factory.Sequence(lambda n: f"standort-{n}")
    street = "Albersloher Weg 33"
    postcode = "48155"
    city = "Münster"
    phone = "0251 492-0"

    class Params:
        seed_hours = factory.Trait(
            opening=factory.RelatedFactoryList(
                "tests.factories.OpeningHoursFactory",
                factory_related_name="location",
                size=len(SEED_HOURS),
                weekday=factory.Iterator([h[0] for h in SEED_HOURS]),
                opens=factory.Iterator([dt.time.fromisoformat(h[1]) for h in SEED_HOURS]),
                closes=factory.Iterator([dt.time.fromisoformat(h[2]) for h in SEED_HOURS]),
            )
        )
        inactive = factory.Trait(active=False)


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    location = factory.SubFactory(LocationFactory)
    weekday = 0
    opens = dt.time(8)
    closes = dt.time(15, 30)


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    location = factory.SubFactory(LocationFactory)
    start = dt.date(2026, 12, 24)
    reason = "Betriebsausflug"

    class Params:
        all_locations = factory.Trait(location=None)
        special_hours = factory.Trait(opens=dt.time(9), closes=dt.time(11), reason="Personalversammlung")


class DeskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Desk

    location = factory.SubFactory(LocationFactory)
    name = factory.Sequence(lambda n: f"Platz {n + 1}")


class CounsellorFactory(factory.django.DjangoModelFactory):
    """A counsellor at a location; with seed_hours=True they work the location's full seed hours."""

    class Meta:
        model = Counsellor
        skip_postgeneration_save = True

    name = factory.Faker("name", locale="de_DE")
    team = "Team Grundsicherung"
    room = "Raum 1.12"
    location = factory.SubFactory(LocationFactory)

    @factory.post_generation
    def services(self, create: bool, extracted: list | None, **kwargs) -> None:
        if extracted:
            self.services.set(extracted)

    class Params:
        seed_hours = factory.Trait(
            hours=factory.RelatedFactoryList(
                "tests.factories.WorkingHoursFactory",
                factory_related_name="counsellor",
                size=len(SEED_HOURS),
                weekday=factory.Iterator([h[0] for h in SEED_HOURS]),
                starts=factory.Iterator([dt.time.fromisoformat(h[1]) for h in SEED_HOURS]),
                ends=factory.Iterator([dt.time.fromisoformat(h[2]) for h in SEED_HOURS]),
            )
        )


class WorkingHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingHours

    counsellor = factory.SubFactory(CounsellorFactory)
    weekday = 0
    starts = dt.time(8)
    ends = dt.time(15, 30)


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A booked appointment with a letter reminder; traits for every status and channel."""

    class Meta:
        model = Appointment
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T{n:07d}")
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    counsellor = factory.SubFactory(CounsellorFactory)
    location = factory.SelfAttribute("counsellor.location")
    service = factory.SubFactory(ServiceFactory)
    start = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)  # Thursday 10:00 in Münster
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(minutes=o.service.duration_minutes))
    name = factory.Faker("name", locale="de_DE")
    street = "Hammer Straße 12"
    postcode = "48153"
    city = "Münster"
    reminder = Appointment.Reminder.LETTER

    class Params:
        by_email = factory.Trait(
            reminder=Appointment.Reminder.EMAIL, email="buerger@example.org", street="", postcode="", city=""
        )
        by_both = factory.Trait(reminder=Appointment.Reminder.BOTH, email="buerger@example.org")
        no_channel = factory.Trait(reminder=Appointment.Reminder.NONE, street="", postcode="", city="")
        checked_in = factory.Trait(status=Appointment.Status.CHECKED_IN)
        done = factory.Trait(status=Appointment.Status.DONE)
        no_show = factory.Trait(status=Appointment.Status.NO_SHOW)
        cancelled = factory.Trait(status=Appointment.Status.CANCELLED)

    @factory.post_generation
    def occupancy(self, create: bool, extracted, **kwargs) -> None:
        """Its occupancy rows, as the booking service writes them (a cancelled one has none)."""
        if create and self.status != Appointment.Status.CANCELLED:
            Occupancy.objects.bulk_create(
                Occupancy(counsellor_id=self.counsellor_id, unit_start=u, appointment=self)
                for u in units(self.start, self.end)
            )


class AbsenceFactory(factory.django.DjangoModelFactory):
    """A counsellor's absence (booking tests)."""

    class Meta:
        model = "booking.Absence"

    counsellor = factory.SubFactory(CounsellorFactory)
    start = dt.datetime(2026, 12, 3, 7, 0, tzinfo=dt.UTC)
    end = dt.datetime(2026, 12, 3, 17, 0, tzinfo=dt.UTC)
    reason = "Urlaub"


class TicketFactory(factory.django.DjangoModelFactory):
    """A waiting walk-in ticket; traits for the other statuses.

    Numbers come from a sequence far above what issue_ticket hands out in a test, so that
    tickets made here never collide with tickets issued through the counter."""

    class Meta:
        model = "kundenzentrum.Ticket"

    location = factory.SubFactory(LocationFactory)
    service = factory.SubFactory(ServiceFactory, walk_in=True)
    day = dt.date(2026, 12, 3)
    letter = factory.SelfAttribute("service.ticket_letter")
    number = factory.Sequence(lambda n: 500 + n)
    issued_at = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)

    class Params:
        served = factory.Trait(status="served")
        not_served = factory.Trait(status="not_served")
