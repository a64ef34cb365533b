"""Recommendation for one crime: every investigator in the force checked by ``is_eligible``; the eligible ranked
by the stated cost (``allocation_cost``) with their reasons and the impact of the allocation; the ineligible
listed with the reason each is ineligible. Decision support: the allocator decides."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from vigil.core import policy as core_policy
from vigil.investigations.models import Crime
from vigil.investigations.rules import (
    CHECKS,
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


class Candidate:
    """An officer in a recommendation: eligible, with a cost, or not, with the reasons why not.

    The words (impact statement and reasons) are written when first read: a force has thousands of candidates
    for each crime, and a page shows a few dozen of them (the JSON shows them all)."""

    def __init__(self, officer: OfficerFacts, explain: Callable[[], tuple[str, tuple[str, ...]]],
                 cost: float | None = None):
        self.officer, self.cost, self._explain = officer, cost, explain

    @cached_property
    def _words(self) -> tuple[str, tuple[str, ...]]:
        return self._explain()

    @property
    def impact(self) -> str:
        return self._words[0]

    @property
    def reasons(self) -> tuple[str, ...]:
        return self._words[1]

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

    def eligible_words(i: int) -> Callable[[], tuple[str, tuple[str, ...]]]:
        def explain():
            o = facts[i]
            statement = impact(o, units, int(ot.cap[i]))
            return statement, (statement, *cost_reasons(o, cf, rec.requirement, int(cost.locality[i, 0]),
                                                        held.get(o.pk, ())))
        return explain

    def ineligible_words(i: int) -> Callable[[], tuple[str, tuple[str, ...]]]:
        return lambda: ("", tuple(verdict.reasons(i, 0)))

    for i in np.flatnonzero(ok)[np.argsort(cost.total[ok, 0], kind="stable")]:
        rec.eligible.append(Candidate(facts[i], eligible_words(int(i)), round(float(cost.total[i, 0]), 2)))
    failing = np.sum([~verdict.checks[c][:, 0] for c in CHECKS], axis=0)  # the nearest to eligible first
    for i in sorted(np.flatnonzero(~ok), key=lambda i: (failing[i], facts[i].ref)):
        rec.ineligible.append(Candidate(facts[i], ineligible_words(int(i))))
    return rec
