"""Batch allocation of a queue: a min-cost flow (OR-Tools) under eligibility and capacity (docs/adr/0205).

The network, for the crimes of one workload weight (PIP3 crimes first, then PIP2, then PIP1):

    source ─1─▶ crime ─1, static cost─▶ officer ─1 per slot, rising workload cost─▶ sink
                  └──────────── 1, the cost of leaving it unallocated ──────────────▶ sink

An arc joins a crime to an officer only when ``is_eligible`` passes every standing check (level, specialisms,
probation, restriction). An officer has as many slots as their remaining capacity allows for crimes of that
weight (units and the 25-crime maximum), each slot costing the workload share after it, so the flow spreads work
as the recommendation's cost would. Leaving a crime unallocated costs more than any allocation, more for urgent
crimes, so the flow allocates as many as capacity allows, urgent first. The optimiser first offers each crime its
cheapest candidates (``allocation.batch.candidates_per_crime``), then every eligible officer to what is left.

Pure: facts in, a plan out. ``services`` reads the facts, stores the plan for the preview and applies it.
"""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from ortools.graph.python import min_cost_flow

from vigil.investigations.rules import (
    CrimeFacts,
    CrimeRules,
    CrimeTable,
    OfficerFacts,
    OfficerTable,
    allocation_cost,
    cost_reasons,
    impact,
    is_eligible,
)

SCALE = 100            # costs are integers in the flow: hundredths
UNPLACED = 100_000     # leaving a crime unallocated costs more than any allocation …
URGENCY = {"urgent": 30_000, "standard": 20_000, "screened_out": 0}  # … and more again the more urgent it is


@dataclass(frozen=True)
class Proposal:
    crime: CrimeFacts
    officer: OfficerFacts
    cost: float
    impact: str
    reasons: tuple[str, ...]

    def as_json(self) -> dict:
        return {"crime": self.crime.ref, "officer": self.officer.ref, "officer_name": self.officer.name,
                "cost": self.cost, "impact": self.impact, "reasons": list(self.reasons)}


@dataclass(frozen=True)
class Unplaced:
    crime: CrimeFacts
    reasons: tuple[str, ...]

    def as_json(self) -> dict:
        return {"crime": self.crime.ref, "reasons": list(self.reasons)}


@dataclass
class Plan:
    proposals: list[Proposal] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    seconds: float = 0.0
    total_cost: float = 0.0

    def summary(self) -> dict:
        return {"crimes": len(self.proposals) + len(self.unplaced), "allocated": len(self.proposals),
                "unallocated": len(self.unplaced), "total_cost": round(self.total_cost, 2),
                "seconds": round(self.seconds, 3)}


def optimise(officers: Sequence[OfficerFacts], crimes: Sequence[CrimeFacts], *, as_of: dt.date, policy,
             continuity: Mapping[int, Mapping[int, Sequence[str]]] | None = None,
             urgency: Mapping[str, str] | None = None, candidates: int | None = None) -> Plan:
    """Allocate ``crimes`` among ``officers`` at least total cost. ``continuity``: crime pk → officer pk → refs of
    crimes they hold with the same victim or suspect; ``urgency``: crime ref → urgent/standard/screened_out."""
    started = time.perf_counter()
    rules = CrimeRules(policy)
    ot, ct = OfficerTable(officers, as_of, policy), CrimeTable(crimes, rules)
    plan = Plan()
    if not len(ct):
        return plan
    continuity = continuity or {}
    urgency = urgency or {}
    k = int(candidates or policy["allocation.batch.candidates_per_crime"])
    w_load = float(policy["allocation.cost.workload"])
    max_open = int(policy["allocation.max_open_crimes"])

    verdict = is_eligible(ot, ct, policy)
    standing = verdict.ok_but_capacity                      # officers × crimes
    shared = np.zeros(standing.shape)
    officer_index = {o.pk: i for i, o in enumerate(ot.facts)}
    for j, c in enumerate(ct.facts):
        for opk in continuity.get(c.pk, {}):
            if opk in officer_index:
                shared[officer_index[opk], j] = 1.0
    # The flow prices workload slot by slot; the rest of the cost (locality, continuity, over-qualification) is static.
    cost = allocation_cost(ot, ct, policy.with_overrides(allocation__cost__workload=0.0), continuity=shared)
    static = cost.total
    units = ot.units.astype(np.int64).copy()                # updated as the batch allocates
    open_n = ot.open.astype(np.int64).copy()
    cap = ot.cap.astype(np.int64)
    placed: dict[int, int] = {}                             # crime index → officer index

    for weight in sorted(set(ct.units.tolist()), reverse=True):
        todo = [j for j in np.flatnonzero(ct.units == weight)]
        for limit in (k, None):                             # cheapest candidates first, then everyone eligible
            todo = [j for j in todo if j not in placed]
            if not todo:
                break
            for j, i in _solve(todo, weight, standing, static, units, open_n, cap, max_open, w_load, limit,
                               [URGENCY.get(urgency.get(ct.facts[j].ref, "standard"), 0) for j in todo]).items():
                placed[j] = i
                units[i] += weight
                open_n[i] += 1

    # Reasons and impact, in queue order; the workload shown is as each allocation leaves it.
    seen_units, seen_open = ot.units.astype(np.int64).copy(), ot.open.astype(np.int64).copy()
    for j, c in enumerate(ct.facts):
        if j not in placed:
            plan.unplaced.append(Unplaced(c, tuple(_why_unplaced(j, ot, ct, standing, ot_cap=cap, max_open=max_open))))
            continue
        i = placed[j]
        o = ot.facts[i]
        before = replace(o, units=int(seen_units[i]), open_crimes=int(seen_open[i]))
        w = int(ct.units[j])
        after = (seen_units[i] + w) / max(cap[i], 1)
        total = float(static[i, j] + w_load * after)
        statement = impact(before, w, int(cap[i]))
        reasons = (statement, *cost_reasons(o, c, ct.requirements[j], int(cost.locality[i, j]),
                                            continuity.get(c.pk, {}).get(o.pk, ())))
        plan.proposals.append(Proposal(c, o, round(total, 2), statement, reasons))
        plan.total_cost += total
        seen_units[i] += w
        seen_open[i] += 1
    plan.seconds = time.perf_counter() - started
    return plan


def _solve(todo: list[int], weight: int, standing: np.ndarray, static: np.ndarray, units: np.ndarray,
           open_n: np.ndarray, cap: np.ndarray, max_open: int, w_load: float, limit: int | None,
           urgency: list[int]) -> dict[int, int]:
    """One min-cost flow over the crimes ``todo`` (all of one weight): crime index → officer index."""
    slots = np.minimum((cap - units) // weight, max_open - open_n).clip(min=0)
    sub = standing[:, todo] & (slots > 0)[:, None]           # officers × todo
    first_slot = static[:, todo] + w_load * ((units + weight) / np.maximum(cap, 1))[:, None]
    tails, heads, arc_cost = [], [], []
    m = len(todo)
    for col in range(m):
        rows = np.flatnonzero(sub[:, col])
        if limit is not None and len(rows) > limit:
            rows = rows[np.argpartition(first_slot[rows, col], limit)[:limit]]
        tails.append(np.full(len(rows), 1 + col))
        heads.append(rows)
        arc_cost.append(np.rint(static[rows, todo[col]] * SCALE))
    officers_used = np.unique(np.concatenate(heads)) if heads else np.array([], dtype=int)
    sink = 1 + m + len(officers_used)
    smcf = min_cost_flow.SimpleMinCostFlow()
    if officers_used.size:
        lookup = np.zeros(int(officers_used.max()) + 1, dtype=np.int64)
        lookup[officers_used] = np.arange(len(officers_used)) + 1 + m
        t = np.concatenate(tails)
        h = lookup[np.concatenate(heads)]
        matching = smcf.add_arcs_with_capacity_and_unit_cost(t, h, np.ones(len(t), dtype=np.int64),
                                                             np.concatenate(arc_cost).astype(np.int64))
        # Each officer's slots, at the workload share after each one (rising: the flow fills the cheapest first).
        n = slots[officers_used]
        nth = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n) + 1      # 1, 2, … per officer
        after = (np.repeat(units[officers_used], n) + weight * nth) / np.repeat(np.maximum(cap[officers_used], 1), n)
        slot_tails = np.repeat(np.arange(len(officers_used)) + 1 + m, n)
        smcf.add_arcs_with_capacity_and_unit_cost(slot_tails, np.full(len(slot_tails), sink),
                                                  np.ones(len(slot_tails), dtype=np.int64),
                                                  np.rint(w_load * after * SCALE).astype(np.int64))
    else:
        t = h = np.array([], dtype=np.int64)
        matching = np.array([], dtype=np.int64)
    crimes_nodes = np.arange(1, m + 1)
    smcf.add_arcs_with_capacity_and_unit_cost(np.zeros(m, dtype=np.int64), crimes_nodes, np.ones(m, dtype=np.int64),
                                              np.zeros(m, dtype=np.int64))
    smcf.add_arcs_with_capacity_and_unit_cost(crimes_nodes, np.full(m, sink), np.ones(m, dtype=np.int64),
                                              np.array([UNPLACED + u for u in urgency], dtype=np.int64))
    smcf.set_nodes_supplies(np.array([0, sink]), np.array([m, -m]))
    if smcf.solve() != smcf.OPTIMAL:  # pragma: no cover - the network is always feasible (the unplaced arcs)
        raise RuntimeError("batch allocation: the flow could not be solved")
    out: dict[int, int] = {}
    if len(matching):
        flows = smcf.flows(matching)
        chosen = np.flatnonzero(flows)
        for a in chosen:
            out[todo[int(t[a]) - 1]] = int(officers_used[int(h[a]) - 1 - m])
    return out


def _why_unplaced(j: int, ot: OfficerTable, ct: CrimeTable, standing: np.ndarray, *, ot_cap: np.ndarray,
                  max_open: int) -> list[str]:
    c, req = ct.facts[j], ct.requirements[j]
    where = f"borough {c.borough_name}" if c.borough_name else "the crime's team"
    meets = standing[:, j]
    if not meets.any():
        return [f"no officer in the force meets the requirement ({req}) and is free of restrictions for it"]
    w = int(ct.units[j])
    room = meets & (ot.units + w <= ot_cap) & (ot.open + 1 <= max_open)
    local = meets & (ot.borough == ct.borough[j])
    if not room.any():
        return [f"no eligible officer with capacity in {where} ({int(local.sum())} meet {req}, all at capacity) "
                f"or elsewhere in the force ({int(meets.sum())} in all)"]
    return [f"the capacity of the {int(room.sum())} eligible officer(s) with room went to more urgent or heavier "
            f"crimes in this batch (none left in {where})"]
