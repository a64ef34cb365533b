"""The one judgement of a subject (domain-rules §1): every condition the rules find on a date, with its severity,
the rule that says who owns it, and reasons a person can check.

The sweep (``offenders/sweep.py``), the subject page and the API (``offenders/status.py``), the visit planner and
"My work" all read a subject's conditions from ``judge``; nothing else decides an offender alert's severity. The
facts come from ``offenders/facts.py`` (``SubjectFacts``), every one dated by when it happened, so the same facts
give the same judgement for a date however and whenever they arrived. Escalation workflow (deadlines missed,
``ESCALATION_DECISION_OVERDUE``) and the team-level ``ANNOUNCED_VISITS_HIGH`` are judged in the sweep from the
escalations and the team's visits, because they are not about one subject's facts.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vigil.offenders.rules import notification, reviews, suspects, visits

if TYPE_CHECKING:
    from vigil.offenders.facts import SubjectFacts, SubjectRow

HIGH = visits.HIGH_LEVELS

# Owner rules: who must act on a condition.
MANAGER = "offender manager"            # the subject's offender manager
ESCALATION_OWNER = "escalation owner"   # the owner of the subject's open escalation of that kind (else the manager)


@dataclass(frozen=True)
class Concern:
    """One condition found on a subject: an alert when the sweep raises it."""

    code: str
    severity: str
    since: dt.date
    reasons: tuple[str, ...]
    owner_rule: str = MANAGER


@dataclass(frozen=True)
class Judgement:
    """What the rules found for one subject on a date."""

    level: str
    assessed: bool
    mode: str
    spans: tuple[visits.Span, ...]
    concerns: list[Concern]
    conditions: dict[str, visits.Condition]   # escalation kind → the condition that opens (or keeps open) it
    triggers: list[tuple[dt.date, str]] = field(default_factory=list)  # review triggers, derived ones included


def visit_overdue_severity(overdue: visits.Overdue, level: str) -> str:
    return "critical" if overdue.critical else ("high" if level in HIGH else "medium")


def condition_severity(kind: str, level: str) -> str:
    """A failed-access condition is critical; whereabouts unknown is critical for high and very high risk (the
    1-day decision deadline of §1), high otherwise."""
    return "critical" if kind == "S96B_WARRANT_CONSIDERATION" or level in HIGH else "high"


def review_severity(level: str) -> str:
    return "high" if level in HIGH else "medium"


def judge(row: SubjectRow, f: SubjectFacts, pol: Mapping, as_of: dt.date) -> Judgement:
    """Every §1 rule for one subject (pure: the facts in, the concerns out)."""
    out: list[Concern] = []
    conditions: dict[str, visits.Condition] = {}
    periods = f.periods.get(row.pk, ())
    mode = visits.mode_on(periods, as_of) if periods else "active"
    paused_now = mode in pol["visits.paused_modes"]
    spans = visits.merge_spans((s, e) for m, s, e in periods if m in pol["visits.paused_modes"]) if periods else ()
    last = f.levels.get(row.pk)
    level, assessed = (last[1], True) if last else (pol["visits.unassessed_level"], False)
    last_success = f.last_success.get(row.pk)
    attempts = f.attempts.get(row.pk, ())
    registered = row.kind == "registered_offender"
    triggers = list(f.triggers.get(row.pk, ()))
    breach = None
    if registered and row.notification_start:
        breach = notification.notification_overdue(
            pol, as_of=as_of, start=row.notification_start, end=row.notification_end,
            last_periodic=f.last_periodic.get(row.pk), no_fixed_abode=row.no_fixed_abode,
            detained=mode in ("custody", "hospital"))
        if breach:
            out.append(Concern("NOTIFICATION_OVERDUE", "high", breach[0], (breach[1],)))
        ending = notification.notification_ending(pol, as_of=as_of, end=row.notification_end)
        if ending:
            out.append(Concern("NOTIFICATION_ENDING", "low", ending[0], (ending[1],)))
    if not paused_now:
        if registered and mode != "reactive":
            ov = visits.overdue_visit(pol, as_of=as_of, level=level, assessed=assessed,
                                      managed_from=row.managed_from, last_success=last_success, spans=spans)
            if ov is not None:
                out.append(Concern("VISIT_OVERDUE", visit_overdue_severity(ov, level), ov.since, ov.reasons,
                                   ESCALATION_OWNER if ov.critical else MANAGER))
                if ov.critical:
                    conditions["VISIT_OVERDUE"] = visits.Condition(ov.critical_since, ov.reasons)
        if attempts and registered:
            fa = visits.failed_access(pol, as_of=as_of, attempts=attempts, last_success=last_success,
                                      managed_from=row.managed_from,
                                      resolved_on=f.resolved.get((row.pk, "S96B_WARRANT_CONSIDERATION")))
            if fa is not None:
                conditions["S96B_WARRANT_CONSIDERATION"] = fa
                triggers.append((fa.since, "two_failed_visits"))
        if attempts or breach:
            wu = visits.whereabouts_unknown(pol, as_of=as_of, attempts=attempts, last_success=last_success,
                                            managed_from=row.managed_from,
                                            resolved_on=f.resolved.get((row.pk, "WHEREABOUTS_UNKNOWN")),
                                            notification_overdue=breach)
            if wu is not None:
                conditions["WHEREABOUTS_UNKNOWN"] = wu
    for kind in ("S96B_WARRANT_CONSIDERATION", "WHEREABOUTS_UNKNOWN"):
        cond = conditions.get(kind)
        if cond is not None:
            out.append(Concern(kind, condition_severity(kind, level), cond.since, tuple(cond.reasons),
                               ESCALATION_OWNER))
    if registered or row.pk in f.levels:
        review = reviews.review_overdue(pol, managed_from=row.managed_from, last=last, triggers=triggers,
                                        as_of=as_of, awaiting_approval=f.awaiting.get(row.pk))
        if review is not None and (registered or last):
            out.append(Concern("RISK_REVIEW_OVERDUE", review_severity(level), review.since, review.reasons))
    if not registered:
        triage = suspects.triage_overdue(pol, as_of=as_of, recorded=row.managed_from,
                                         first_assessment=f.first_assessed.get(row.pk))
        if triage:
            out.append(Concern("SUSPECT_RISK_NOT_ASSESSED", "high", triage[0], (triage[1],)))
        safe = suspects.safeguarding_overdue(pol, as_of=as_of, children=row.children, noted=row.children_noted,
                                             referral=row.safeguarding_referral)
        if safe:
            out.append(Concern("SAFEGUARDING_NOT_DONE", "critical", safe[0], (safe[1],)))
        stale = suspects.investigation_stale(pol, as_of=as_of, opened=row.investigation_opened,
                                             last_review=f.last_investigation_review.get(row.pk))
        if stale:
            out.append(Concern("INVESTIGATION_STALE", "medium", stale[0], (stale[1],)))
    return Judgement(level, assessed, mode, tuple(spans), out, conditions, triggers)


def announced_severity(levels: Sequence[str]) -> str:
    """ANNOUNCED_VISITS_HIGH: high when a flagged level is high or very high."""
    return "high" if any(lvl in HIGH for lvl in levels) else "medium"
