"""Writes for investigation allocation: allocate (with a supervisor's override where the officer is not
eligible), close, THRIVE assessment and solvability screening. Each runs in one transaction and is logged."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import replace

from django.db import transaction

from vigil.accounts.models import Officer, rank_at_least
from vigil.core import access_log, clock
from vigil.core import policy as core_policy
from vigil.core.errors import AccessDenied, InputError
from vigil.investigations.batch import optimise
from vigil.investigations.flags import ENGAGEMENT, SOLVABILITY_FACTORS, THRIVE_GRADES
from vigil.investigations.models import Allocation, BatchRun, Closure, Crime, Outcome
from vigil.investigations.queries import reweigh_open_allocations
from vigil.investigations.rules import CrimeRules, check_one
from vigil.investigations.selectors import (
    INVESTIGATOR_ROLE,
    continuity,
    crime_facts,
    officer_facts,
    prioritised,
    queue,
    unallocated,
)
from vigil.investigations.sweep import CommandChain, unallocated_findings

OVERRIDE_MIN_RANK = "DS"
MIN_RATIONALE = 15


def _rejudge(actor, crimes, what: str) -> None:
    """Cleared at once: re-judge the crimes a write changed, and their officers' workloads, in the same
    transaction (``investigations.sweep.rejudge``); what no longer holds closes saying ``cleared by <what>``."""
    from vigil.investigations.sweep import rejudge
    from vigil.sweep.registry import cleared_by

    officer = getattr(actor, "officer", None) if not isinstance(actor, str) else None
    rejudge(crimes, clock.today(), cleared_by=cleared_by(what, officer))


class NeedsOverride(InputError):
    """The officer is not eligible: only a supervisor's override with a rationale allocates them."""


def _refusal(exc: Exception, *, record_ids, justification: str, detail: str) -> Exception:
    exc.refusal = {"record_ids": record_ids, "justification": justification, "detail": detail}
    return exc


def _atomic_logging_refusals(fn):
    """Run a write in one transaction; a refused attempt is logged after the rollback, so the log keeps it."""
    @functools.wraps(fn)
    def run(*args, actor, **kwargs):
        try:
            with transaction.atomic():
                return fn(*args, actor=actor, **kwargs)
        except (InputError, AccessDenied) as exc:
            refusal = getattr(exc, "refusal", None)
            if refusal:
                access_log.record(actor=actor, operation="alteration", record_type="crime", outcome="refused",
                                  **refusal)
            raise
    return run


def _mine(actor, crime: Crime) -> Crime:
    """The crime, locked, if it is within the actor's work; otherwise the attempt is refused (and logged)."""
    locked = (Crime.objects.select_for_update(of=("self",)).filter(pk=crime.pk).restrict(actor)
              .select_related("team__borough"))
    found = locked.first()
    if found is None:
        raise _refusal(AccessDenied("this crime is not part of your work"), record_ids=crime.ref,
                       justification="refused: outside the actor's work or under a restriction",
                       detail="attempt to change a crime")
    return found


def may_override(actor) -> bool:
    officer = getattr(actor, "officer", None)
    return bool(officer and officer.active and rank_at_least(officer.rank, OVERRIDE_MIN_RANK))


@_atomic_logging_refusals
def allocate(*, actor, crime: Crime, officer_ref: str, on: dt.date, rationale: str = "",
             method: str = Allocation.Method.MANUAL, batch: BatchRun | None = None, pol=None,
             seen: str | None = None) -> Allocation:
    """Allocate ``crime`` to the officer from ``on``.

    ``seen`` is the allocation the person saw when they chose ("none" or an officer's ref). People allocating
    the same crime at once are served one at a time (the crime's row is locked); if it changed since they looked,
    they are told who has it now and choose again, instead of silently overriding each other.

    An eligible officer is allocated at once. An officer who fails a standing check (level, specialisms,
    probation) or has no capacity needs a supervisor's override: the actor is DS or above and gives a
    rationale. A professional-standards restriction can never be overridden (docs/adr/0201).
    """
    crime = _mine(actor, crime)
    officer = Officer.objects.filter(ref=officer_ref).first()
    if officer is None or not officer.active:
        raise InputError(f"there is no active officer {officer_ref!r}")
    if not officer.has_role(INVESTIGATOR_ROLE):
        raise InputError(f"{officer.name} is not an investigator")
    if method == Allocation.Method.MANUAL and on > clock.today():
        raise InputError(f"an allocation cannot be dated in the future ({on:%d %B %Y})")
    if on < crime.reported:
        raise InputError(f"a crime reported on {crime.reported:%d %B %Y} cannot be allocated before then")
    if crime.closed_on and crime.closed_on <= on:
        raise InputError(f"{crime.ref} was closed on {crime.closed_on:%d %B %Y}")
    pol = pol or core_policy.current()
    rules = CrimeRules(pol)
    facts = officer_facts(on, rules, Officer.objects.filter(pk=officer.pk))[0]
    eligible, reasons, verdict = check_one(facts, crime_facts([crime])[0], on, pol, rules)
    failed = verdict.failed(0, 0)
    rationale = (rationale or "").strip()
    if "restriction" in failed:
        raise _refusal(InputError(f"{officer.name} cannot be allocated this crime: {'; '.join(reasons)}. "
                                  "A professional-standards restriction cannot be overridden."),
                       record_ids=crime.ref, justification="refused: professional-standards restriction",
                       detail=f"attempt to allocate to {officer.ref}")
    if not eligible:
        if not rationale:
            raise NeedsOverride(f"{officer.name} is not eligible: {'; '.join(reasons)}. A supervisor (DS or above) "
                                "may override with a rationale.")
        if not may_override(actor):
            raise NeedsOverride("only a supervisor (DS or above) may override eligibility")
        if len(rationale) < MIN_RATIONALE:
            raise NeedsOverride(f"explain the override in at least {MIN_RATIONALE} characters")
    Crime.objects.select_for_update().filter(pk=crime.pk).values_list("pk", flat=True).first()  # one at a time
    current = (Allocation.objects.select_for_update().select_related("officer")
               .filter(crime=crime, end__isnull=True).first())
    now_ref = current.officer.ref if current is not None else "none"
    if seen and seen != now_ref:
        if current is None:
            raise InputError(f"{crime.ref} is no longer allocated (it was a moment ago): choose again")
        raise InputError(f"{crime.ref} was allocated to {current.officer.name} a moment ago "
                         f"(from {current.start:%d %B %Y}): choose again")
    if current is not None:
        if current.officer_id == officer.pk:
            raise InputError(f"{crime.ref} is already allocated to {officer.name}")
        if current.start > on:
            raise InputError(f"{crime.ref} has an allocation from {current.start:%d %B %Y}, after {on:%d %B %Y}")
        current.end = on
        current.save(update_fields=["end"])
    allocation = Allocation.objects.create(
        crime=crime, officer=officer, start=on, units=int(verdict.crimes.units[0]), recorded_at=clock.now(),
        allocated_by=actor, method=method, ineligible_reasons=reasons, batch=batch,
        override_by=actor.officer if not eligible else None, override_on=on if not eligible else None,
        override_rationale=rationale if not eligible else "",
    )
    detail = f"allocated to {officer.ref} from {on}" + (f" ({method})" if method != "manual" else "")
    if not eligible:
        detail += f"; supervisor override: {'; '.join(reasons)}"
    access_log.record(actor=actor, operation="alteration", record_type="crime", record_ids=crime.ref,
                      justification="allocation of an investigation", detail=detail)
    if batch is None:
        _rejudge(actor, Crime.objects.filter(pk=crime.pk), f"the allocation to {officer.name} on {clock.day_said(on)}")
    return allocation


@_atomic_logging_refusals
def close_crime(*, actor, crime: Crime, on: dt.date, outcome: str, reason: str) -> Crime:
    """Close an investigation with its outcome and the reason, ending its allocation that day. It can be
    reopened (``reopen_crime``), with a reason; both stay in its history."""
    crime = _mine(actor, crime)
    if crime.closed_on:
        raise InputError(f"{crime.ref} is already closed")
    if on < crime.reported:
        raise InputError("a crime cannot be closed before it was reported", field="on")
    if outcome not in Outcome.values:
        raise InputError(f"outcome: {outcome!r} is not an outcome of the Home Office framework", field="outcome")
    if len(reason.strip()) < MIN_RATIONALE:
        raise InputError(f"reason: say why the investigation closes (at least {MIN_RATIONALE} characters)",
                         field="reason")
    current = Allocation.objects.select_for_update().filter(crime=crime, end__isnull=True).first()
    if current is not None:
        if current.start > on:
            raise InputError(f"{crime.ref} was allocated on {current.start:%d %B %Y}, after {on:%d %B %Y}")
        current.end = on
        current.save(update_fields=["end"])
    crime.closed_on = on
    crime.save(update_fields=["closed_on"])
    Closure.objects.create(crime=crime, closed_on=on, outcome=outcome, reason=reason.strip(),
                           closed_by=_officer(actor), recorded_at=clock.now())
    access_log.record(actor=actor, operation="alteration", record_type="crime", record_ids=crime.ref,
                      justification="investigation closed", detail=f"closed on {on}: {outcome}")
    _rejudge(actor, Crime.objects.filter(pk=crime.pk), f"the closing of the investigation on {clock.day_said(on)}")
    return crime


@_atomic_logging_refusals
def reopen_crime(*, actor, crime: Crime, on: dt.date, reason: str) -> Crime:
    """Reopen a closed investigation, saying why (new evidence, a review, a closure in error). It goes back to
    the queue unallocated, and is judged again at once."""
    crime = _mine(actor, crime)
    if not crime.closed_on:
        raise InputError(f"{crime.ref} is open")
    if on < crime.closed_on:
        raise InputError(f"a crime cannot be reopened before it closed ({clock.day_said(crime.closed_on)})",
                         field="on")
    if len(reason.strip()) < MIN_RATIONALE:
        raise InputError(f"reason: say why the investigation reopens (at least {MIN_RATIONALE} characters)",
                         field="reason")
    Closure.objects.filter(crime=crime, reopened_on__isnull=True).update(
        reopened_on=on, reopen_reason=reason.strip(), reopened_by=_officer(actor))
    crime.closed_on = None
    crime.save(update_fields=["closed_on"])
    access_log.record(actor=actor, operation="alteration", record_type="crime", record_ids=crime.ref,
                      justification="investigation reopened", detail=f"reopened on {on}")
    _rejudge(actor, Crime.objects.filter(pk=crime.pk), f"the reopening of the investigation on {clock.day_said(on)}")
    return crime


def _officer(actor):
    return None if isinstance(actor, str) else getattr(actor, "officer", None)


@_atomic_logging_refusals
def assess(*, actor, crime: Crime, on: dt.date, threat: str, harm: str, risk: str, engagement: str = "",
           notes: str = "", solvability: list[str] | None = None) -> Crime:
    """Record a THRIVE assessment and, if given, the solvability screening (the factors found)."""
    crime = _mine(actor, crime)
    for name, value in (("threat", threat), ("harm", harm), ("risk", risk)):
        if value not in THRIVE_GRADES:
            raise InputError(f"{name}: {value!r} is not one of {', '.join(THRIVE_GRADES)}")
    if engagement and engagement not in ENGAGEMENT:
        raise InputError(f"engagement: {engagement!r} is not one of {', '.join(ENGAGEMENT)}")
    unknown = [f for f in solvability or () if f not in SOLVABILITY_FACTORS]
    if unknown:
        raise InputError(f"solvability: {unknown[0]!r} is not a solvability factor")
    crime.threat, crime.harm, crime.risk, crime.engagement = threat, harm, risk, engagement
    crime.thrive_notes = notes.strip()
    crime.assessed_by, crime.assessed_on = actor.officer, on
    fields = ["threat", "harm", "risk", "engagement", "thrive_notes", "assessed_by", "assessed_on"]
    if solvability is not None:
        crime.solvability, crime.screened_on = sorted(set(solvability)), on
        fields += ["solvability", "screened_on"]
    crime.save(update_fields=fields)
    access_log.record(actor=actor, operation="alteration", record_type="crime", record_ids=crime.ref,
                      justification="THRIVE assessment and solvability screening",
                      detail=f"threat {threat}, harm {harm}, risk {risk}"
                             + (f"; {len(solvability)} solvability factor(s)" if solvability is not None else ""))
    return crime


# --- Batch allocation --------------------------------------------------------------------------------------------

def plan_batch(*, actor, as_of: dt.date, team_id: int | None = None, borough_id: int | None = None,
               scope_label: str = "the force", pol=None, report=lambda done, total, stage: None) -> BatchRun:
    """Propose allocations for the actor's queue (a team, a borough or the force): the preview, stored so that
    what is applied is exactly what was shown. Nothing is allocated yet. ``report(done, total, stage)`` hears of
    its progress (a background job's progress bar)."""
    pol = pol or core_policy.current()
    rules = CrimeRules(pol)
    report(0, 4, "Reading the unallocated crimes")
    crimes = list(queue(actor=actor, as_of=as_of, team_id=team_id, borough_id=borough_id).order_by("reported", "ref"))
    if not crimes:
        raise InputError(f"there are no unallocated crimes in {scope_label} as of {as_of:%d %B %Y}")
    facts = crime_facts(crimes)
    ref_of = {c.pk: c.ref for c in crimes}
    urgency = {ref_of[pk]: p.level for pk, p, _ in prioritised(Crime.objects.filter(pk__in=list(ref_of)), pol)}
    report(1, 4, f"Reading the investigators' training and workloads for {len(crimes)} crime(s)")
    officers = officer_facts(as_of, rules)
    report(2, 4, f"Optimising {len(crimes)} crime(s) across {len(officers)} investigator(s)")
    plan = optimise(officers, facts, as_of=as_of, policy=pol,
                    continuity=continuity([c.pk for c in crimes], as_of), urgency=urgency)
    report(3, 4, "Saving the preview")
    run = BatchRun.objects.create(
        created_by=actor, created_at=clock.now(), as_of=as_of,
        scope=f"team:{team_id}" if team_id else (f"borough:{borough_id}" if borough_id else "force"),
        scope_label=scope_label, policy_version=getattr(pol, "version", 0),
        proposals=[p.as_json() for p in plan.proposals], unallocated=[u.as_json() for u in plan.unplaced],
        summary=plan.summary())
    access_log.record(actor=actor, operation="consultation", record_type="batch_allocation", record_ids=str(run.pk),
                      justification="allocation of the investigation queue",
                      detail=f"preview for {scope_label} as of {as_of}: {len(crimes)} crime(s), "
                             f"{len(plan.proposals)} proposed, {len(plan.unplaced)} could not be placed")
    return run


@transaction.atomic
def apply_batch(*, actor, run_id: int, pol=None) -> BatchRun:
    """Apply a previewed batch: each proposal is checked again (the queue or workloads may have moved since the
    preview) and allocated; the crimes it could not place are escalated to an inspector (CRIME_UNALLOCATED)."""
    run = BatchRun.objects.select_for_update().filter(pk=run_id).restrict(actor).first()
    if run is None:
        raise InputError("there is no such batch allocation")
    if run.applied_at is not None:
        raise InputError(f"batch #{run.pk} was already applied on {run.applied_at:%d %B %Y at %H:%M}")
    pol = pol or core_policy.current()
    rules = CrimeRules(pol)
    as_of = run.as_of
    refs = [p["crime"] for p in run.proposals] + [u["crime"] for u in run.unallocated]
    crimes = {c.ref: c for c in unallocated(as_of).restrict(actor).filter(ref__in=refs)
              .select_related("team__borough").select_for_update(of=("self",))}
    officers = {o.ref: o for o in officer_facts(as_of, rules, Officer.objects.filter(
        ref__in={p["officer"] for p in run.proposals}))}
    to_check = [(p, crimes.get(p["crime"]), officers.get(p["officer"])) for p in run.proposals]
    skipped, rows, loads = [], [], {ref: (o.units, o.open_crimes) for ref, o in officers.items()}
    for p, crime, officer in to_check:
        if crime is None or officer is None:
            skipped.append({"crime": p["crime"], "reason": "allocated or closed since the preview"
                            if crime is None else f"{p['officer']} is no longer an active investigator"})
            continue
        units, count = loads[officer.ref]
        now_facts = replace(officer, units=units, open_crimes=count)
        ok, reasons, verdict = check_one(now_facts, crime_facts([crime])[0], as_of, pol, rules)
        if not ok:
            skipped.append({"crime": crime.ref, "reason": f"{officer.name} is no longer eligible: {'; '.join(reasons)}"})
            continue
        loads[officer.ref] = (units + int(verdict.crimes.units[0]), count + 1)
        rows.append(Allocation(crime=crime, officer_id=officer.pk, start=as_of, units=int(verdict.crimes.units[0]),
                               recorded_at=clock.now(), allocated_by=actor, method=Allocation.Method.BATCH, batch=run))
    Allocation.objects.bulk_create(rows, batch_size=2000)
    chain = CommandChain()
    left = [crimes[u["crime"]] for u in run.unallocated if u["crime"] in crimes]
    left += [crimes[s["crime"]] for s in skipped if s["crime"] in crimes]
    reasons_of = {u["crime"]: "; ".join(u["reasons"]) for u in run.unallocated}
    reasons_of.update({s["crime"]: s["reason"] for s in skipped})
    inspectors = {c.pk: chain.inspector(c.team_id, c.team.borough_id) for c in left}
    pk_of = dict(Officer.objects.filter(ref__in=set(inspectors.values()) - {None}).values_list("ref", "pk"))
    for c in left:
        c.escalated_on, c.unallocated_reason = as_of, reasons_of[c.ref]
        c.escalated_to_id = pk_of.get(inspectors[c.pk])
    Crime.objects.bulk_update(left, ["escalated_on", "escalated_to", "unallocated_reason"], batch_size=2000)
    opened = open_alerts(list(unallocated_findings(rules, chain, as_of, pol,
                                                   Crime.objects.filter(pk__in=[c.pk for c in left]))), as_of)
    _rejudge(actor, Crime.objects.filter(pk__in=[a.crime_id for a in rows]), f"batch allocation #{run.pk}")
    run.applied_at, run.applied_by = clock.now(), actor
    run.outcome = {"allocated": len(rows), "skipped": skipped, "escalated": len(left), "alerts_opened": opened}
    run.save(update_fields=["applied_at", "applied_by", "outcome"])
    access_log.record(actor=actor, operation="alteration", record_type="crime", record_ids=[a.crime.ref for a in rows],
                      justification="allocation of an investigation", detail=f"batch #{run.pk}")
    if left:
        access_log.record(actor=actor, operation="alteration", record_type="crime", record_ids=[c.ref for c in left],
                          justification="escalation of a crime no eligible officer could take",
                          detail=f"batch #{run.pk}: escalated to an inspector (CRIME_UNALLOCATED)")
    return run


def open_alerts(findings, as_of: dt.date) -> int:
    """Open the alerts for ``findings`` now, where none is open for the same cause (the sweep keeps them)."""
    from vigil.sweep.models import Alert

    opened = 0
    for f in findings:
        if not Alert.objects.filter(status="open", code=f.code, entity_type=f.entity_type,
                                    entity_id=f.entity_id).exists():
            Alert.objects.create(code=f.code, severity=f.severity, entity_type=f.entity_type, entity_id=f.entity_id,
                                 since=f.since, owner=f.owner or "", reasons=list(f.reasons), team_id=f.team_id,
                                 opened_as_of=as_of, last_seen_as_of=as_of)
            opened += 1
    return opened


def change_matrix(*, actor, matrix, reason: str):
    """A new version of the required-level matrix (who, when, why), after checking every rule."""
    from vigil.investigations.matching import check, validate_matrix

    check(validate_matrix(matrix))
    version = core_policy.set_policy(changes={"allocation.required_level_matrix": matrix}, changed_by=actor,
                                     reason=reason)
    reweigh_open_allocations(CrimeRules(core_policy.current()))
    access_log.record(actor=actor, operation="alteration", record_type="policy", record_ids=str(version.number),
                      justification="force policy change", detail="allocation.required_level_matrix")
    return version
