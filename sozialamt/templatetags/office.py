"""Template helpers for the office's own texts and the citizen's language."""

from django import template
from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.utils import translation
from django.utils.html import format_html
from modeltranslation.utils import build_localized_fieldname

register = template.Library()


def shown_language(obj, field: str) -> str:
    """The language the object's field is shown in: the current one, or German as fallback."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    own = getattr(obj, build_localized_fieldname(field, current.split("-")[0]), None)
    return current if own else settings.LANGUAGE_CODE


@register.simple_tag
def content_lang(obj, field: str) -> str:
    """` lang="de"` when the text falls back to German on a page in another language (WCAG 3.1.2)."""
    language = shown_language(obj, field)
    current = translation.get_language() or settings.LANGUAGE_CODE
    if language == current:
        return ""
    return format_html(' lang="{}" dir="ltr"', language)


@register.filter
def phone_href(number: str) -> str:
    """A tel: URI for a German office number such as "0251 492-0" (+49 251 4920)."""
    digits = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+49" + digits[1:]
    return f"tel:{digits}"


@register.filter
def error_anchor(field) -> str:
    """The id of the input an error summary links to (a radio group's first button)."""
    if getattr(field.field.widget, "allow_multiple_selected", False) or field.widget_type in (
        "radioselect",
        "checkboxselectmultiple",
    ):
        return f"{field.auto_id}_0"
    return field.auto_id


@register.filter
def long_date(value) -> str:
    """Weekday and date as the current language writes them ("Montag, 7. Dezember 2026")."""
    if not value:
        return ""
    return f"{date_filter(value, 'l')}{_comma()}{date_filter(value, 'DATE_FORMAT')}"


@register.filter
def long_day(value) -> str:
    """Weekday, day and month as the current language writes them ("Montag, 7. Dezember")."""
    if not value:
        return ""
    return f"{date_filter(value, 'l')}{_comma()}{date_filter(value, 'MONTH_DAY_FORMAT')}"


def _comma() -> str:
    # Arabic script has its own comma.
    return "، " if translation.get_language_bidi() else ", "
