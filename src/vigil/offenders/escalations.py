"""Escalations: matters a named senior officer must decide by a deadline (domain-rules §1).

``open_escalation`` is the one way in, for the sweep and for other modules (missing children opens
``CHILD_LINKED_TO_OFFENDER``). It is idempotent while one of that kind is open on the subject. The owner and
deadline follow ``rules.escalations``; ``decide`` records the owner's decision; the sweep escalates missed
deadlines up a rank and closes escalations whose cause has gone.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import IntegrityError, transaction

from vigil.core import access_log, policy
from vigil.core.errors import InputError
from vigil.offenders import facts
from vigil.offenders.models import Escalation, EscalationEvent, EscalationKind, Subject
from vigil.offenders.rules import escalations as rules

KINDS = tuple(EscalationKind.values)


def _borough_of(subject: Subject) -> int | None:
    return subject.team.borough_id


def plan_escalation(*, subject: Subject, kind: str, opened_on: dt.date, since: dt.date, reasons: list[str],
                    source: str, risk_level: str, pol: Mapping, candidates: Iterable[rules.Candidate],
                    load: Mapping[int, int]) -> Escalation:
    """An unsaved escalation with its owner and deadline chosen by the rules (the sweep saves many at once)."""
    owner = rules.choose_owner(candidates, min_rank=rules.owner_rank(pol, kind), team_id=subject.team_id,
                               borough_id=_borough_of(subject), load=load)
    days = rules.deadline_days(pol, kind, risk_level)
    return Escalation(subject=subject, kind=kind, opened_on=opened_on, since=since, reasons=list(reasons),
                      source=source[:200], owner_id=owner.pk if owner else None,
                      deadline=opened_on + dt.timedelta(days=days))


def opened_event(e: Escalation) -> EscalationEvent:
    return EscalationEvent(escalation=e, on=e.opened_on, what="opened", officer_id=e.owner_id,
                           detail=f"opened by {e.source}; decision due by {e.deadline.isoformat()}")


def open_escalation(*, subject: Subject, kind: str, opened_on: dt.date, reasons: list[str], source: str,
                    since: dt.date | None = None) -> Escalation:
    """Open an escalation of ``kind`` on ``subject`` unless one is open already (then return that one).

    The owner is an officer of the rank policy names for the kind (an inspector for s.96B, whereabouts and a
    missing-child link; the team's supervisor for a critical overdue visit), nearest the subject's team; the
    deadline follows the subject's risk level on ``opened_on``.
    """
    if kind not in KINDS:
        raise InputError(f"{kind!r} is not an escalation kind (one of {', '.join(KINDS)})")
    if not isinstance(opened_on, dt.date) or isinstance(opened_on, dt.datetime):
        raise InputError("an escalation needs the date it opens")
    reasons = [r.strip() for r in reasons or [] if r and r.strip()]
    if not reasons:
        raise InputError("an escalation needs at least one reason a person can check")
    if not (source or "").strip():
        raise InputError("an escalation needs its source")
    existing = Escalation.objects.filter(subject=subject, kind=kind, closed_on__isnull=True).first()
    if existing:
        return existing
    pol = policy.current()
    level, _ = facts.risk_level(subject, opened_on, pol)
    e = plan_escalation(subject=subject, kind=kind, opened_on=opened_on, since=since or opened_on, reasons=reasons,
                        source=source.strip(), risk_level=level, pol=pol, candidates=facts.owner_candidates(opened_on),
                        load=facts.open_escalation_load())
    try:
        with transaction.atomic():
            e.save()
            opened_event(e).save()
            access_log.record(actor=f"system:{e.source}", operation="alteration", record_type="subject",
                              record_ids=subject.ref, justification="statutory public-protection duty: escalation",
                              detail=f"escalation {kind} opened; decision due by {e.deadline.isoformat()}")
    except IntegrityError:  # opened concurrently by another caller
        return Escalation.objects.get(subject=subject, kind=kind, closed_on__isnull=True)
    return e

