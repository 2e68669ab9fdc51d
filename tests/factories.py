"""factory_boy factories: one factory per model, one trait per status."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

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
