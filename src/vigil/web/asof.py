"""Every page can be viewed "as of" a date: ``?as_of=YYYY-MM-DD`` (kept in the session) or today."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages

from vigil.core import clock
from vigil.core.errors import InputError


def as_of(request) -> dt.date:
    """The page's as-of date. A bad or out-of-range ``?as_of`` is ignored with a one-line message and never
    kept, and a stored date that has gone out of range is dropped: one crafted link cannot break a page."""
    raw = request.GET.get("as_of")
    session = getattr(request, "session", None)
    if raw is not None:
        if raw == "":
            if session is not None:
                session.pop("vigil_as_of", None)
        else:
            try:
                day = clock.parse_as_of(raw[:32], "The as-of date")
            except InputError as exc:
                if not getattr(request, "_vigil_as_of_warned", False):  # once, however many panels ask
                    request._vigil_as_of_warned = True
                    messages.error(request, f"{exc}; showing today instead.")
            else:
                if session is not None:
                    session["vigil_as_of"] = day.isoformat()
                else:
                    return day
    stored = session.get("vigil_as_of") if session is not None else None
    if stored:
        try:
            return clock.parse_as_of(stored)
        except InputError:
            session.pop("vigil_as_of", None)
    return clock.today()
