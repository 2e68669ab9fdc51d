"""Absences and changed hours reach the bookings: "n Termine betroffen", then the cancellation."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from booking.models import Absence, Appointment
from messaging.models import Message
from sozialamt.models import Location, OpeningHours
from tests.factories import UserFactory
from tests.helpers import assert_queries_do_not_grow
from tests.staff import sign_in

pytestmark = pytest.mark.django_db

ABSENCES = reverse("workspace:absences")
AFFECTED = reverse("workspace:affected")


def test_absences_and_the_affected_list_are_for_team_leads_only(client, clock, clerk, info_desk):
    for url in (ABSENCES, AFFECTED):
        assert client.get(url).status_code == 302
    for user in (clerk, info_desk, UserFactory(username="nobody")):
        sign_in(client, user)
        assert client.get(ABSENCES).status_code == 403 and client.get(AFFECTED).status_code == 403


def test_an_absence_on_a_booked_day_shows_the_appointments_hit_and_leads_into_the_cancellation(
    client, clock, book, team_lead, counsellor, location, django_capture_on_commit_callbacks
):
    hit = [book(by_email=True), book(start=dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC))]
    later = book(start=dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC))
    mail.outbox.clear()
    sign_in(client, team_lead)
    response = client.post(
        ABSENCES,
        {"counsellor": counsellor.pk, "first_day": "2026-12-03", "last_day": "2026-12-04", "reason": "krank"},
    )
    assert response.status_code == 302
    absence = Absence.objects.get()
    assert (absence.start, absence.end) == (
        dt.datetime(2026, 12, 2, 23, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 4, 23, 0, tzinfo=dt.UTC),
    )
    page = client.get(response["Location"]).text
    assert "2 Termine betroffen" in page and all(a.code in page for a in hit) and later.code not in page
    # The form on that page goes on to the cancel-by-office step with these days and the reason.
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    fields.pop("csrfmiddlewaretoken")  # of the sign-out button
    assert fields == {
        "location": str(location.pk),
        "counsellor": str(counsellor.pk),
        "first_day": "2026-12-03",
        "last_day": "2026-12-04",
        "unfit_only": "on",
    }
    params = {**fields, "reason": "Erkrankung der Beraterin"}
    preview = client.get(reverse("reminders:cancel-by-office"), params)
    assert all(a.code in preview.text for a in hit) and later.code not in preview.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reminders:cancel-by-office"), {**params, "appointment": [a.pk for a in hit]})
    assert {a.status for a in Appointment.objects.filter(pk__in=[a.pk for a in hit])} == {"cancelled"}
    [email] = mail.outbox
    assert "Erkrankung der Beraterin" in email.body
    assert hit[1].messages.filter(kind=Message.Kind.CANCELLED, channel=Message.Channel.LETTER).exists()


def test_only_the_appointments_that_no_longer_fit_are_offered_for_cancellation(
    client, clock, book, team_lead, location
):
    fits, outside = book(), book(start=dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.UTC))  # 10:00, 16:00
    OpeningHours.objects.filter(location=location, weekday=3).update(closes=dt.time(15, 30))
    sign_in(client, team_lead)
    params = {"location": location.pk, "first_day": "2026-12-01", "last_day": "2026-12-31"}
    page = client.get(AFFECTED, params).text
    assert "1 Termin betroffen" in page and outside.code in page and fits.code not in page
    preview = client.get(reverse("reminders:cancel-by-office"), {**params, "unfit_only": "on", "reason": "x"})
    assert outside.code in preview.text and fits.code not in preview.text


def test_the_office_cancellation_offers_the_next_free_times(
    client, clock, book, team_lead, counsellor, location, django_capture_on_commit_callbacks
):
    appointment = book(by_email=True)
    sign_in(client, team_lead)
    mail.outbox.clear()
    params = {
        "location": location.pk,
        "first_day": "2026-12-03",
        "last_day": "2026-12-03",
        "reason": "Betriebsversammlung",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reminders:cancel-by-office"), {**params, "appointment": [appointment.pk]})
    [email] = mail.outbox
    assert "Diese Zeiten waren beim Schreiben dieser Nachricht noch frei" in email.body
    # The first free time of each of the next three days that have one (the lead time of a
    # working day leaves out Friday 20 November, today).
    for day in ("Montag, 23.", "Dienstag, 24.", "Mittwoch, 25."):
        assert f"- {day} November 2026, 08:00 Uhr" in email.body
    assert "<li>Montag, 23. November 2026, 08:00 Uhr</li>" in email.alternatives[0][0]


def test_bad_absence_input_is_refused_next_to_the_field_and_kept(client, clock, team_lead, counsellor):
    sign_in(client, team_lead)
    response = client.post(
        ABSENCES,
        {
            "counsellor": counsellor.pk,
            "first_day": "2026-12-05",
            "last_day": "2026-12-01",
            "reason": "Urlaub",
        },
    )
    assert response.status_code == 400 and "Das Ende darf nicht vor dem Beginn liegen." in response.text
    assert 'value="Urlaub"' in response.text and 'value="2026-12-05"' in response.text
    response = client.post(ABSENCES, {"counsellor": "999999", "first_day": "morgen", "last_day": ""})
    assert response.status_code == 400 and 'value="morgen"' in response.text
    assert not Absence.objects.exists()
    assert client.get(AFFECTED, {"location": "x", "first_day": "2026-02-30"}).status_code == 400


def test_another_locations_counsellor_cannot_be_chosen(client, clock, team_lead, appointment_service):
    from tests.factories import CounsellorFactory, LocationFactory

    stranger = CounsellorFactory(location=LocationFactory(), services=[appointment_service])
    sign_in(client, team_lead)
    response = client.post(
        ABSENCES, {"counsellor": stranger.pk, "first_day": "2026-12-03", "last_day": "2026-12-03"}
    )
    assert response.status_code == 400 and not Absence.objects.exists()
    assert (
        client.get(
            AFFECTED, {"location": stranger.location_id, "first_day": "2026-12-03", "last_day": "2026-12-03"}
        ).status_code
        == 400
    )


def test_the_affected_list_costs_the_same_queries_however_many_are_hit(
    client, clock, book, team_lead, location
):
    OpeningHours.objects.filter(location=location, weekday=3).update(closes=dt.time(9))
    book(start=dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC))
    sign_in(client, team_lead)
    params = {"location": location.pk, "first_day": "2026-12-01", "last_day": "2026-12-31"}

    def grow():
        for n in range(10):
            book(start=dt.datetime(2026, 12, 3, 9 + n % 8, 0, tzinfo=dt.UTC))

    assert_queries_do_not_grow(lambda: client.get(AFFECTED, params), grow, limit=15)


# --- the admin --------------------------------------------------------------------------------


def _change_form_data(response) -> dict:
    """The POST data of an admin change form as the page shows it (main form and inlines)."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif isinstance(value, list | tuple):
                value = [getattr(v, "pk", v) for v in value]
            elif isinstance(value, dt.time):
                value = value.strftime("%H:%M")
            data[form[name].html_name] = value
    return data


def test_the_admin_says_how_many_appointments_a_closure_hits(client, clock, book, admin_user, location):
    appointment = book()
    sign_in(client, admin_user)
    response = client.post(
        reverse("admin:sozialamt_closure_add"),
        {"location": location.pk, "start": "2026-12-03", "end": "", "reason": "Betriebsausflug"},
        follow=True,
    )
    assert response.status_code == 200
    page = response.text
    assert "1 Termin betroffen." in page and appointment.code not in page
    link = re.search(r'href="(/intern/betroffene-termine/\?[^"]+)"', page).group(1).replace("&amp;", "&")
    assert "first_day=2026-12-03" in link and "last_day=2026-12-03" in link
    assert appointment.code in client.get(link).text


def test_the_admin_says_how_many_appointments_shorter_opening_hours_hit(
    client, clock, book, admin_user, location
):
    book(), book(start=dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.UTC))  # 10:00 and 16:00
    sign_in(client, admin_user)
    url = reverse("admin:sozialamt_location_change", args=[location.pk])
    data = _change_form_data(client.get(url))
    thursday = next(
        k
        for k, v in data.items()
        if k.startswith("opening_hours-") and k.endswith("-weekday") and str(v) == "3"
    )
    data[thursday.replace("-weekday", "-closes")] = "15:30"
    response = client.post(url, data, follow=True)
    assert "1 Termin betroffen." in response.text, response.context and response.context.get("errors")
    assert Location.objects.get(pk=location.pk).opening_hours.get(weekday=3).closes == dt.time(15, 30)


def test_the_admin_says_how_many_appointments_shorter_working_hours_hit(
    client, clock, book, admin_user, counsellor
):
    book(start=dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.UTC))
    sign_in(client, admin_user)
    url = reverse("admin:booking_counsellor_change", args=[counsellor.pk])
    data = _change_form_data(client.get(url))
    thursday = next(
        k
        for k, v in data.items()
        if k.startswith("working_hours-") and k.endswith("-weekday") and str(v) == "3"
    )
    data[thursday.replace("-weekday", "-ends")] = "12:00"
    response = client.post(url, data, follow=True)
    assert "1 Termin betroffen." in response.text


def test_the_absence_page_costs_the_same_queries_however_many_absences(client, clock, team_lead, counsellor):
    sign_in(client, team_lead)

    def grow():
        for n in range(5):
            Absence.objects.create(
                counsellor=counsellor,
                start=dt.datetime(2026, 12, 1 + n, 7, 0, tzinfo=dt.UTC),
                end=dt.datetime(2026, 12, 1 + n, 9, 0, tzinfo=dt.UTC),
            )

    assert_queries_do_not_grow(lambda: client.get(ABSENCES), grow, limit=10)


def test_the_office_cancellation_does_not_offer_the_cancelled_day_again(
    client, clock, book, team_lead, location, django_capture_on_commit_callbacks
):
    appointment = book(by_email=True, start=dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC))  # Monday
    sign_in(client, team_lead)
    mail.outbox.clear()
    params = {
        "location": location.pk,
        "first_day": "2026-11-23",
        "last_day": "2026-11-23",
        "reason": "Versammlung",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reminders:cancel-by-office"), {**params, "appointment": [appointment.pk]})
    [email] = mail.outbox
    assert "- Dienstag, 24. November 2026, 08:00 Uhr" in email.body
    assert "- Montag, 23. November 2026" not in email.body.split("noch frei")[1]


def test_an_absence_from_a_time_of_day_hits_only_the_appointments_after_it(
    client, clock, book, team_lead, counsellor
):
    morning = book(start=dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC))  # 09:00 local
    afternoon = book(start=dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC))  # 13:00 local
    sign_in(client, team_lead)
    response = client.post(
        ABSENCES,
        {
            "counsellor": counsellor.pk,
            "first_day": "2026-12-03",
            "from_time": "12:00",
            "last_day": "2026-12-03",
        },
    )
    assert response.status_code == 302
    absence = Absence.objects.get()
    assert (absence.start, absence.end) == (
        dt.datetime(2026, 12, 3, 11, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 3, 23, 0, tzinfo=dt.UTC),
    )
    page = client.get(response["Location"]).text
    assert "1 Termin betroffen" in page and afternoon.code in page and morning.code not in page


def test_an_absence_until_a_time_of_day_ends_then(client, clock, team_lead, counsellor):
    sign_in(client, team_lead)
    client.post(
        ABSENCES,
        {
            "counsellor": counsellor.pk,
            "first_day": "2026-12-03",
            "last_day": "2026-12-04",
            "until_time": "10:30",
        },
    )
    absence = Absence.objects.get()
    assert (absence.start, absence.end) == (
        dt.datetime(2026, 12, 2, 23, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.UTC),
    )


@pytest.mark.parametrize(
    ("times", "field", "message"),
    [
        (
            {"from_time": "14:00", "until_time": "12:00"},
            "until_time",
            "Das Ende muss nach dem Beginn liegen.",
        ),
        ({"from_time": "25:00"}, "from_time", "Bitte eine gültige Uhrzeit eingeben."),
    ],
    ids=["end-before-start", "no-such-time"],
)
def test_bad_absence_times_are_refused_next_to_the_field_and_kept(
    client, clock, team_lead, counsellor, times, field, message
):
    sign_in(client, team_lead)
    data = {"counsellor": counsellor.pk, "first_day": "2026-12-03", "last_day": "2026-12-03", **times}
    response = client.post(ABSENCES, data)
    assert response.status_code == 400
    assert f'id="error_1_id_{field}"' in response.text and message in response.text
    assert all(f'value="{v}"' in response.text for v in times.values())
    assert not Absence.objects.exists()
