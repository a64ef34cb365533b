"""What every missing-children page needs: the moment the page is judged at, and an episode opened safely."""
from __future__ import annotations

import datetime as dt

from django.shortcuts import redirect, render
from django.urls import reverse

from vigil.core import clock
from vigil.missing.deadlines import end_of_day
from vigil.missing.selectors import open_episode
from vigil.web.asof import as_of


def moment(request) -> dt.datetime:
    """Now, when the page is viewed as of today (or later); the end of that day when viewed as of an earlier one."""
    day = as_of(request)
    return clock.now() if day >= clock.today() else end_of_day(day)


def not_found(request, what: str):
    return render(request, "web/error.html", {"title": "Not found", "message": what}, status=404)


def refused(request, message: str):
    return render(request, "web/error.html", {"title": "Access refused", "message": message}, status=403)


def episode_or_response(request, ref: str):
    """(episode, None) if the officer may open it; otherwise (None, the response to send)."""
    ep, decision = open_episode(actor=request.user, ref=ref)
    if ep is None:
        return None, not_found(request, f"No missing episode {ref}.")
    if not decision.allowed:
        if decision.needs_break_glass:
            return None, redirect(reverse("people:break_glass") + f"?type=episode&id={ref}")
        return None, refused(request, decision.refused_reason)
    return ep, None


def input_error(form, exc, field: str | None = None) -> None:
    """Show a service's one-line refusal next to the field it names (or at the top of the form)."""
    text = str(exc)
    name = text.split(":", 1)[0].strip().replace(" ", "_") if ":" in text else ""
    target = field or next((f for f in form.fields if f == name or form.fields[f].label.lower() == name.replace(
        "_", " ")), None)
    form.add_error(target, text.split(":", 1)[1].strip() if target and ":" in text else text)
