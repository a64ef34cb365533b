"""What every missing-children page needs: the moment the page is judged at, and an episode opened safely."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from vigil.core import clock
from vigil.core.errors import InputError
from vigil.missing.deadlines import FORCE_TZ, end_of_day, local_date
from vigil.missing.selectors import open_episode
from vigil.people.selectors import open_person
from vigil.web.asof import as_of


def moment(request) -> dt.datetime:
    return moment_for(as_of(request))


def moment_for(day: dt.date) -> dt.datetime:
    """The instant a page's timers are judged at: now, when the page is viewed as of today; the current time of
    day on a pinned today (``VIGIL_TODAY``, the demo); the end of the day when viewed as of another date."""
    now = clock.now()
    if local_date(now) == day:
        return now
    if day == clock.today():
        return dt.datetime.combine(day, now.astimezone(FORCE_TZ).time(), tzinfo=FORCE_TZ)
    return end_of_day(day)


def not_found(request, what: str):
    return render(request, "web/error.html", {"title": "Not found", "message": what}, status=404)


def refused(request, message: str):
    return render(request, "web/error.html", {"title": "Access refused", "message": message}, status=403)


def opened_or_response(request, record, decision, *, kind: str, ref: str):
    """(record, None) if the officer may open it; otherwise (None, the response: not found, break-glass first,
    or refused)."""
    if record is None:
        return None, not_found(request, f"No {kind.replace('_', ' ')} {ref}.")
    if not decision.allowed:
        if decision.needs_break_glass:
            return None, redirect(reverse("people:break_glass") + f"?type={kind}&id={ref}")
        return None, refused(request, decision.refused_reason)
    return record, None


def episode_or_response(request, ref: str):
    return opened_or_response(request, *open_episode(actor=request.user, ref=ref), kind="episode", ref=ref)


def child_or_response(request, ref: str):
    return opened_or_response(request, *open_person(actor=request.user, ref=ref), kind="person", ref=ref)


def submitted(request, form, write, *, success, then, field: str | None = None):
    """For a valid POST, run ``write(cleaned_data)``: a redirect to ``then`` with the success message (a text, or a
    function of what ``write`` returned), or None with a service's refusal shown next to its field."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = write(form.cleaned_data)
    except InputError as exc:
        input_error(form, exc, field)
        return None
    messages.success(request, success(result) if callable(success) else success)
    target = then(result) if callable(then) else then
    return redirect(*target) if isinstance(target, tuple) else redirect(target)


def input_error(form, exc, field: str | None = None) -> None:
    """Show a service's one-line refusal next to the field it names (or at the top of the form)."""
    text = str(exc)
    name = text.split(":", 1)[0].strip().replace(" ", "_") if ":" in text else ""
    target = field or next((f for f in form.fields if f == name or form.fields[f].label.lower() == name.replace(
        "_", " ")), None)
    form.add_error(target, text.split(":", 1)[1].strip() if target and ":" in text else text)
