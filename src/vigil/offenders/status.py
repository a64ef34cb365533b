"""Where each subject stands on a date (visit due, overdue, review due), for pages and the planner.

The same facts and rules as the sweep (``SweepFacts`` and ``rules``), for a scoped set of subjects.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from vigil.core import policy
from vigil.offenders.rules import reviews, visits
from vigil.offenders.sweep import SweepFacts, judge


@dataclass(frozen=True)
class SubjectStatus:
    pk: int
    ref: str
    level: str
    assessed: bool
    mode: str
    last_success: dt.date | None
    visit_due: dt.date | None          # None: no routine visit (reactive, paused, suspect)
    overdue: visits.Overdue | None
    days_since_success: int | None
    review_due: dt.date
    failed_attempts: tuple[tuple[dt.date, str], ...]
    alerts: tuple[tuple[str, str, tuple[str, ...]], ...]  # (code, severity, reasons) as the sweep would find

    @property
    def critical(self) -> bool:
        return bool(self.overdue and self.overdue.critical)


def statuses(subjects, as_of: dt.date, pol: Mapping | None = None) -> dict[int, SubjectStatus]:
    """``subjects``: a Subject queryset (already restricted for the actor). A fixed number of queries."""
    pol = dict(pol or policy.current())
    f = SweepFacts.load(as_of, pol, subjects=subjects)
    out = {}
    for row in f.subjects:
        periods = f.periods.get(row.pk, ())
        mode = visits.mode_on(periods, as_of) if periods else "active"
        spans = visits.merge_spans((s, e) for m, s, e in periods if m in pol["visits.paused_modes"])
        last = f.levels.get(row.pk)
        level, assessed = (last[1], True) if last else (pol["visits.unassessed_level"], False)
        success = f.last_success.get(row.pk)
        routine = (row.kind == "registered_offender" and mode != "reactive"
                   and mode not in pol["visits.paused_modes"])
        due = visits.due_date(pol, level=level, managed_from=row.managed_from, last_success=success,
                              spans=spans) if routine else None
        overdue = visits.overdue_visit(pol, as_of=as_of, level=level, assessed=assessed,
                                       managed_from=row.managed_from, last_success=success,
                                       spans=spans) if routine else None
        j = judge(row, f, pol, as_of)
        trig = list(f.triggers.get(row.pk, ()))
        if "S96B_WARRANT_CONSIDERATION" in j.conditions:
            trig.append((j.conditions["S96B_WARRANT_CONSIDERATION"].since, "two_failed_visits"))
        review = reviews.review_due(pol, managed_from=row.managed_from, last=last, triggers=trig, as_of=as_of)
        alerts = [(code, sev, reasons) for code, sev, _, reasons in j.findings]
        alerts += [(kind, "critical", c.reasons) for kind, c in j.conditions.items() if kind != "VISIT_OVERDUE"]
        out[row.pk] = SubjectStatus(
            row.pk, row.ref, level, assessed, mode, success, due, overdue,
            visits.counted_days(spans, success, as_of) if success else None, review.due,
            tuple(visits.attempts_since(f.attempts.get(row.pk, ()), pol["visits.failed_outcomes"], success, as_of)),
            tuple(alerts))
    return out
