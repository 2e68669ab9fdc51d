"""The statistics as JSON under /api/v1/statistics/ for the city's reporting (team leads only)."""

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from sozialamt import roles

from .forms import ScopeForm
from .report import build_report

router = Router(tags=["Statistik"])
Value = int | float | str | None


class ScopeIn(Schema):
    location: str = Field("", max_length=60, description="Kurzname (slug) eines Standorts; leer = alle")
    service: str = Field("", max_length=60, description="Kurzname (slug) eines Anliegens; leer = alle")
    start: str = Field("", max_length=10, description="Erster Tag (JJJJ-MM-TT); leer = vor vier Wochen")
    end: str = Field("", max_length=10, description="Letzter Tag (JJJJ-MM-TT); leer = heute")


class ScopeOut(Schema):
    location: str | None
    service: str | None
    start: dt.date
    end: dt.date
    previous_start: dt.date
    previous_end: dt.date


class FigureOut(Schema):
    key: str
    label: str
    unit: str
    current: Value
    previous: Value
    definition: str


class GroupOut(Schema):
    key: str
    title: str
    figures: list[FigureOut]


class TableOut(Schema):
    key: str
    title: str
    columns: list[str]
    rows: list[list[Value]]


class StatisticsOut(Schema):
    scope: ScopeOut
    groups: list[GroupOut]
    tables: list[TableOut]


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


@router.get(
    "/statistics/summary",
    auth=django_auth,
    response={200: StatisticsOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="Statistik: alle Kennzahlen und Tabellen (Teamleitung)",
)
def statistics(request: HttpRequest, params: Query[ScopeIn]):
    if not roles.has_role(request.auth, roles.TEAM_LEAD):
        return Status(403, {"detail": _("Nur für die Teamleitung.")})
    form = ScopeForm({k: v for k, v in params.dict().items() if v})
    if not form.is_valid():
        errors = {field: [str(e) for e in messages] for field, messages in form.errors.items()}
        return Status(
            400, {"detail": _("Bitte prüfen Sie Zeitraum, Standort und Anliegen."), "errors": errors}
        )
    report = build_report(form.scope())
    scope = report.scope
    return {
        "scope": {
            "location": scope.location.slug if scope.location else None,
            "service": scope.service.slug if scope.service else None,
            "start": scope.start,
            "end": scope.end,
            "previous_start": scope.previous_start,
            "previous_end": scope.previous_end,
        },
        "groups": report.groups,
        "tables": [
            {"key": t.key, "title": t.title, "columns": t.columns, "rows": t.rows}
            for t in report.tables.values()
        ],
    }
