"""``{{ alert.code|alert_label }}``: an alert code in plain English, from the one catalogue of alert codes.
A builtin: every template can use it without ``{% load %}``."""
from __future__ import annotations

from django import template

from vigil.sweep import catalogue

register = template.Library()


@register.filter
def alert_label(code: str) -> str:
    return catalogue.label(code)
