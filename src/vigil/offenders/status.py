"""Where each subject stands on a date (visit due, overdue, review due, concerns), for pages, the API and the planner.

The same facts (``offenders.facts.SubjectFacts``) and the same judgement (``offenders.rules.judgement.judge``) as
the sweep: a subject's concerns and their severities are the sweep's, never derived here.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from vigil.core import policy
from vigil.offenders.facts import SubjectFacts
from vigil.offenders.rules import reviews, visits
from vigil.offenders.rules.judgement import Concern, judge


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
    concerns: tuple[Concern, ...]      # as the sweep finds them (escalation workflow aside)

    @property
    def critical(self) -> bool:
        return bool(self.overdue and self.overdue.critical)

    @property
    def alerts(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """(code, severity, reasons) of each concern."""
        return tuple((c.code, c.severity, c.reasons) for c in self.concerns)


def statuses(subjects, as_of: dt.date, pol: Mapping | None = None) -> dict[int, SubjectStatus]:
    """``subjects``: a Subject queryset (already restricted for the actor). A fixed number of queries."""
    pol = dict(pol or policy.current())
    f = SubjectFacts.load(as_of, pol, subjects=subjects)
    out = {}
    for row in f.subjects:
        j = judge(row, f, pol, as_of)
        success = f.last_success.get(row.pk)
        routine = (row.kind == "registered_offender" and j.mode != "reactive"
                   and j.mode not in pol["visits.paused_modes"])
        due = visits.due_date(pol, level=j.level, managed_from=row.managed_from, last_success=success,
                              spans=j.spans) if routine else None
        overdue = visits.overdue_visit(pol, as_of=as_of, level=j.level, assessed=j.assessed,
                                       managed_from=row.managed_from, last_success=success,
                                       spans=j.spans) if routine else None
        review = reviews.review_due(pol, managed_from=row.managed_from, last=f.levels.get(row.pk),
                                    triggers=j.triggers, as_of=as_of)
        out[row.pk] = SubjectStatus(
            row.pk, row.ref, j.level, j.assessed, j.mode, success, due, overdue,
            visits.counted_days(j.spans, success, as_of) if success else None, review.due,
            tuple(visits.attempts_since(f.attempts.get(row.pk, ()), pol["visits.failed_outcomes"], success, as_of)),
            tuple(j.concerns))
    return out
