"""The whole statistics of a scope: figure groups, tables and the today panel, in fixed queries."""

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from booking.models import Appointment
from kundenzentrum.models import Ticket
from messaging.models import CallListEntry
from sozialamt.models import Location, Service
from sozialamt.selectors import office_calendars

from . import capacity, definitions, queries
from .figures import (
    Figure,
    Table,
    bucket_totals,
    by_period,
    figure_pair,
    histograms,
    in_period,
    percentile,
    ratio,
    series_buckets,
    time_figures,
)
from .queries import CURRENT, PREVIOUS, Scope
from .today import FORECAST_LABELS, today_panel

MIN_GROUP = 5
WAIT_BINS = [(0, 4), (5, 9), (10, 14), (15, 19), (20, 29), (30, 44), (45, 59), (60, None)]
S = Ticket.Status
A = Appointment.Status


@dataclass
class Group:
    key: str
    title: str
    figures: list[Figure]

    def definitions(self) -> list[tuple[str, str]]:
        """(labels, definition) with figures that share a definition listed together."""
        found: dict[str, list[str]] = {}
        for figure in self.figures:
            found.setdefault(figure.definition, []).append(figure.label)
        return [(", ".join(labels), text) for text, labels in found.items()]


@dataclass
class Report:
    scope: Scope
    groups: list[Group]
    tables: dict[str, Table]
    today: dict


def build_report(scope: Scope, *, with_today: bool = True) -> Report:
    """Every figure of the page for the scope and the previous period. A fixed number of queries."""
    targets = dict(Service.objects.values_list("pk", "target_wait_minutes"))
    ticket_days = queries.ticket_days(scope)
    times = queries.ticket_times(scope)
    waits = [row for row in times if row["kind"] == queries.WAIT]
    handling = histograms(row for row in times if row["kind"] == queries.HANDLING)
    tickets_group = _tickets(scope, ticket_days, waits, handling, targets)
    appointment_days = queries.appointment_days(scope)
    groups = [
        tickets_group,
        _appointments(scope, appointment_days, times),
        _channels(scope, appointment_days),
    ]
    capacity_group, per_day = _capacity(scope)
    groups.append(capacity_group)
    tables = {group.key: _figure_table(group) for group in groups}
    tables["series"] = _series(scope, ticket_days, appointment_days, per_day)
    tables["waits"] = _wait_distribution(waits)
    tables["heat_map"] = _heat_map(queries.arrivals(scope))
    tables["counsellors"] = _counsellors(queries.counsellor_outcomes(scope))
    today = {}
    if with_today:
        today = today_panel(scope, percentile(handling[CURRENT], (1, 2)))
        tables["today"] = _today_table(today)
    return Report(scope=scope, groups=groups, tables=tables, today=today)


def _status_totals(ticket_days: list[dict], start: dt.date) -> dict[int, Counter]:
    found = {CURRENT: Counter(), PREVIOUS: Counter()}
    for row in ticket_days:
        found[in_period(row["day"], start)][row["status"]] += row["n"]
    return found


def _tickets(scope, ticket_days, waits, handling, targets) -> Group:
    totals = _status_totals(ticket_days, scope.start)
    count = {p: sum(c.values()) for p, c in totals.items()}
    open_ = {p: sum(c[s] for s in Ticket.OPEN) for p, c in totals.items()}
    closed = {p: count[p] - open_[p] for p in totals}
    wait_hists = {CURRENT: Counter(), PREVIOUS: Counter()}
    in_time = {CURRENT: 0, PREVIOUS: 0}
    for row in waits:
        wait_hists[row["period"]][row["minutes"]] += row["n"]
        if row["closed"] and row["minutes"] < targets.get(row["service"], 20):
            in_time[row["period"]] += row["n"]
    d = definitions.TICKETS
    return Group(
        "tickets",
        str(_("Wartenummern ohne Termin")),
        [
            figure_pair("issued", _("Ausgegeben"), "count", count, d["issued"]),
            figure_pair(
                "served", _("Erledigt"), "count", {p: c[S.SERVED] for p, c in totals.items()}, d["served"]
            ),
            figure_pair(
                "not_served",
                _("Nicht bedient"),
                "count",
                {p: c[S.NOT_SERVED] for p, c in totals.items()},
                d["not_served"],
            ),
            figure_pair(
                "no_show",
                _("Nicht erschienen"),
                "count",
                {p: c[S.NO_SHOW] for p, c in totals.items()},
                d["no_show"],
            ),
            figure_pair("open", _("Noch offen"), "count", open_, d["open"]),
            *time_figures("wait", _("Wartezeit bis zum Aufruf"), wait_hists, d["wait"]),
            *time_figures("handling", _("Bearbeitungszeit"), handling, d["handling"]),
            figure_pair(
                "service_level",
                _("Servicelevel"),
                "share",
                {p: ratio(in_time[p], closed[p]) for p in closed},
                d["service_level"],
            ),
        ],
    )


def _appointments(scope, appointment_days, times) -> Group:
    status = {CURRENT: Counter(), PREVIOUS: Counter()}
    for row in appointment_days:
        status[in_period(row["day"], scope.start)][row["status"]] += row["n"]
    changes = defaultdict(Counter)
    for row in queries.appointment_changes(scope):
        changes[row["period"]][row["change"]] += row["appointments"]
        changes[row["period"]]["moves"] += row["rows"] if row["change"] == "moved" else 0
    attended = {p: c[A.CHECKED_IN] + c[A.DONE] for p, c in status.items()}
    no_show = {p: c[A.NO_SHOW] for p, c in status.items()}
    lead = {CURRENT: Counter(), PREVIOUS: Counter()}
    for row in queries.lead_days(scope):
        lead[row["period"]][(row["day"] - row["booked_on"]).days] += row["n"]
    punctuality = histograms(row for row in times if row["kind"] == queries.PUNCTUALITY)
    d = definitions.APPOINTMENTS

    def change(key):
        return {p: changes[p][key] for p in (CURRENT, PREVIOUS)}

    return Group(
        "appointments",
        str(_("Termine")),
        [
            figure_pair(
                "booked", _("Gebucht"), "count", {p: sum(c.values()) for p, c in status.items()}, d["booked"]
            ),
            figure_pair(
                "cancelled_by_citizen",
                _("Abgesagt durch Bürgerin/Bürger"),
                "count",
                change("cancelled_by_citizen"),
                d["cancelled_by_citizen"],
            ),
            figure_pair(
                "cancelled_by_office",
                _("Abgesagt durch das Amt"),
                "count",
                change("cancelled_by_office"),
                d["cancelled_by_office"],
            ),
            figure_pair("moved", _("Verschobene Termine"), "count", change("moved"), d["moved"]),
            figure_pair("moves", _("Verschiebungen"), "count", change("moves"), d["moved"]),
            figure_pair("attended", _("Wahrgenommen"), "count", attended, d["attended"]),
            figure_pair("no_show", _("Nicht erschienen"), "count", no_show, d["no_show"]),
            figure_pair(
                "no_show_rate",
                _("Quote nicht erschienen"),
                "share",
                {p: ratio(no_show[p], no_show[p] + attended[p]) for p in no_show},
                d["no_show"],
            ),
            *[
                Figure(f.key, f.label, "days", f.current, f.previous, f.definition)
                for f in time_figures("lead", _("Vorlauf der Buchung"), lead, d["lead"])
            ],
            *time_figures("punctuality", _("Pünktlichkeit des Aufrufs"), punctuality, d["punctuality"]),
        ],
    )


def _channels(scope, appointment_days) -> Group:
    via = {CURRENT: Counter(), PREVIOUS: Counter()}
    reminder = {CURRENT: Counter(), PREVIOUS: Counter()}
    for row in appointment_days:
        period = in_period(row["day"], scope.start)
        via[period][row["channel"]] += row["n"]
        reminder[period][row["reminder"]] += row["n"]
    calls = {CURRENT: Counter(), PREVIOUS: Counter()}
    for row in queries.call_list_entries(scope):
        calls[row["period"]][row["reason"]] += row["n"]
    d = definitions.CHANNELS
    figures = [
        figure_pair(f"booked_{key}", label, "count", {p: c[key] for p, c in via.items()}, d["booked_via"])
        for key, label in (
            ("online", _("Online gebucht")),
            ("phone", _("Telefonisch gebucht")),
            ("counter", _("An der Theke gebucht")),
        )
    ]
    figures += [
        figure_pair(
            f"reminder_{choice}",
            _("Erinnerung %(way)s") % {"way": label},
            "count",
            {p: c[choice] for p, c in reminder.items()},
            d["reminder"],
        )
        for choice, label in Appointment.Reminder.choices
    ]
    figures.append(
        figure_pair(
            "letters_posted",
            _("Briefe zur Post gegeben"),
            "count",
            by_period(queries.letters_posted(scope)),
            d["letters"],
        )
    )
    figures.append(
        figure_pair(
            "released_holds",
            _("Online-Reservierungen ohne Bestätigung freigegeben"),
            "count",
            by_period(queries.released_holds(scope)),
            d["released_holds"],
        )
    )
    figures.append(
        figure_pair(
            "call_list",
            _("Anrufliste: Einträge"),
            "count",
            {p: sum(c.values()) for p, c in calls.items()},
            d["call_list"],
        )
    )
    figures += [
        figure_pair(
            f"call_list_{reason}", label, "count", {p: c[reason] for p, c in calls.items()}, d["call_list"]
        )
        for reason, label in CallListEntry.Reason.choices
    ]
    return Group("channels", str(_("Wege")), figures)


def _capacity(scope) -> tuple[Group, dict]:
    plans = capacity.counsellor_plans(scope)
    locations = [scope.location] if scope.location else list(Location.objects.all())
    calendars = office_calendars(locations, scope.previous_start, scope.end)
    available = capacity.available_minutes(plans, calendars, scope.previous_start, scope.end)
    booked = capacity.booked_by_day(scope, plans)
    open_days = {day for cal in calendars.values() for day in cal.open_days(scope.previous_start, scope.end)}
    sums = {p: Counter() for p in (CURRENT, PREVIOUS)}
    for day, minutes in available.items():
        period = in_period(day, scope.start)
        sums[period]["available"] += minutes
        sums[period]["booked"] += booked.get(day, 0)
        sums[period]["unused"] += max(0, minutes - booked.get(day, 0))
        sums[period]["open_days"] += day in open_days
    d = definitions.CAPACITY
    group = Group(
        "capacity",
        str(_("Auslastung der Beratung")),
        [
            figure_pair(
                "open_days",
                _("Öffnungstage"),
                "count",
                {p: s["open_days"] for p, s in sums.items()},
                d["open_days"],
            ),
            figure_pair(
                "available_hours",
                _("Verfügbare Stunden"),
                "hours",
                {p: _hours(s["available"]) for p, s in sums.items()},
                d["available"],
            ),
            figure_pair(
                "booked_hours",
                _("Gebuchte Stunden"),
                "hours",
                {p: _hours(s["booked"]) for p, s in sums.items()},
                d["booked"],
            ),
            figure_pair(
                "utilisation",
                _("Auslastung"),
                "share",
                {p: ratio(s["booked"], s["available"]) for p, s in sums.items()},
                d["utilisation"],
            ),
            figure_pair(
                "unused_hours",
                _("Ungenutzte freie Stunden"),
                "hours",
                {p: _hours(s["unused"]) for p, s in sums.items()},
                d["unused"],
            ),
        ],
    )
    return group, {"available": available, "booked": booked}


def _hours(minutes: int) -> float:
    """Hours to one decimal, halves rounded up (a tenth of an hour is 6 minutes)."""
    return math.floor(minutes / 6 + 0.5) / 10


def _figure_table(group: Group) -> Table:
    return Table(
        group.key,
        group.title,
        [str(_("Kennzahl")), str(_("Zeitraum")), str(_("Vorzeitraum"))],
        [[f.label, f.current, f.previous] for f in group.figures],
        row_units=[f.unit for f in group.figures],
    )


def _series(scope, ticket_days, appointment_days, per_day) -> Table:
    kind, buckets = series_buckets(scope.start, scope.end)
    issued, appointments = defaultdict(int), defaultdict(int)
    for row in ticket_days:
        issued[row["day"]] += row["n"]
    for row in appointment_days:
        if row["status"] != A.CANCELLED:
            appointments[row["day"]] += row["n"]
    columns = [
        bucket_totals(issued, buckets),
        bucket_totals(appointments, buckets),
        bucket_totals(per_day["booked"], buckets),
        bucket_totals(per_day["available"], buckets),
    ]
    rows = []
    for i, (first, last) in enumerate(buckets):
        label = first.isoformat() if kind == "day" else f"{first.isoformat()} – {last.isoformat()}"
        rows.append([label, columns[0][i], columns[1][i], ratio(columns[2][i], columns[3][i])])
    title = _("Verlauf je Tag") if kind == "day" else _("Verlauf je Woche")
    return Table(
        "series",
        str(title),
        [
            str(_("Tag")) if kind == "day" else str(_("Woche")),
            str(_("Wartenummern")),
            str(_("Termine")),
            str(_("Auslastung")),
        ],
        rows,
        ["text", "count", "count", "share"],
    )


def _wait_distribution(waits) -> Table:
    hist = histograms(waits)
    rows = []
    for low, high in WAIT_BINS:
        label = f"{low}–{high}" if high is not None else f"≥ {low}"
        rows.append(
            [label]
            + [
                sum(n for m, n in hist[p].items() if m >= low and (high is None or m <= high))
                for p in (CURRENT, PREVIOUS)
            ]
        )
    return Table(
        "waits",
        str(_("Wartezeit bis zum ersten Aufruf (Wartenummern ohne Termin)")),
        [str(_("Minuten")), str(_("Zeitraum")), str(_("Vorzeitraum"))],
        rows,
        ["text", "count", "count"],
    )


WEEKDAY_NAMES = [_("Mo"), _("Di"), _("Mi"), _("Do"), _("Fr"), _("Sa"), _("So")]


def _heat_map(arrivals) -> Table:
    counts = {(r["weekday"], r["hour"]): r["n"] for r in arrivals}
    hours = sorted({h for _, h in counts}) or list(range(8, 16))
    weekdays = sorted({w for w, _ in counts} | {1, 2, 3, 4, 5})
    rows = [[str(WEEKDAY_NAMES[w - 1])] + [counts.get((w, h), 0) for h in hours] for w in weekdays]
    return Table(
        "heat_map",
        str(_("Ankünfte ohne Termin nach Wochentag und Stunde")),
        [str(_("Wochentag"))] + [f"{h:02d}–{h + 1:02d}" for h in hours],
        rows,
        ["text"] + ["count"] * len(hours),
    )


def _counsellors(rows) -> Table:
    shown, others = [], {"total": 0, "attended": 0, "no_show": 0}
    for row in rows:
        if row["total"] >= MIN_GROUP:
            shown.append([row["counsellor__name"], row["total"], row["attended"], row["no_show"]])
        else:
            for key in others:
                others[key] += row[key]
    if others["total"] >= MIN_GROUP:
        shown.append(
            [str(_("Weitere (je unter 5 Termine)")), others["total"], others["attended"], others["no_show"]]
        )
    for row in shown:
        row.append(ratio(row[3], row[2] + row[3]))
    return Table(
        "counsellors",
        str(_("Termine je Beraterin oder Berater")),
        [
            str(_("Beratung durch")),
            str(_("Termine")),
            str(_("Wahrgenommen")),
            str(_("Nicht erschienen")),
            str(_("Quote nicht erschienen")),
        ],
        shown,
        ["text", "count", "count", "count", "share"],
    )


def _today_table(today: dict) -> Table:
    return Table(
        "today",
        str(_("Heute")),
        [
            str(_("Standort")),
            str(_("Jetzt wartend")),
            str(_("Längste Wartezeit (Minuten)")),
            str(_("Besetzte Schalter")),
            str(_("Bis Schließung schaffbar")),
        ],
        [
            [t.location, t.waiting, t.longest_wait, t.desks_staffed, str(FORECAST_LABELS[t.forecast])]
            for t in today["locations"]
        ],
        ["text", "count", "minutes", "count", "text"],
    )
