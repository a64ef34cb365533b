"""Writes for investigation allocation: allocate (with a supervisor's override where the officer is not
eligible), close, THRIVE assessment and solvability screening. Each runs in one transaction and is logged."""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from vigil.accounts.models import Officer, rank_at_least
from vigil.core import access_log, clock
from vigil.core import policy as core_policy
from vigil.core.errors import AccessDenied, InputError
from vigil.investigations.flags import ENGAGEMENT, SOLVABILITY_FACTORS, THRIVE_GRADES
from vigil.investigations.models import Allocation, BatchRun, Crime
from vigil.investigations.rules import CrimeRules, check_one
from vigil.investigations.selectors import INVESTIGATOR_ROLE, crime_facts, officer_facts

OVERRIDE_MIN_RANK = "DS"
MIN_RATIONALE = 15


def _mine(actor, crime: Crime) -> Crime:
    """The crime, locked, if it is within the actor's work; otherwise the attempt is refused and logged."""
    locked = Crime.objects.select_for_update().filter(pk=crime.pk).restrict(actor).select_related("team__borough")
    found = locked.first()
    if found is None:
        access_log.record(actor=actor, operation="alteration", record_type="crime", record_ids=crime.ref,
                          justification="refused: outside the actor's work or under a restriction", outcome="refused",
                          detail="attempt to change a crime")
        raise AccessDenied("this crime is not part of your work")
    return found


def may_override(actor) -> bool:
    officer = getattr(actor, "officer", None)
    return bool(officer and officer.active and rank_at_least(officer.rank, OVERRIDE_MIN_RANK))


@transaction.atomic
def allocate(*, actor, crime: Crime, officer_ref: str, on: dt.date, rationale: str = "",
             method: str = Allocation.Method.MANUAL, batch: BatchRun | None = None, pol=None) -> Allocation:
    """Allocate ``crime`` to the officer from ``on``.

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
        access_log.record(actor=actor, operation="alteration", record_type="crime", record_ids=crime.ref,
                          justification="refused: professional-standards restriction", outcome="refused",
                          detail=f"attempt to allocate to {officer.ref}")
        raise InputError(f"{officer.name} cannot be allocated this crime: {'; '.join(reasons)}. "
                         "A professional-standards restriction cannot be overridden.")
    if not eligible:
        if not rationale:
            raise InputError(f"{officer.name} is not eligible: {'; '.join(reasons)}. A supervisor (DS or above) "
                             "may override with a rationale.")
        if not may_override(actor):
            raise InputError("only a supervisor (DS or above) may override eligibility")
        if len(rationale) < MIN_RATIONALE:
            raise InputError(f"explain the override in at least {MIN_RATIONALE} characters")
    current = Allocation.objects.select_for_update().filter(crime=crime, end__isnull=True).first()
    if current is not None:
        if current.officer_id == officer.pk:
            raise InputError(f"{crime.ref} is already allocated to {officer.name}")
        if current.start > on:
            raise InputError(f"{crime.ref} has an allocation from {current.start:%d %B %Y}, after {on:%d %B %Y}")
        current.end = on
        current.save(update_fields=["end"])
    allocation = Allocation.objects.create(
        crime=crime, officer=officer, start=on, recorded_at=clock.now(), allocated_by=actor, method=method,
        ineligible_reasons=reasons, batch=batch,
        override_by=actor.officer if not eligible else None, override_on=on if not eligible else None,
        override_rationale=rationale if not eligible else "",
    )
    detail = f"allocated to {officer.ref} from {on}" + (f" ({method})" if method != "manual" else "")
    if not eligible:
        detail += f"; supervisor override: {'; '.join(reasons)}"
    access_log.record(actor=actor, operation="alteration", record_type="crime", record_ids=crime.ref,
                      justification="allocation of an investigation", detail=detail)
    return allocation


@transaction.atomic
def close_crime(*, actor, crime: Crime, on: dt.date) -> Crime:
    crime = _mine(actor, crime)
    if crime.closed_on:
        raise InputError(f"{crime.ref} is already closed")
    if on < crime.reported:
        raise InputError("a crime cannot be closed before it was reported")
    current = Allocation.objects.select_for_update().filter(crime=crime, end__isnull=True).first()
    if current is not None:
        if current.start > on:
            raise InputError(f"{crime.ref} was allocated on {current.start:%d %B %Y}, after {on:%d %B %Y}")
        current.end = on
        current.save(update_fields=["end"])
    crime.closed_on = on
    crime.save(update_fields=["closed_on"])
    access_log.record(actor=actor, operation="alteration", record_type="crime", record_ids=crime.ref,
                      justification="investigation closed", detail=f"closed on {on}")
    return crime


@transaction.atomic
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
