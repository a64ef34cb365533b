"""What every form page needs: a write run for a valid POST with its one-line refusal shown next to the field it
names, and the plain answers for a record that is not there or not open to the person."""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from vigil.core.errors import InputError


def not_found(request, what: str):
    return render(request, "web/error.html", {"title": "Not found", "message": what}, status=404)


def refused(request, message: str):
    return render(request, "web/error.html", {"title": "Access refused", "message": message}, status=403)


def opened(request, found, *, kind: str, ref: str):
    """What a page does with ``core.scope.open_record``'s answer: (record, None) when the person may open it;
    otherwise (None, the response): not found, break-glass first (outside their work), or refused."""
    record, decision = found
    if record is None:
        return None, not_found(request, f"No {kind.replace('_', ' ')} {ref}.")
    if not decision.allowed:
        if decision.needs_break_glass:  # for the record whose scope decided (an escalation's subject)
            kind, ref = decision.under if decision.under[0] else (kind, ref)
            return None, redirect(reverse("people:break_glass") + "?" + urlencode({"type": kind, "id": ref}))
        return None, refused(request, decision.refused_reason)
    return record, None


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
    """Show a service's one-line refusal next to the field it belongs to: the one the view names, the one the
    error carries (``InputError(..., field=)``), or the one its text names ("reason: ..."); else at the top of
    the form. A "name: " prefix that names the field is not repeated beside it."""
    text = str(exc)
    name = text.split(":", 1)[0].strip().replace(" ", "_") if ":" in text else ""
    carried = getattr(exc, "field", None)
    target = field or (carried if carried in form.fields else None) or next(
        (f for f in form.fields if f == name or form.fields[f].label.lower() == name.replace("_", " ")), None)
    named = target and ":" in text and (name == target or form.fields[target].label.lower() == name.replace("_", " "))
    form.add_error(target, text.split(":", 1)[1].strip() if named else text)
