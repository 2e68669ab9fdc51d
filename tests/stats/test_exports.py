"""Exports: CSV and ODS of every table, the anonymous ticket rows streamed; nothing a
spreadsheet would run as a formula."""

import io

import pytest
import tablib

from stats import export
from tests.stats.known_week import END, START

pytestmark = pytest.mark.django_db
URL = "/intern/statistik/export/"
RANGE = f"start={START.isoformat()}&end={END.isoformat()}"


@pytest.fixture
def lead_client(client, known_week, team_lead):
    client.force_login(team_lead)
    return client


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert export.neutralise(text) == "'" + text
    assert export.neutralise("Grundsicherung") == "Grundsicherung"
    assert export.neutralise(-2) == -2  # numbers stay numbers


def test_a_table_as_csv_has_the_numbers_of_the_page_and_a_telling_file_name(lead_client, location):
    response = lead_client.get(f"{URL}tickets.csv?location={location.slug}&{RANGE}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="statistik-stadthaus-3-2026-03-23-2026-03-29-tickets.csv"'
    )
    rows = tablib.Dataset().load(response.content.decode(), format="csv")
    assert rows.headers == ["Kennzahl", "Zeitraum", "Vorzeitraum"]
    assert list(rows[0]) == ["Ausgegeben", "7", "1"]
    assert ["Servicelevel", "0.5", "0.0"] in [list(r) for r in rows]


def test_all_tables_as_ods_one_sheet_each(lead_client):
    response = lead_client.get(f"{URL}all.ods?{RANGE}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert "alle-standorte-2026-03-23-2026-03-29-all.ods" in response["Content-Disposition"]
    book = tablib.Databook()
    book.load(io.BytesIO(response.content).read(), "ods")
    sheets = {sheet.title: sheet for sheet in book.sheets()}
    assert {"tickets", "appointments", "channels", "capacity", "series", "waits", "heat_map"} <= set(sheets)
    assert sheets["tickets"][0][:3] == ("Ausgegeben", 7, 1)


def test_a_service_named_like_a_formula_is_exported_as_text(lead_client, services):
    a = services[0]
    a.name = '=HYPERLINK("http://x")'
    a.save()
    response = lead_client.get(f"{URL}wartenummern.csv?{RANGE}")
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body


def test_the_ticket_rows_stream_anonymously(lead_client):
    response = lead_client.get(f"{URL}wartenummern.csv?{RANGE}")
    assert response.streaming
    assert "wartenummern.csv" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == ",".join(export.TICKET_COLUMNS)
    assert len(lines) == 1 + 7 + 2  # seven walk-ins and two checked-in appointments
    assert "Erika" not in "".join(lines)


@pytest.mark.parametrize("path", ["gibt-es-nicht.csv", "tickets.xlsx", "all.csv", "tickets.csv?start=kaputt"])
def test_unknown_tables_formats_and_bad_input_are_refused_plainly(lead_client, path):
    response = lead_client.get(URL + path)
    assert response.status_code in (400, 404)
    assert response["Content-Type"].startswith("text/plain")


def test_only_team_leads_export(client, clerk, known_week):
    assert client.get(f"{URL}tickets.csv").status_code == 302
    client.force_login(clerk)
    assert client.get(f"{URL}tickets.csv").status_code == 403
    assert client.get(f"{URL}wartenummern.csv").status_code == 403
