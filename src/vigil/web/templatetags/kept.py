"""``{% kept_answers %}``: the answers a person typed before their session ended (``web/kept.py``), listed above
the form and handed to ``vigil.js`` to put back in it. Builtin: every template can use it."""
from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from vigil.web import kept

register = template.Library()


@register.simple_tag(takes_context=True)
def kept_answers(context) -> str:
    request = context.get("request")
    answers = kept.take(request) if request is not None else None
    if not answers:
        return ""
    shown = [(name.replace("_", " ").capitalize(), ", ".join(values)) for name, values in answers.items()
             if name not in ("idempotency_key", "submission_key", "seen")]
    return render_to_string("web/kept_answers.html", {"answers": answers, "shown": shown})
