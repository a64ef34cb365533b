"""Allocation figures for assurance beyond the §2 alerts: overrides in force, and the heaviest caseload.
(Allocations below the required level without an override, officers over capacity and unallocated crimes are
counted from their alerts in ``vigil.assurance.catalogue``.)"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np

from vigil.accounts.models import Officer
from vigil.assurance.catalogue import ALLOCATION
from vigil.assurance.indicators import Indicator, register
from vigil.core import policy as core_policy
from vigil.investigations.models import Allocation, current_on, open_on
from vigil.investigations.rules import STANDING, CrimeRules, CrimeTable, OfficerTable, is_eligible
from vigil.investigations.selectors import crime_facts, officer_facts, workloads


def below_level_with_override(as_of: dt.date) -> dict[int | None, float]:
    """Current allocations below the required level that a supervisor's override covers, by the crime's team."""
    pol = core_policy.current()
    rules = CrimeRules(pol)
    rows = list(Allocation.objects.filter(current_on(as_of), open_on(as_of, "crime__"), override_by__isnull=False)
                .select_related("crime__team__borough"))
    if not rows:
        return {}
    officers = officer_facts(as_of, rules, Officer.objects.filter(pk__in={a.officer_id for a in rows}))
    index = {o.pk: i for i, o in enumerate(officers)}
    verdict = is_eligible(OfficerTable(officers, as_of, pol), CrimeTable(crime_facts([a.crime for a in rows]), rules),
                          pol, pairs=(np.array([index[a.officer_id] for a in rows]), np.arange(len(rows))))
    below = ~np.logical_and.reduce([verdict.checks[c] for c in STANDING])
    out: dict[int | None, float] = defaultdict(float)
    for k in np.flatnonzero(below):
        out[rows[k].crime.team_id] += 1
    return dict(out)


def most_open_crimes(as_of: dt.date) -> dict[int | None, float]:
    """The most open crimes held by one officer, by the officer's team (rolled up as the maximum)."""
    load = workloads(as_of)
    teams = dict(Officer.objects.values_list("pk", "team_id")) if load else {}  # one read, not an IN of thousands
    out: dict[int | None, float] = {}
    for oid, (n, _units) in load.items():
        team = teams.get(oid)
        out[team] = max(out.get(team, 0), n)
    return out


register(Indicator("below_level_with_override", "Crimes allocated below the required level with a supervisor's "
                   "override", ALLOCATION, below_level_with_override, order=34, trend=False))
register(Indicator("most_open_crimes", "Most open crimes held by one officer", ALLOCATION, most_open_crimes,
                   combine="max", order=35, trend=False))
