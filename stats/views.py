"""The statistics page for team leads and its exports."""

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sozialamt import roles

from . import charts, definitions, export
from .forms import ScopeForm, default_range
from .report import build_report

TABLE_KEYS = (
    "tickets",
    "appointments",
    "channels",
    "capacity",
    "series",
    "waits",
    "heat_map",
    "counsellors",
    "today",
)


def _form(request: HttpRequest) -> ScopeForm:
    """The filter as sent; a range left out shows the default four weeks in its fields."""
    data = request.GET.copy()
    first, last = default_range()
    if not data.get("start") and not data.get("end"):
        data["start"], data["end"] = first.isoformat(), last.isoformat()
    return ScopeForm(data)


@roles.role_required(roles.TEAM_LEAD)
@require_GET
def page(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    context = {"form": form, "definitions": definitions}
    if form.is_valid():
        report = build_report(form.scope())
        context.update(report=report, charts=_charts(report), query=request.GET.urlencode())
    return render(request, "stats/page.html", context, status=200 if form.is_valid() else 400)


def _charts(report) -> dict:
    tables = report.tables
    return {
        "series": charts.bar_chart(tables["series"], [1], key="series", title=tables["series"].title),
        "waits": charts.bar_chart(tables["waits"], [1, 2], key="waits", title=tables["waits"].title),
        "heat_map": charts.heat_map(tables["heat_map"], title=tables["heat_map"].title),
    }


@roles.role_required(roles.TEAM_LEAD)
@require_GET
def export_table(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    form = _form(request)
    if fmt not in ("csv", "ods") or table not in (*TABLE_KEYS, "all") or (table == "all" and fmt != "ods"):
        return HttpResponse(
            _("Diese Tabelle gibt es nicht."), status=404, content_type="text/plain; charset=utf-8"
        )
    if not form.is_valid():
        return HttpResponse(
            _("Bitte prüfen Sie Zeitraum, Standort und Anliegen."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    scope = form.scope()
    report = build_report(scope, with_today=table in ("today", "all"))
    chosen = [report.tables[key] for key in TABLE_KEYS if key in report.tables and table in (key, "all")]
    if fmt == "csv":
        response = HttpResponse(export.csv_text(chosen[0]), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            export.ods(chosen), content_type="application/vnd.oasis.opendocument.spreadsheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{export.filename(scope, table, fmt)}"'
    return response


@roles.role_required(roles.TEAM_LEAD)
@require_GET
def export_tickets(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    if not form.is_valid():
        return HttpResponse(
            _("Bitte prüfen Sie Zeitraum, Standort und Anliegen."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    scope = form.scope()
    response = StreamingHttpResponse(export.ticket_rows(scope), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{export.filename(scope, "wartenummern", "csv")}"'
    )
    return response
