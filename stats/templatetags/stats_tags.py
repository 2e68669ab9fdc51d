"""Formatting of the statistics' values: numbers, minutes, shares (German or English)."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def stat(value, unit: str) -> str:
    """A value as the page shows it; a dash when there is none."""
    if value is None or value == "":
        return "–"
    if unit == "text":
        return str(value)
    if unit == "share":
        return number_format(value * 100, decimal_pos=1) + " %"
    if unit == "minutes":
        return _("%(n)s Min.") % {"n": number_format(value)}
    if unit == "days":
        return _("%(n)s Tage") % {"n": number_format(value)}
    if unit == "hours":
        return _("%(n)s Std.") % {"n": number_format(value, decimal_pos=1)}
    return number_format(value, force_grouping=True)


@register.filter
def display_rows(table) -> list[list[str]]:
    """The table's rows with every cell formatted for its unit."""
    return [
        [stat(value, table.unit(r, c)) for c, value in enumerate(row)] for r, row in enumerate(table.rows)
    ]


@register.filter
def get(mapping: dict, key: str):
    """mapping[key] in a template."""
    return mapping[key]
