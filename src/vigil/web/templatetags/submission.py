"""``{% submission_key %}``: a one-time key in every POST form, so a form submitted twice is done once
(``core.submissions``). A builtin: every template can use it without ``{% load %}``."""
from __future__ import annotations

import uuid

from django import template
from django.utils.html import format_html

from vigil.core.submissions import FIELD

register = template.Library()


@register.simple_tag
def submission_key() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4().hex)
