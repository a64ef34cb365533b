"""Writes to tasks: hand over, claim, reassign, complete, cancel. Each is in the task's history and the access log.

``hand_over`` is what a decision or a rule calls to give the next actor their task; it is idempotent for the same
``source`` (a decision sent twice, a sweep run twice hands over once).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from vigil.accounts.models import Officer, Team, rank_at_least
from vigil.core import access_log, clock, policy
from vigil.core.errors import AccessDenied, InputError
from vigil.work.models import Task, TaskEvent, TaskStatus

JUSTIFICATION = "owned work: a task handed over to the officer who must act"


def _log(actor, task: Task, detail: str) -> None:
    access_log.record(actor=actor, operation="alteration", record_type=task.record_type, record_ids=task.record_ref,
                      justification=JUSTIFICATION, detail=f"task '{task.title}': {detail}")


@transaction.atomic
def hand_over(*, source: str, kind: str, title: str, record_type: str, record_ref: str, reasons: Sequence[str],
              due: dt.datetime, owner: Officer | None = None, team: Team | None = None, handed_over: str = "",
              severity: str = "high", by: Officer | None = None, actor=None) -> Task:
    """Give ``owner`` (or ``team``'s queue) a task; the same ``source`` twice gives the first task back."""
    existing = Task.objects.filter(source=source).first()
    if existing:
        return existing
    if owner is None and team is None:
        raise InputError("a task needs an owner or a team queue")
    reasons = [r.strip() for r in reasons if r and r.strip()]
    if not reasons:
        raise InputError("a task needs at least one reason a person can check")
    now = clock.now()
    t = Task.objects.create(source=source[:200], kind=kind, title=title[:200], reasons=reasons,
                            handed_over=(handed_over or "").strip(), record_type=record_type, record_ref=record_ref,
                            severity=severity, owner=owner, team=team or owner.team, due=due, created_by=by,
                            created_at=now)
    TaskEvent.objects.create(task=t, at=now, what="created", officer=by,
                             detail=f"for {owner.titled if owner else 'the team queue of ' + t.team.name}")
    _log(actor or (by.user if by and by.user_id else f"system:{source.split(':')[0]}"), t,
         f"handed to {owner.ref if owner else 'team ' + t.team.ref}")
    return t


def hand_over_all(tasks: Sequence[Task], *, actor, by: Officer | None = None) -> list[Task]:
    """``hand_over`` for many at once (a linkage run queuing pairs for review), set-based: unsaved ``Task`` rows
    whose ``source`` is not yet used are created with their history, and logged once per record type."""
    if not tasks:
        return []
    sources = [t.source for t in tasks]
    used = set()
    for i in range(0, len(sources), 900):
        used |= set(Task.objects.filter(source__in=sources[i:i + 900]).values_list("source", flat=True))
    now = clock.now()
    new = [t for t in tasks if t.source not in used]
    for t in new:
        if not t.reasons or t.team_id is None:
            raise InputError("a task needs a team queue and at least one reason a person can check")
        t.created_at, t.created_by = now, by
    with transaction.atomic():
        made = Task.objects.bulk_create(new, batch_size=500)
        TaskEvent.objects.bulk_create([TaskEvent(task=t, at=now, what="created", officer=by,
                                                 detail="for the team queue") for t in made], batch_size=500)
        for record_type in sorted({t.record_type for t in made}):
            access_log.record(actor=actor, operation="alteration", record_type=record_type,
                              record_ids=[t.record_ref for t in made if t.record_type == record_type],
                              justification=JUSTIFICATION, detail=f"task handed to a team queue ({len(made)} in all)")
    return made


def settle_all(*, sources: Sequence[str], outcome: str, actor, done: bool = True) -> int:
    """``settle`` for many at once: the open tasks handed over by ``sources`` close with ``outcome``."""
    closed = 0
    now = clock.now()
    status = TaskStatus.DONE if done else TaskStatus.CANCELLED
    with transaction.atomic():
        for i in range(0, len(sources), 900):
            rows = list(Task.objects.select_for_update().filter(source__in=sources[i:i + 900], status=TaskStatus.OPEN)
                        .values_list("pk", "record_type", "record_ref"))
            if not rows:
                continue
            Task.objects.filter(pk__in=[r[0] for r in rows]).update(status=status, outcome=outcome, closed_at=now)
            TaskEvent.objects.bulk_create([TaskEvent(task_id=r[0], at=now, what=status, detail=outcome)
                                           for r in rows])
            for record_type in sorted({r[1] for r in rows}):
                access_log.record(actor=actor, operation="alteration", record_type=record_type,
                                  record_ids=[r[2] for r in rows if r[1] == record_type], justification=JUSTIFICATION,
                                  detail=f"task {status}: {outcome[:200]}")
            closed += len(rows)
    return closed


def _locked(task: Task) -> Task:
    t = Task.objects.select_for_update(of=("self",)).select_related("owner", "team").get(pk=task.pk)
    if t.status != TaskStatus.OPEN:
        raise InputError(f"this task is already {t.status} ({t.closed_at:%-d %b %Y %H:%M})")
    return t


@transaction.atomic
def claim(*, actor, officer: Officer, task: Task) -> Task:
    t = _locked(task)
    if t.owner_id is not None:
        raise InputError(f"{t.owner.name} already holds this task")
    if t.team_id != officer.team_id:
        raise AccessDenied("only a member of the team may claim a task in its queue")
    t.owner = officer
    t.save(update_fields=["owner"])
    TaskEvent.objects.create(task=t, at=clock.now(), what="claimed", officer=officer)
    _log(actor, t, f"claimed by {officer.ref}")
    return t


# A task whose kind needs a rank: the rank comes from the policy (a s.96B application is made by a Supt or above).
RANK_NEEDED = {"s96b_application": "escalations.s96b_applicant_rank"}


def may_reassign(officer: Officer | None, task: Task) -> bool:
    """A supervisor (DS or above) of the task's team, or a senior officer (DI or above) of its borough."""
    if officer is None or not officer.active or not officer.has_role("supervisor", "senior_officer"):
        return False
    if officer.team_id == task.team_id:
        return rank_at_least(officer.rank, "DS")
    return (officer.has_role("senior_officer") and rank_at_least(officer.rank, "DI")
            and officer.team.borough_id is not None and officer.team.borough_id == task.team.borough_id)


@transaction.atomic
def reassign(*, actor, officer: Officer, task: Task, to: Officer, reason: str) -> Task:
    """A supervisor hands the task to someone else, saying why; a task that needs a rank goes only to that rank."""
    if len((reason or "").strip()) < 5:
        raise InputError("say why the task is reassigned")
    if not may_reassign(officer, task):
        raise AccessDenied("only a supervisor of the team (DS or above) or a senior officer reassigns a task")
    if not to.active:
        raise InputError(f"{to.name} is not an active officer")
    needed = RANK_NEEDED.get(task.kind)
    if needed and not rank_at_least(to.rank, policy.current()[needed]):
        raise InputError(f"this task is for a {policy.current()[needed]} or above: {to.name} is a {to.rank}")
    t = _locked(task)
    if to.pk == t.owner_id:
        raise InputError(f"{to.name} already holds this task")
    before = t.owner.ref if t.owner else "the team queue"
    t.owner = to
    t.save(update_fields=["owner"])
    TaskEvent.objects.create(task=t, at=clock.now(), what="reassigned", officer=officer,
                             detail=f"from {before} to {to.ref}: {reason.strip()}")
    _log(actor, t, f"reassigned from {before} to {to.ref}")
    return t


@transaction.atomic
def close(*, actor, officer: Officer, task: Task, outcome: str, done: bool = True) -> Task:
    """Done (or cancelled) with its outcome, by the holder or someone senior enough to reassign it."""
    if len((outcome or "").strip()) < 5:
        raise InputError("record the outcome")
    t = _locked(task)
    if t.owner_id not in (None, officer.pk) and t.team_id != officer.team_id:
        raise AccessDenied("only the holder or their team closes this task")
    return _finish(t, TaskStatus.DONE if done else TaskStatus.CANCELLED, outcome, officer, actor)


def _finish(t: Task, status: str, outcome: str, officer: Officer | None, actor) -> Task:
    """Close a locked open task with its outcome: the task, its history and the access log."""
    t.status, t.outcome, t.closed_at = status, outcome.strip(), clock.now()
    t.save(update_fields=["status", "outcome", "closed_at"])
    TaskEvent.objects.create(task=t, at=t.closed_at, what=t.status, officer=officer, detail=t.outcome)
    _log(actor, t, f"{t.status}: {t.outcome[:200]}")
    return t


@transaction.atomic
def settle(*, source: str, outcome: str, actor=None) -> Task | None:
    """The record itself shows the work done (the referral was recorded): the open task handed over by ``source``
    closes as done, saying so. Nothing happens when there is no such open task."""
    t = Task.objects.select_for_update(of=("self",)).filter(source=source, status=TaskStatus.OPEN).first()
    if t is None:
        return None
    officer = getattr(actor, "officer", None) if actor is not None and not isinstance(actor, str) else None
    return _finish(t, TaskStatus.DONE, outcome, officer, actor or "system:work")
