"""Professional-standards figures for assurance: officers restricted, against force strength (§4, §5)."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from vigil.accounts.models import Officer
from vigil.assurance.catalogue import STANDARDS
from vigil.assurance.indicators import Indicator, register
from vigil.standards.restrictions import active_restrictions


def officers_restricted(as_of: dt.date) -> dict[int | None, float]:
    restricted = active_restrictions(as_of)
    if not restricted:
        return {}
    return dict(Counter(Officer.objects.filter(pk__in=list(restricted)).values_list("team_id", flat=True)))


def force_strength(as_of: dt.date) -> dict[int | None, float]:
    """Serving officers (police staff are not counted), by team."""
    return dict(Counter(Officer.objects.filter(active=True, joined__lte=as_of).exclude(rank="staff")
                        .values_list("team_id", flat=True)))


register(Indicator("officers_restricted", "Officers restricted by an open domestic-abuse, VAWG or sexual-misconduct "
                   "case", STANDARDS, officers_restricted, order=70, trend=False))
register(Indicator("force_strength", "Serving officers (strength, for the restricted share)", STANDARDS,
                   force_strength, order=71, trend=False))
