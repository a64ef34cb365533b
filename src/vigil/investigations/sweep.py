"""The §2 alerts: a thin set-based layer feeding the allocation rules.

- ``CRIME_BELOW_REQUIRED_LEVEL``: a current allocation whose officer fails a standing check (level, specialisms,
  probation) and has no supervisor's override; owned by the team's detective sergeant.
- ``RESTRICTED_OFFICER_ALLOCATED``: a current allocation a professional-standards restriction covers (an override
  never excuses it); owned by the team's inspector, who must reallocate.
- ``OFFICER_OVERLOADED``: workload above the capacity for the officer's level, or more than 25 open crimes.
- ``CRIME_UNALLOCATED``: an open crime a batch allocation could not place, or one without an investigator for
  ``allocation.unallocated_alert_days`` days; owned by an inspector (DI or above).

A handful of reads (allocations, officers' facts, the queue, the command chain), whatever the force's size; first,
one statement re-weighs open allocations if the policy's workload units changed.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
from django.db.models import Q

from vigil.accounts.models import Officer, rank_at_least
from vigil.core.rows import elsewhere_helps, judge_elsewhere, plain_rows
from vigil.investigations.models import Allocation, current_on, open_on
from vigil.investigations.queries import reweigh_open_allocations
from vigil.investigations.rules import (
    CrimeRules,
    CrimeTable,
    OfficerTable,
    below_level_severity,
    capacity_for,
    is_eligible,
    overload,
    overload_severity,
    unallocated_severity,
)
from vigil.investigations.selectors import crime_from_values, crime_values, officer_facts, unallocated
from vigil.sweep.catalogue import default_severity
from vigil.sweep.registry import Finding, SweepContext, rejudger, rule_set


class CommandChain:
    """Who owns an alert: a team's detective sergeant, or an inspector (DI or above) of the team or borough."""

    def __init__(self):
        self.ds: dict[int, str] = {}
        self.di: dict[int, str] = {}
        self.borough_di: dict[int, str] = {}
        for ref, rank, team_id, borough_id in (
                Officer.objects.filter(active=True, roles__role__in=["supervisor", "senior_officer"])
                .order_by("ref").values_list("ref", "rank", "team_id", "team__borough_id").distinct()):
            if rank == "DS":
                self.ds.setdefault(team_id, ref)
            if rank_at_least(rank, "DI"):
                self.di.setdefault(team_id, ref)
                if borough_id:
                    self.borough_di.setdefault(borough_id, ref)

    def sergeant(self, team_id: int | None, borough_id: int | None) -> str | None:
        return self.ds.get(team_id) or self.inspector(team_id, borough_id)

    def inspector(self, team_id: int | None, borough_id: int | None) -> str | None:
        return self.di.get(team_id) or self.borough_di.get(borough_id)


JUDGED_ELSEWHERE = "investigations.judged"


def _judge_elsewhere(ctx: SweepContext) -> None:
    """Where a core is free for it (``core.rows.elsewhere_helps``: PostgreSQL), the allocations are judged in
    another process while this one runs the missing-children rules: the rules read nothing any rule set writes.
    The workload units are first brought into line with the policy here, in the sweep's transaction; if that
    changed any, they are judged here instead, where the new units show."""
    if ctx.read_ahead and elsewhere_helps() and not reweigh_open_allocations(CrimeRules(ctx.policy)):
        ctx.shared[JUDGED_ELSEWHERE] = judge_elsewhere(judged, ctx.as_of, ctx.policy)


# Before the offender rules (order 30), though it neither reads nor writes what they do: judged here, it runs while
# the subjects' recorded facts are still being read ahead on another connection (ADR 0026), not after.
@rule_set("investigations", order=25, prepare=_judge_elsewhere)
def investigation_alerts(ctx: SweepContext):
    elsewhere = ctx.shared.pop(JUDGED_ELSEWHERE, None)
    if elsewhere is not None:
        return elsewhere.result()
    reweigh_open_allocations(CrimeRules(ctx.policy))  # the workload units follow the policy, however it changed
    return judged(ctx.as_of, ctx.policy)


def judged(as_of: dt.date, pol) -> list[Finding]:
    """Every §2 alert as of ``as_of``, the workload units already re-weighed."""
    rules = CrimeRules(pol)
    chain = CommandChain()
    rows = _allocations(Allocation.objects.filter(current_on(as_of), open_on(as_of, "crime__")))
    # The holders as one uncorrelated IN (…): a correlated EXISTS walks every allocation ever made per officer on
    # SQLite (10 s at national scale, against 0.07 s).
    officers = officer_facts(as_of, rules, Officer.objects.filter(
        pk__in=Allocation.objects.filter(current_on(as_of)).values("officer_id")))
    return [*_allocation_findings(rows, officers, rules, chain, as_of, pol),
            *_overload_findings(rows, officers, chain, pol), *unallocated_findings(rules, chain, as_of, pol)]


ALLOCATION_COLUMNS = ("id", "crime_id", "officer_id", "start", "override_by_id", "units", *crime_values("crime__"))


def _allocations(qs) -> list[dict]:
    """The allocations' rows with their crimes' facts, read plainly (30,000 at national scale; a flag is 0 or 1 on
    SQLite, as true or false it is read)."""
    return [dict(zip(ALLOCATION_COLUMNS, r, strict=True))
            for r in plain_rows(qs.values_list(*ALLOCATION_COLUMNS), dates=(ALLOCATION_COLUMNS.index("start"),))]


def _allocation_findings(rows, officers, rules, chain, as_of, pol):
    if not rows or not officers:
        return
    index = {o.pk: i for i, o in enumerate(officers)}
    crimes = [crime_from_values(r, r["crime_id"], "crime__") for r in rows]
    ot, ct = OfficerTable(officers, as_of, pol), CrimeTable(crimes, rules)
    verdict = is_eligible(ot, ct, pol, pairs=(np.array([index[r["officer_id"]] for r in rows]), np.arange(len(rows))))
    below = ~(verdict.checks["level"] & verdict.checks["specialisms"] & verdict.checks["probation"])
    restricted = ~verdict.checks["restriction"]
    for k in np.flatnonzero(below | restricted):
        r, c = rows[k], crimes[k]
        o = officers[index[r["officer_id"]]]
        reasons = verdict.reasons(int(k))
        held = f"allocated to {o.name} ({o.ref}) since {r['start'].isoformat()}"
        if restricted[k]:
            why = [x for x in reasons if "restriction" in x]
            yield Finding("RESTRICTED_OFFICER_ALLOCATED", default_severity("RESTRICTED_OFFICER_ALLOCATED"), "crime",
                          c.ref, max(r["start"], o.restriction.since if o.restriction else r["start"]),
                          (f"{held}: {why[0]}", "reallocate it to an eligible officer (a restriction cannot be "
                           "overridden)"), chain.inspector(c.team_id, c.borough_id), c.team_id)
        if below[k] and r["override_by_id"] is None:
            standing = [x for x in reasons if "restriction" not in x and not x.startswith(("no capacity", "already"))]
            yield Finding("CRIME_BELOW_REQUIRED_LEVEL", below_level_severity(bool(ct.vulnerable[k])), "crime", c.ref,
                          r["start"],
                          (f"{held}; the crime requires {ct.requirements[k]}", *standing,
                           "no supervisor override is recorded"), chain.sergeant(c.team_id, c.borough_id), c.team_id)


def _overload_findings(rows, officers, chain, pol):
    by_officer: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for r in rows:
        by_officer[r["officer_id"]].append((r["start"], r["units"]))
    for o in officers:
        reasons = overload(units=o.units, open_crimes=o.open_crimes, pip_level=o.pip_level, policy=pol)
        if not reasons:
            continue
        yield Finding("OFFICER_OVERLOADED", overload_severity(o.open_crimes, pol), "officer", o.ref,
                      _over_since(by_officer[o.pk], o, pol), tuple(reasons),
                      chain.sergeant(o.team_id, o.borough_id), o.team_id)


def _over_since(held: list[tuple[dt.date, int]], o, pol) -> dt.date:
    """The day the officer's current crimes first took them over a limit."""
    cap, max_open = capacity_for(o.pip_level, pol), int(pol["allocation.max_open_crimes"])
    units = count = 0
    for start, w in sorted(held):
        units, count = units + w, count + 1
        if units > cap or count > max_open:
            return start
    return held[-1][0] if held else dt.date.min


def unallocated_findings(rules, chain, as_of, pol, crimes=None):
    """CRIME_UNALLOCATED for the queue (or for ``crimes``, a queryset: a batch escalates its leftovers at once)."""
    wait = int(pol["allocation.unallocated_alert_days"])
    due = as_of - dt.timedelta(days=wait)
    qs = unallocated(as_of).filter(Q(reported__lte=due) | Q(escalated_on__lte=as_of))
    if crimes is not None:
        qs = qs.filter(pk__in=crimes.values("pk"))
    for row in qs.values("pk", "escalated_on", "unallocated_reason", "reported", *crime_values()).iterator(2000):
        c = crime_from_values(row, row["pk"])
        waited = (as_of - row["reported"]).days
        reasons = [f"reported on {row['reported'].isoformat()}; no investigator allocated after {waited} day"
                   f"{'' if waited == 1 else 's'}"]
        if row["escalated_on"] and row["escalated_on"] <= as_of:
            reasons.append(f"batch allocation could not place it on {row['escalated_on'].isoformat()}: "
                           f"{row['unallocated_reason']}")
            since = row["escalated_on"]
        else:
            since = row["reported"] + dt.timedelta(days=wait)
        requirement = rules.requirement(c.offence_code, c.flags)
        severity = unallocated_severity(bool(rules.vulnerability(c.offence_code, c.flags)), requirement.pip_level)
        yield Finding("CRIME_UNALLOCATED", severity, "crime", c.ref, since, tuple(reasons),
                      chain.inspector(c.team_id, c.borough_id), c.team_id)



CRIME_CODES = {"RESTRICTED_OFFICER_ALLOCATED", "CRIME_BELOW_REQUIRED_LEVEL", "CRIME_UNALLOCATED"}


def rejudge(crimes, as_of: dt.date, *, cleared_by: str, officers=()) -> dict[str, int]:
    """Re-judge some crimes (a queryset) after a write, inside the writer's transaction: their allocation and
    unallocated alerts, and the workload of every officer who holds or held them (and of ``officers``, primary
    keys: an officer whose restriction changed). What no longer holds closes, ``cleared_by`` saying why; what newly
    holds opens. A handful of queries, whatever the number of crimes (a batch re-judges all of its crimes at once).
    The re-weighing of workloads after a policy change is left to the sweep."""
    from vigil.core import policy
    from vigil.sweep.engine import reconcile

    pol = policy.current()
    rules, chain = CrimeRules(pol), CommandChain()
    crime_pks = list(crimes.values_list("pk", flat=True))
    crime_refs = set(crimes.values_list("ref", flat=True))
    officer_pks = set(Allocation.objects.filter(crime_id__in=crime_pks).values_list("officer_id", flat=True))
    officer_pks |= set(officers)
    rows = _allocations(Allocation.objects.filter(current_on(as_of), open_on(as_of, "crime__"))
                        .filter(Q(crime_id__in=crime_pks) | Q(officer_id__in=officer_pks)))
    facts = officer_facts(as_of, rules, Officer.objects.filter(pk__in=officer_pks))
    crime_findings = [f for f in (*_allocation_findings(rows, facts, rules, chain, as_of, pol),
                                  *unallocated_findings(rules, chain, as_of, pol, crimes=crimes))
                      if f.entity_id in crime_refs]
    counts = reconcile(as_of, crime_findings, CRIME_CODES, entities=("crime", crime_refs), cleared_by=cleared_by)
    officer_refs = set(Officer.objects.filter(pk__in=officer_pks).values_list("ref", flat=True))
    more = reconcile(as_of, list(_overload_findings(rows, facts, chain, pol)), {"OFFICER_OVERLOADED"},
                     entities=("officer", officer_refs), cleared_by=cleared_by)
    return {k: counts[k] + more[k] for k in counts}


@rejudger("crime")
def _rejudge_refs(refs, as_of: dt.date, *, cleared_by: str) -> dict[str, int]:
    from vigil.investigations.models import Crime

    return rejudge(Crime.objects.filter(ref__in=refs), as_of, cleared_by=cleared_by)
