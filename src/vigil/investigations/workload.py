"""Workload views: open crimes per officer against capacity (the distribution chart), and the current
allocations below the required level, with and without a supervisor's override. Set-based: the facts for a
team, a borough or the force in a handful of queries, the rules over arrays."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from vigil.accounts.models import Officer
from vigil.core import access_log
from vigil.core import policy as core_policy
from vigil.investigations.models import Allocation, current_on, open_on
from vigil.investigations.rules import (
    STANDING,
    CrimeRules,
    CrimeTable,
    OfficerFacts,
    OfficerTable,
    capacities,
    is_eligible,
    overload,
)
from vigil.investigations.selectors import crime_from_values, crime_values, investigators, officer_facts


@dataclass
class OfficerLoad:
    officer: OfficerFacts
    capacity: int
    overloaded: list[str]

    @property
    def share(self) -> int:
        return round(100 * self.officer.units / self.capacity) if self.capacity else 0


@dataclass
class Workload:
    officers: list[OfficerLoad] = field(default_factory=list)
    cap_crimes: int = 25

    @property
    def overloaded(self) -> list[OfficerLoad]:
        return sorted((o for o in self.officers if o.overloaded), key=lambda o: (-o.officer.open_crimes, o.officer.ref))

    def chart(self) -> dict:
        """A histogram of open crimes per officer: within capacity, and over it (highlighted)."""
        top = max([o.officer.open_crimes for o in self.officers] + [self.cap_crimes + 1])
        within, over = Counter(), Counter()
        for o in self.officers:
            (over if o.overloaded else within)[o.officer.open_crimes] += 1
        labels = list(range(top + 1))
        return {"labels": labels, "within": [within[n] for n in labels], "over": [over[n] for n in labels],
                "cap": self.cap_crimes}


def _scoped_investigators(actor, team_id, borough_id):
    qs = investigators().filter(pk__in=Officer.objects.restrict(actor).values("pk"))
    if team_id:
        qs = qs.filter(team_id=team_id)
    elif borough_id:
        qs = qs.filter(team__borough_id=borough_id)
    return qs


def workload(*, actor, as_of: dt.date, team_id: int | None = None, borough_id: int | None = None,
             pol=None) -> Workload:
    pol = pol or core_policy.current()
    rules = CrimeRules(pol)
    cap = capacities(pol)
    facts = officer_facts(as_of, rules, _scoped_investigators(actor, team_id, borough_id))
    out = Workload(cap_crimes=int(pol["allocation.max_open_crimes"]))
    for o in facts:
        out.officers.append(OfficerLoad(o, cap(o.pip_level), overload(units=o.units, open_crimes=o.open_crimes,
                                                                      pip_level=o.pip_level, policy=pol)))
    access_log.record(actor=actor, operation="consultation", record_type="workload", record_ids=as_of.isoformat(),
                      justification="caseload balance of the team", detail=f"{len(facts)} officer(s)")
    return out


@dataclass
class BelowLevel:
    allocation: Allocation
    requirement: object
    reasons: list[str]


def below_required_level(*, actor, as_of: dt.date, team_id: int | None = None, borough_id: int | None = None,
                         pol=None) -> list[BelowLevel]:
    """Current allocations (of crimes the actor may see) whose officer fails a standing check today. The facts
    are read as values and checked set-based; only the allocations found are loaded as records."""
    pol = pol or core_policy.current()
    rules = CrimeRules(pol)
    qs = Allocation.objects.restrict(actor).filter(current_on(as_of), open_on(as_of, "crime__"))
    if team_id:
        qs = qs.filter(crime__team_id=team_id)
    elif borough_id:
        qs = qs.filter(crime__team__borough_id=borough_id)
    rows = list(qs.values("id", "officer_id", "crime_id", *crime_values("crime__")))
    if not rows:
        return []
    officers = officer_facts(as_of, rules, Officer.objects.filter(pk__in={r["officer_id"] for r in rows}))
    index = {o.pk: i for i, o in enumerate(officers)}
    crimes = CrimeTable([crime_from_values(r, r["crime_id"], "crime__") for r in rows], rules)
    verdict = is_eligible(OfficerTable(officers, as_of, pol), crimes, pol,
                          pairs=(np.array([index[r["officer_id"]] for r in rows]), np.arange(len(rows))))
    failing = np.flatnonzero(~np.logical_and.reduce([verdict.checks[c] for c in STANDING]))
    records = Allocation.objects.select_related("crime__team", "officer", "override_by").in_bulk(
        [rows[k]["id"] for k in failing])
    out = []
    for k in failing:
        reasons = [r for r in verdict.reasons(int(k)) if not r.startswith(("no capacity", "already holds"))
                   and "restriction" not in r]
        out.append(BelowLevel(records[rows[k]["id"]], crimes.requirements[k], reasons))
    out.sort(key=lambda b: (b.allocation.crime.reported, b.allocation.crime.ref))
    access_log.record(actor=actor, operation="consultation", record_type="crime",
                      record_ids=[r.allocation.crime.ref for r in out],
                      justification="supervision of allocations below the required level",
                      detail="listed as allocated below the required level")
    return out
