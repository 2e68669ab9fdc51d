"""The booking pages through Django's test client: tampering, abuse checks, downloads."""

import datetime as dt

import pytest
import time_machine
from django.core import signing
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from booking.forms import FILL_SALT
from booking.models import Appointment
from booking.services import book_appointment
from tests.booking.conftest import TUESDAY_9, book_confirmed, proof_fields
from tests.factories import AppointmentFactory
from tests.helpers import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db
DAY = "/termin/grundsicherung/stadthaus-3/2026-12-01/"
PERSON = {
    "name": "Erika Mustermann",
    "reminder": "letter",
    "street": "Hammer Straße 12",
    "postcode": "48153",
    "city": "Münster",
    "language": "de",
}


def rendered(seconds_ago: int = 60) -> str:
    return signing.dumps(timezone.now().timestamp() - seconds_ago, salt=FILL_SALT)


def choose_time(client):
    return client.post(DAY, {"start": "2026-12-01T08:00Z"})


def test_a_tampered_time_is_refused_with_a_message(client, clock, counsellor, relaxed_limits):
    response = client.post(DAY, {"start": "2026-12-01T08:07Z"})
    assert response.status_code == 400
    assert "Diese Zeit ist nicht (mehr) frei" in response.content.decode()
    assert "booking" not in client.session


@pytest.mark.parametrize(
    "path",
    [
        "/termin/gibt-es-nicht/",
        "/termin/grundsicherung/nirgends/",
        "/termin/grundsicherung/stadthaus-3/2026-13-45/",
        "/termin/grundsicherung/stadthaus-3/gestern/",
        "/termin/grundsicherung/stadthaus-3/9999-12-31/",
        "/termin/grundsicherung/stadthaus-3/0001-01-01/",
        "/termin/angaben/",
        "/termin/pruefen/",
        "/termin/bestaetigung/",
    ],
)
def test_bad_urls_and_missing_steps_lead_back_to_the_start_with_a_message(client, clock, counsellor, path):
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/termin/"
    assert response.context["messages"]


def test_the_honeypot_and_a_too_fast_form_are_refused(client, clock, counsellor, settings):
    settings.BOOKING_MIN_FILL_SECONDS = 3
    choose_time(client)
    trap = client.post("/termin/angaben/", {**PERSON, "website": "http://spam", "rendered": rendered()})
    # The clock stands still while the form comes back: filled in 1 s, however slow the machine.
    with time_machine.travel(timezone.now(), tick=False):
        fast = client.post("/termin/angaben/", {**PERSON, "rendered": rendered(seconds_ago=1)})
    forged = client.post("/termin/angaben/", {**PERSON, "rendered": "123:forged"})
    for response in (trap, fast, forged):
        assert response.status_code == 400
        assert "Erika Mustermann" in response.content.decode()  # what was typed is kept
    assert "person" not in client.session["booking"]
    human = client.post("/termin/angaben/", {**PERSON, "rendered": rendered()})
    assert human.status_code == 302


def test_booking_posts_are_rate_limited_per_client(client, clock, counsellor, settings):
    settings.BOOKING_POST_RATE = 3
    codes = [client.post(DAY, {"start": "bad"}).status_code for _ in range(5)]
    assert codes == [400, 400, 400, 429, 429]


def test_free_time_searches_are_rate_limited_per_client(client, clock, counsellor, settings):
    settings.BOOKING_SEARCH_RATE = 2
    codes = [client.get("/termin/grundsicherung/stadthaus-3/").status_code for _ in range(3)]
    other = client.get("/termin/grundsicherung/stadthaus-3/", REMOTE_ADDR="10.0.0.9").status_code
    assert codes == [200, 200, 429] and other == 200


def test_a_race_loser_gets_the_just_taken_page_with_next_times(
    client, clock, counsellor, location, appointment_service, relaxed_limits
):
    choose_time(client)
    client.post("/termin/angaben/", {**PERSON, "rendered": rendered()})
    book_appointment(service=appointment_service, location=location, start=TUESDAY_9, person={"name": "B"})
    response = client.post("/termin/pruefen/")
    assert response.status_code == 409
    assert "Dieser Termin wurde gerade vergeben" in response.content.decode()
    assert "09:45" in response.content.decode()


def test_the_management_link_gets_no_changes_and_offers_downloads(
    client, clock, counsellor, location, appointment_service
):
    booked = book_appointment(service=appointment_service, location=location, start=TUESDAY_9, person=PERSON)
    base = f"/termin/verwalten/{booked.token}/"
    assert client.get(base).status_code == 200
    assert client.get(base + "absagen/").status_code == 200
    assert Appointment.objects.get().status == "booked"
    ics = client.get(base + "termin.ics")
    assert ics["Content-Type"] == "text/calendar" and b"BEGIN:VEVENT" in ics.content
    pdf = client.get(base + "bestaetigung.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    with time_machine.travel(TUESDAY_9 + dt.timedelta(hours=1)):
        assert client.get(base).status_code == 404
    assert client.get("/termin/verwalten/erfunden/").status_code == 404
    assert client.get(base + "verschieben/9999-12-31/", follow=True).status_code == 200


text = st.text(max_size=300)


@given(
    data=st.fixed_dictionaries(
        {
            "name": text,
            "reminder": st.sampled_from(["email", "letter", "both", "none", "", "fax"]) | text,
            "email": text,
            "street": text,
            "postcode": st.from_regex(r"\d{0,6}", fullmatch=True) | text,
            "city": text,
            "phone": text,
            "language": st.sampled_from(["de", "tr", "xx"]) | text,
            "interpreter_language": text,
            "step_free": st.sampled_from(["on", "", "x"]),
            "case_reference": text,
            "website": st.just("") | text,
        }
    )
)
@example(data={**PERSON, "email": "", "phone": "", "website": ""})
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_random_input_to_the_booking_form_never_gives_a_500(client, clock, counsellor, relaxed_limits, data):
    Appointment.objects.all().delete()  # each example books the same free time afresh
    assert choose_time(client).status_code == 302
    # A valid fill-time signature, so random personal data gets past the bot check to review and booking.
    response = client.post("/termin/angaben/", {**data, "rendered": rendered()})
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert response["Location"] == "/termin/pruefen/"
        assert client.get("/termin/pruefen/").status_code == 200
        assert client.post("/termin/pruefen/").status_code == 302
        assert Appointment.objects.get().name == data["name"].strip()


@given(
    body=st.dictionaries(
        st.sampled_from(
            ["service", "location", "start", "name", "reminder", "email", "postcode", "phone", "step_free"]
        ),
        st.none() | st.booleans() | st.integers() | text | st.datetimes(timezones=st.just(dt.UTC)).map(str),
    )
)
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_random_input_to_the_booking_api_never_gives_a_500(client, clock, counsellor, relaxed_limits, body):
    response = client.post("/api/v1/bookings", body, content_type="application/json")
    assert response.status_code in (201, 400, 404, 409, 422)


@pytest.mark.parametrize(
    "path",
    [
        "/termin/",
        "/termin/grundsicherung/stadthaus-3/",
        DAY,
        "/termin/grundsicherung/stadthaus-3/2026-12-02/",
    ],
)
def test_booking_pages_cost_the_same_queries_however_many_bookings(
    client, clock, counsellor, location, appointment_service, relaxed_limits, settings, path
):
    settings.BOOKING_FREE_TIMES_CACHE_SECONDS = 0  # measure the real work
    settings.BOOKING_OFFICE_CACHE_SECONDS = 0  # the office plan too

    def grow():
        for n in range(30):
            start = TUESDAY_9 + dt.timedelta(days=n // 5, minutes=45 * (n % 5))
            AppointmentFactory(counsellor=counsellor, service=appointment_service, start=start)

    assert_queries_do_not_grow(lambda: client.get(path), grow, limit=10)


def test_the_management_page_costs_the_same_queries_however_many_bookings(
    client, clock, counsellor, location, appointment_service
):
    booked = book_appointment(service=appointment_service, location=location, start=TUESDAY_9, person=PERSON)
    grow = lambda: [  # noqa: E731
        AppointmentFactory(
            counsellor=counsellor,
            service=appointment_service,
            start=TUESDAY_9 + dt.timedelta(days=1, hours=n),
        )
        for n in range(20)
    ]
    assert_queries_do_not_grow(lambda: client.get(f"/termin/verwalten/{booked.token}/"), grow, limit=5)


@given(
    day=st.dates().map(str) | st.text(alphabet="0123456789-", max_size=12),
    start=st.text(max_size=40) | st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%MZ")),
)
@example(day="9999-12-31", start="9999-12-31T23:45Z")
@example(day="0001-01-01", start="2026-12-01T08:00Z")
@example(day="2026-01-01", start="")  # a day in the window, no time chosen: the form's 400
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_random_days_and_times_never_give_a_500(client, clock, counsellor, relaxed_limits, day, start):
    url = f"/termin/grundsicherung/stadthaus-3/{day}/" if day else "/termin/grundsicherung/stadthaus-3/x/"
    assert client.get(url).status_code in (200, 302, 404)
    # A time that is not offered is bad input: 400 with the message at the field (never a 500).
    assert client.post(url, {"start": start}).status_code in (200, 302, 400, 404)


def test_an_address_too_long_for_the_envelope_window_is_refused_at_entry():
    from booking.forms import PersonForm

    form = PersonForm(
        {
            "name": "Maximiliane Alexandra Friederike Wilhelmine Charlotte von und zu Hohenzollern-Sigmaringen-Hechingen",
            "reminder": "letter",
            "street": "Kardinal-von-Galen-Ring-Verlängerung Hinterhaus 123 a",
            "postcode": "48149",
            "city": "Münster-Gremmendorf-Angelmodde-West",
            "language": "de",
        }
    )
    assert not form.is_valid()
    assert "zu lang für das Adressfeld" in form.errors["street"][0]
    assert form.data["street"].startswith("Kardinal")  # what was typed stays


def test_a_long_but_fitting_address_is_accepted_and_wrapped_not_cut():
    from booking.forms import PersonForm

    form = PersonForm(
        {
            "name": "Erika Mustermann",
            "reminder": "letter",
            "street": "Kardinal-von-Galen-Ring 123",
            "postcode": "48149",
            "city": "Münster",
            "language": "de",
        }
    )
    assert form.is_valid(), form.errors


def test_a_double_click_on_book_makes_one_booking(client, clock, counsellor, relaxed_limits):
    choose_time(client)
    client.post("/termin/angaben/", {**PERSON, "rendered": rendered()})
    first = client.post("/termin/pruefen/")
    second = client.post("/termin/pruefen/")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == "/termin/bestaetigung/"
    assert Appointment.objects.count() == 1


def test_a_move_that_cannot_be_done_shows_the_appointment_page_with_the_reason(
    client, clock, counsellor, location, appointment_service, relaxed_limits
):
    booked = book_appointment(service=appointment_service, location=location, start=TUESDAY_9, person=PERSON)
    with time_machine.travel(TUESDAY_9 + dt.timedelta(minutes=10), tick=False):
        response = client.post(
            f"/termin/verwalten/{booked.token}/verschieben/2026-12-02/", {"start": "2026-12-02T08:00Z"}
        )
    assert response.status_code == 400
    assert "booking/manage.html" in [t.name for t in response.templates]
    assert "booking/cancel.html" not in [t.name for t in response.templates]
    assert "kann nicht mehr verschoben werden" in response.content.decode()


def test_the_wizard_forgets_personal_data_when_booked_and_the_token_after_half_an_hour(
    client, clock, counsellor, relaxed_limits
):
    choose_time(client)
    client.post("/termin/angaben/", {**PERSON, "rendered": rendered()})
    client.post("/termin/pruefen/")
    assert "booking" not in client.session
    token = client.session["booking_done"]["token"]
    assert client.get("/termin/bestaetigung/").status_code == 200
    clock.shift(dt.timedelta(minutes=31))
    response = client.get("/termin/bestaetigung/")
    assert response.status_code == 302 and "booking_done" not in client.session
    assert token not in str(dict(client.session))


def test_an_abandoned_wizard_forgets_the_personal_data_after_half_an_hour(
    client, clock, counsellor, relaxed_limits
):
    choose_time(client)
    client.post("/termin/angaben/", {**PERSON, "rendered": rendered()})
    assert client.session["booking"]["person"]["name"] == "Erika Mustermann"
    clock.shift(dt.timedelta(minutes=31))
    response = client.get("/termin/pruefen/")
    assert "booking" not in client.session and "Erika" not in str(dict(client.session))
    # The page says honestly what happened and offers the same service and time again.
    page = response.content.decode()
    assert response.status_code == 200 and "Die Zeit für Ihre Buchung ist abgelaufen" in page
    assert "Grundsicherung" in page and "Diese Zeit wieder wählen" in page
    assert "Bitte wählen Sie zuerst Anliegen und Zeit." not in page


def test_the_nightly_task_deletes_expired_sessions(client, counsellor):
    from django.contrib.sessions.models import Session

    from booking.tasks import clear_sessions
    from sozialamt.settings import CELERY_BEAT_SCHEDULE

    session = client.session
    session["x"] = 1
    session.save()
    assert Session.objects.exists()
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    clear_sessions()
    assert not Session.objects.exists()
    assert CELERY_BEAT_SCHEDULE["booking-clear-sessions"]["task"] == "booking.tasks.clear_sessions"


def test_behind_a_trusted_proxy_each_citizen_has_their_own_rate_limit(client, clock, counsellor, settings):
    settings.TRUSTED_PROXIES = 1
    settings.BOOKING_POST_RATE = 2

    def post(forwarded):
        return client.post(DAY, {"start": "bad"}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert [post("1.2.3.4").status_code for _ in range(3)] == [400, 400, 429]
    assert post("5.6.7.8").status_code == 400  # another citizen through the same proxy
    assert post("9.9.9.9, 1.2.3.4").status_code == 429  # a forged left entry does not help


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, clock, counsellor, settings):
    settings.BOOKING_POST_RATE = 1
    codes = [
        client.post(DAY, {"start": "bad"}, HTTP_X_FORWARDED_FOR=f"1.2.3.{n}").status_code for n in range(2)
    ]
    assert codes == [400, 429]


def test_bookings_without_any_contact_data_are_limited_per_client_in_the_api(
    client, clock, counsellor, relaxed_limits, settings
):
    settings.BOOKING_ANONYMOUS_PER_HOUR = 1
    body = {
        "service": "grundsicherung",
        "location": "stadthaus-3",
        "name": "Ohne Kontakt",
        "reminder": "none",
    }

    def book(start, **extra):
        return client.post(
            "/api/v1/bookings",
            {**body, "start": start, **proof_fields(), **extra},
            content_type="application/json",
        ).status_code

    assert book("2026-12-01T08:00Z") == 201
    assert book("2026-12-01T09:00Z") == 429
    assert book("2026-12-01T10:00Z", email="a@example.org", reminder="email") == 201


def test_the_privacy_notice_states_the_configured_deletion_periods(client, clock, counsellor, settings):
    settings.RETENTION_APPOINTMENT_DAYS = 23
    settings.RETENTION_CANCELLED_DAYS = 5
    choose_time(client)
    text = " ".join(client.get("/termin/angaben/").content.decode().split())
    assert "löschen wir 23 Tage nach dem Termin" in text and "spätestens 5 Tage nach der Absage" in text


def test_post_is_offered_only_in_the_languages_letters_and_emails_exist_in(client, clock, counsellor):
    from booking.forms import PersonPageForm

    choose_time(client)
    choices = [value for value, _label in PersonPageForm().fields["language"].choices]
    assert choices == ["de", "en", "tr", "ar", "uk", "ru"]
    response = client.post("/termin/angaben/", {**PERSON, "language": "fr", "rendered": rendered()})
    assert response.status_code == 400 and "language" in response.context["form"].errors


def test_a_day_without_a_plan_still_has_a_heading(rf, clock):
    from django.template.loader import render_to_string

    for date, heading in (
        (dt.date(2026, 12, 1), "Freie Zeiten am Dienstag, 1. Dezember 2026"),
        (None, "Freie Zeiten"),
    ):
        html = render_to_string("booking/day.html", {"plan": None, "date": date, "back": "/"}, rf.get("/"))
        assert f"<h1>{heading}</h1>" in html


FIND = "/termin/finden/"


@pytest.fixture
def booked_with_email(clock, counsellor, location, appointment_service, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booked = book_confirmed(
            service=appointment_service,
            location=location,
            start=TUESDAY_9,
            person={**PERSON, "email": "erika@example.org", "reminder": "both"},
        )
    return booked


def test_a_citizen_with_code_and_postcode_gets_a_new_link_and_the_old_one_works_until_it_is_used(
    client, booked_with_email, relaxed_limits, django_capture_on_commit_callbacks
):
    from django.core import mail

    code = booked_with_email.appointment.code
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FIND, {"code": code.lower().replace("-", " "), "postcode": "48153"})
    assert response.status_code == 200 and "haben wir Ihnen gerade einen neuen" in response.content.decode()
    [email] = mail.outbox
    assert email.to == ["erika@example.org"] and "/termin/verwalten/" in email.body
    # A request by someone else who knows code and postcode locks the citizen out of nothing.
    assert client.get(f"/termin/verwalten/{booked_with_email.token}/").status_code == 200
    new_link = email.body.split("/termin/verwalten/")[1].split("/")[0]
    assert client.get(f"/termin/verwalten/{new_link}/").status_code == 200
    assert client.get(f"/termin/verwalten/{booked_with_email.token}/").status_code == 404
    assert client.get(f"/termin/verwalten/{new_link}/").status_code == 200
    assert code not in response.content.decode() and "Erika" not in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"postcode": "48155"},  # wrong postcode
        {"name_start": "Max"},  # wrong name
        {"code_other": True, "postcode": "48153"},  # unknown code
    ],
)
def test_a_wrong_guess_gets_the_same_answer_and_no_email_and_changes_nothing(
    client, booked_with_email, relaxed_limits, data, django_capture_on_commit_callbacks
):
    from django.core import mail

    code = "ZZZ-ZZZZ" if data.pop("code_other", False) else booked_with_email.appointment.code
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FIND, {"code": code, **data})
    assert response.status_code == 200 and "haben wir Ihnen gerade einen neuen" in response.content.decode()
    assert mail.outbox == []
    assert client.get(f"/termin/verwalten/{booked_with_email.token}/").status_code == 200


def test_the_first_letters_of_the_name_identify_a_booking_too(
    client, booked_with_email, relaxed_limits, django_capture_on_commit_callbacks
):
    from django.core import mail

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(FIND, {"code": booked_with_email.appointment.code, "name_start": "eri"})
    assert len(mail.outbox) == 1


def test_the_find_page_is_rate_limited_and_refuses_bad_input_next_to_the_field(client, clock, settings):
    assert client.get(FIND).status_code == 200
    bad = client.post(FIND, {"code": "K7M"})
    assert bad.status_code == 400 and "sieben Zeichen" in bad.content.decode()
    assert 'value="K7M"' in bad.content.decode()
    settings.BOOKING_FIND_PER_HOUR = 2
    codes = [client.post(FIND, {"code": "K7M-4QX9", "postcode": "48153"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_a_forged_choice_cookie_only_restarts_the_wizard(client, counsellor):
    client.cookies["booking_choice"] = '{"service": 1, "location": 1, "start": "2026-12-01T08:00:00+00:00"}'
    response = client.get("/termin/pruefen/")
    assert response.status_code == 302 and response.url.startswith("/termin/")
