"""Recommendation for one crime: every investigator in the force checked by ``is_eligible``; the eligible ranked
by the stated cost (``allocation_cost``) with their reasons and the impact of the allocation; the ineligible
listed with the reason each is ineligible. Decision support: the allocator decides."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from vigil.core import policy as core_policy
from vigil.investigations.models import Crime
from vigil.investigations.rules import (
    CrimeFacts,
    CrimeRules,
    CrimeTable,
    OfficerFacts,
    OfficerTable,
    Requirement,
    allocation_cost,
    cost_reasons,
    impact,
    is_eligible,
)
from vigil.investigations.selectors import continuity, crime_facts, officer_facts


@dataclass(frozen=True)
class Candidate:
    officer: OfficerFacts
    reasons: tuple[str, ...]
    cost: float | None = None
    impact: str = ""

    def as_json(self) -> dict:
        out = {"officer": self.officer.ref, "name": self.officer.name}
        if self.cost is not None:
            out.update(cost=self.cost, impact=self.impact)
        out["reasons"] = list(self.reasons)
        return out


@dataclass
class Recommendation:
    crime: CrimeFacts
    requirement: Requirement
    vulnerability: tuple[str, ...]
    as_of: dt.date
    eligible: list[Candidate] = field(default_factory=list)
    ineligible: list[Candidate] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"crime": self.crime.ref, "required": self.requirement.as_json(),
                "eligible": [c.as_json() for c in self.eligible],
                "ineligible": [c.as_json() for c in self.ineligible]}

    def candidate(self, officer_ref: str) -> Candidate | None:
        return next((c for c in self.eligible + self.ineligible if c.officer.ref == officer_ref), None)


def recommend(crime: Crime, *, as_of: dt.date, pol=None, officers=None) -> Recommendation:
    """Rank the force's investigators (or ``officers``) for ``crime`` as of ``as_of``."""
    pol = pol or core_policy.current()
    rules = CrimeRules(pol)
    cf = crime_facts([crime])[0]
    facts = officer_facts(as_of, rules, officers)
    ot, ct = OfficerTable(facts, as_of, pol), CrimeTable([cf], rules)
    verdict = is_eligible(ot, ct, pol)
    held = continuity([crime.pk], as_of).get(crime.pk, {})
    shared = np.fromiter((1.0 if o.pk in held else 0.0 for o in facts), dtype=float, count=len(facts))[:, None]
    cost = allocation_cost(ot, ct, pol, continuity=shared)
    ok = verdict.ok[:, 0]
    rec = Recommendation(cf, ct.requirements[0], ct.vulnerabilities[0], as_of)
    units = int(ct.units[0])
    for i in np.flatnonzero(ok)[np.argsort(cost.total[ok, 0], kind="stable")]:
        o = facts[i]
        statement = impact(o, units, int(ot.cap[i]))
        reasons = (statement, *cost_reasons(o, cf, rec.requirement, int(cost.locality[i, 0]), held.get(o.pk, ())))
        rec.eligible.append(Candidate(o, reasons, round(float(cost.total[i, 0]), 2), statement))
    for i in np.flatnonzero(~ok):
        rec.ineligible.append(Candidate(facts[i], tuple(verdict.reasons(int(i), 0))))
    rec.ineligible.sort(key=lambda c: (len(c.reasons), c.officer.ref))  # the nearest to eligible first
    return rec
