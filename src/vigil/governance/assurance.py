"""Information-governance figures for assurance: MoPI retention reviews overdue, due soon and done, by the team
holding each record (domain-rules §6)."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from vigil.assurance.catalogue import GOVERNANCE
from vigil.assurance.indicators import Indicator, register, shared
from vigil.governance import retention
from vigil.governance.models import RetentionReview


def _due_by_team(as_of: dt.date, overdue: bool) -> dict[int | None, float]:
    from vigil.core import policy

    pol = policy.current()
    out: Counter = Counter()
    for s in shared(("retention standings", as_of, pol.version),
                    lambda: retention.standings(as_of, pol)).values():
        due = s.due_on(pol)
        late = due is None or due < as_of
        soon = due is not None and as_of <= due <= as_of + dt.timedelta(days=30)
        if late if overdue else soon:
            out[s.team_id] += 1
    return dict(out)


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
                   trend=False))
register(Indicator("retention_due_soon", "MoPI retention reviews due within 30 days", GOVERNANCE, reviews_due_soon,
                   order=81, trend=False))
register(Indicator("retention_done", "MoPI retention reviews recorded in the last year", GOVERNANCE, reviews_done,
                   order=82, trend=False))
