"""``{{ alert.code|alert_label }}``: an alert code in plain English, from the one catalogue of alert codes;
``{{ alert.entity_type|record_url:alert.entity_id }}``: where the record opens (``web/names.record_url``).
Builtins: every template can use them without ``{% load %}``."""
from __future__ import annotations

from django import template

from vigil.sweep import catalogue
from vigil.web.names import record_url as _record_url

register = template.Library()


@register.filter
def alert_label(code: str) -> str:
    return catalogue.label(code)


@register.filter
def record_url(record_type: str, ref) -> str:
    return _record_url(record_type, str(ref))
