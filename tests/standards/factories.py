"""Builders for professional-standards records (the authorization matrix uses ``open_case`` for its
"restricted" officer)."""
from __future__ import annotations

import datetime as dt

from vigil.standards.models import OfficerCase

_counter = {"case": 0}


def open_case(officer, category: str = "domestic_abuse", opened: dt.date = dt.date(2024, 1, 10), *,
              closed: dt.date | None = None, ref: str | None = None, summary: str = "") -> OfficerCase:
    """An officer case (open unless ``closed`` is given)."""
    _counter["case"] += 1
    return OfficerCase.objects.create(ref=ref or f"PS{_counter['case']:04d}", officer=officer, category=category,
                                      opened=opened, closed=closed, summary=summary)
