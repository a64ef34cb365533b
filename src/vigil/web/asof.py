"""Every page can be viewed "as of" a date: ``?as_of=YYYY-MM-DD`` (kept in the session) or today."""
from __future__ import annotations

import contextlib
import datetime as dt

from vigil.core import clock


def as_of(request) -> dt.date:
    raw = request.GET.get("as_of")
    if raw is not None:
        if raw == "":
            request.session.pop("vigil_as_of", None)
        else:
            with contextlib.suppress(ValueError):
                request.session["vigil_as_of"] = dt.date.fromisoformat(raw).isoformat()
    stored = request.session.get("vigil_as_of") if hasattr(request, "session") else None
    return dt.date.fromisoformat(stored) if stored else clock.today()
