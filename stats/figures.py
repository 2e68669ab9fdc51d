"""Figures and tables of the statistics: pure arithmetic on the queries' compact results."""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .queries import CURRENT, PREVIOUS

Histogram = Counter  # whole minutes -> number of tickets or appointments


def percentile(histogram: Histogram, share: tuple[int, int]) -> int | None:
    """The nearest-rank percentile (share = numerator, denominator): the smallest value that
    at least that share of the values do not exceed. None without values."""
    total = sum(histogram.values())
    if not total:
        return None
    numerator, denominator = share
    rank = -(-numerator * total // denominator)  # ceiling, in integers
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return None  # pragma: no cover - rank <= total always stops the loop


MEDIAN, P90 = (1, 2), (9, 10)


def ratio(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide."""
    return part / whole if whole else None


@dataclass
class Figure:
    """One figure for the current and the previous period, with its written definition."""

    key: str
    label: str
    unit: str  # count | minutes | days | share | hours
    current: float | int | None
    previous: float | int | None
    definition: str


@dataclass
class Table:
    """A table of the page (and of the exports and the API): header and rows of plain values."""

    key: str
    title: str
    columns: list[str]
    rows: list[list]
    units: list[str] = field(default_factory=list)  # per column: text | count | minutes | share ...
    row_units: list[str] = field(default_factory=list)  # per row instead (a table of figures)

    def unit(self, row: int, column: int) -> str:
        """How a cell's value is to be read."""
        if column == 0:
            return "text"
        return self.row_units[row] if self.row_units else self.units[column]


def by_period(rows: Iterable[dict], key: str = "n") -> dict[int, int]:
    """Sums `key` of rows per period."""
    found = {CURRENT: 0, PREVIOUS: 0}
    for row in rows:
        found[row["period"]] += row[key]
    return found


def histograms(rows: Iterable[dict]) -> dict[int, Histogram]:
    """Per period: the histogram of `minutes`."""
    found = {CURRENT: Counter(), PREVIOUS: Counter()}
    for row in rows:
        found[row["period"]][row["minutes"]] += row["n"]
    return found


def figure_pair(key, label, unit, values: dict[int, object], definition) -> Figure:
    return Figure(key, str(label), unit, values[CURRENT], values[PREVIOUS], str(definition))


def time_figures(prefix: str, label, hists: dict[int, Histogram], definition) -> list[Figure]:
    """Median and 90th percentile of a histogram per period."""
    return [
        figure_pair(
            f"{prefix}_median",
            _("%(what)s: Median") % {"what": label},
            "minutes",
            {p: percentile(h, MEDIAN) for p, h in hists.items()},
            definition,
        ),
        figure_pair(
            f"{prefix}_p90",
            _("%(what)s: 90. Perzentil") % {"what": label},
            "minutes",
            {p: percentile(h, P90) for p, h in hists.items()},
            definition,
        ),
    ]


def in_period(day: dt.date, start: dt.date) -> int:
    return CURRENT if day >= start else PREVIOUS


def series_buckets(start: dt.date, end: dt.date) -> tuple[str, list[tuple[dt.date, dt.date]]]:
    """The rows of a time series: days for up to nine weeks, otherwise ISO weeks."""
    days = (end - start).days + 1
    if days <= 63:
        return "day", [(start + dt.timedelta(n), start + dt.timedelta(n)) for n in range(days)]
    buckets, first = [], start
    while first <= end:
        last = min(end, first + dt.timedelta(days=6 - first.weekday()))
        buckets.append((first, last))
        first = last + dt.timedelta(days=1)
    return "week", buckets


def bucket_totals(per_day: dict[dt.date, int], buckets: list[tuple[dt.date, dt.date]]) -> list[int]:
    """Sums of a per-day figure over each bucket."""
    return [sum(v for d, v in per_day.items() if first <= d <= last) for first, last in buckets]
