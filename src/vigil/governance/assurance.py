"""Information-governance figures for assurance: MoPI retention reviews overdue, due soon and done, by the team
holding each record (domain-rules §6)."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from django.core.cache import cache

from vigil.assurance.catalogue import GOVERNANCE
from vigil.assurance.indicators import Indicator, register, shared
from vigil.governance import retention
from vigil.governance.models import RetentionReview

# Where every record stands for retention takes a second or more at force scale, and moves by the day: the counts
# are kept for a few minutes (per server process) rather than recounted on every view of the dashboard.
FRESH_FOR_S = 600
NOTE = "counted at most 10 minutes ago"


def _due_by_team(as_of: dt.date, overdue: bool) -> dict[int | None, float]:
    from vigil.core import policy

    pol = policy.current()
    key = f"vigil:retention-due:{as_of.isoformat()}:{pol.version}"
    counts = cache.get(key)
    if counts is None:
        late, soon = Counter(), Counter()
        for s in shared(("retention standings", as_of, pol.version), lambda: retention.standings(as_of, pol)).values():
            due = s.due_on(pol)
            if due is None or due < as_of:
                late[s.team_id] += 1
            elif due <= as_of + dt.timedelta(days=30):
                soon[s.team_id] += 1
        counts = (dict(late), dict(soon))
        cache.set(key, counts, FRESH_FOR_S)
    return counts[0] if overdue else counts[1]


def reviews_overdue(as_of: dt.date) -> dict[int | None, float]:
    return _due_by_team(as_of, True)


def reviews_due_soon(as_of: dt.date) -> dict[int | None, float]:
    return _due_by_team(as_of, False)


def reviews_done(as_of: dt.date) -> dict[int | None, float]:
    """Reviews recorded in the year to the date, by the team holding the record reviewed."""
    return dict(Counter(RetentionReview.objects.filter(reviewed_on__gt=as_of - dt.timedelta(days=365),
                                                       reviewed_on__lte=as_of)
                        .values_list("person__team_id", flat=True)))


register(Indicator("retention_overdue", "MoPI retention reviews overdue", GOVERNANCE, reviews_overdue, order=80,
                   trend=False, note=NOTE))
register(Indicator("retention_due_soon", "MoPI retention reviews due within 30 days", GOVERNANCE, reviews_due_soon,
                   order=81, trend=False, note=NOTE))
register(Indicator("retention_done", "MoPI retention reviews recorded in the last year", GOVERNANCE, reviews_done,
                   order=82, trend=False))
