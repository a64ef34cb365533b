"""``{{ value|plain }}``: a code, or a sentence with codes and ISO dates in it, as a person reads it
(``web/words.plain``: alert codes from the one catalogue, enums from their choices);
``{% record_url type ref as url %}``: where the record opens for the person looking, '' if nowhere
(``web/names.record_url``).
Builtins: every template can use them without ``{% load %}``."""
from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

from vigil.web import words
from vigil.web.names import record_url as _record_url

register = template.Library()


@register.filter
def plain(value, names=None) -> str:
    """``{{ reason|plain }}``, or ``{{ reason|plain:names }}`` to put names beside the references in it."""
    if isinstance(value, SafeData):  # already escaped (after |join): escape only what is put in
        return mark_safe(words.plain(value, put=escape, names=names))  # noqa: S308 - input safe, additions escaped
    return words.plain(value, names=names)


@register.filter
def name_of(names, ref) -> str:
    """``{{ names|name_of:ref }}``: how a page names a record (``log_shown(..., names=True)``), '' if unnamed."""
    return (names or {}).get(str(ref), "")


@register.simple_tag(takes_context=True)
def record_url(context, record_type: str, ref) -> str:
    return _record_url(record_type, str(ref), viewer=context.get("user"))
