"""SVG chart geometry, computed on the server from a table (the template draws it).

Colours: Okabe–Ito (distinguishable with every common colour-vision deficiency and in grey
print: the blue is much darker than the orange); the heat map is a single-hue blue ramp with
the number written in every cell, so that no value depends on colour alone."""

from django.utils.translation import gettext as _

from .figures import Table

CURRENT_COLOUR, PREVIOUS_COLOUR = "#0072B2", "#E69F00"
RAMP = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 260, 48, 40, 12


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    step = 1
    while step * 10 < value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if value <= step * factor:
            return step * factor
    return step * 10  # pragma: no cover


def bar_chart(table: Table, columns: list[int], *, key: str, title: str) -> dict:
    """Grouped vertical bars: one group per table row, one bar per chosen column (counts)."""
    colours = [CURRENT_COLOUR, PREVIOUS_COLOUR]
    values = [[row[c] or 0 for c in columns] for row in table.rows]
    top = _nice_max(max((v for group in values for v in group), default=0))
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    group_w = plot_w / max(1, len(values))
    bar_w = max(group_w * 0.8 / len(columns), 0.5)
    bars, labels = [], []
    every = max(1, len(values) // 12)
    for i, group in enumerate(values):
        x0 = LEFT + i * group_w + group_w * 0.1
        for j, value in enumerate(group):
            h = plot_h * value / top
            bars.append(
                {
                    "x": round(x0 + j * bar_w, 2),
                    "y": round(TOP + plot_h - h, 2),
                    "w": round(bar_w, 2),
                    "h": round(h, 2),
                    "fill": colours[j],
                }
            )
        if i % every == 0:
            labels.append({"x": round(LEFT + (i + 0.5) * group_w, 2), "text": str(table.rows[i][0])[:10]})
    ticks = [{"y": round(TOP + plot_h - plot_h * f, 2), "text": str(round(top * f))} for f in (0, 0.5, 1)]
    legend = [
        {"text": table.columns[c], "fill": colours[j], "x": LEFT + j * 180} for j, c in enumerate(columns)
    ]
    peak = max(range(len(values)), key=lambda i: values[i][0], default=None)
    description = _(
        "Balkendiagramm „%(title)s“ mit %(n)s Gruppen; die Zahlen stehen in der Tabelle darunter."
    ) % {
        "title": title,
        "n": len(values),
    }
    if peak is not None and values[peak][0]:
        description += " " + _("Höchster Wert im Zeitraum: %(label)s.") % {"label": table.rows[peak][0]}
    return {
        "key": key,
        "title": title,
        "description": description,
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "labels": labels,
        "ticks": ticks,
        "legend": legend,
        "axis_y": HEIGHT - BOTTOM,
        "left": LEFT,
        "right": WIDTH - 8,
        "label_y": HEIGHT - BOTTOM + 16,
        "legend_y": HEIGHT - 8,
    }


def heat_map(table: Table, *, title: str) -> dict:
    """A weekday × hour grid; darker = more arrivals, each cell labelled with its number."""
    values = [v for row in table.rows for v in row[1:]]
    top = max(values, default=0)
    cell_w, cell_h, left, top_margin = 52, 30, 40, 24
    cells = []
    for r, row in enumerate(table.rows):
        for c, value in enumerate(row[1:]):
            step = 0 if not top else min(len(RAMP) - 1, value * len(RAMP) // (top + 1))
            cells.append(
                {
                    "x": left + c * cell_w,
                    "y": top_margin + r * cell_h,
                    "w": cell_w - 2,
                    "h": cell_h - 2,
                    "fill": RAMP[step],
                    "text": value,
                    "dark": step >= 3,
                    "tx": left + c * cell_w + (cell_w - 2) / 2,
                    "ty": top_margin + r * cell_h + cell_h / 2 + 4,
                }
            )
    return {
        "key": "heat_map",
        "title": title,
        "description": _(
            "Raster: Zeilen sind Wochentage, Spalten Stunden; je dunkler, desto mehr Ankünfte. Jede Zelle nennt ihre Zahl; dieselben Zahlen stehen in der Tabelle darunter."
        ),
        "width": left + cell_w * max(1, len(table.columns) - 1) + 4,
        "height": top_margin + cell_h * len(table.rows) + 4,
        "cells": cells,
        "rows": [
            {"text": row[0], "y": top_margin + r * cell_h + cell_h / 2 + 4}
            for r, row in enumerate(table.rows)
        ],
        "columns": [
            {"text": col[:2], "x": left + c * cell_w + cell_w / 2} for c, col in enumerate(table.columns[1:])
        ],
    }
