"""Batch allocation of one day's queue, against greedy baselines measured in the same run.

    .venv/bin/python bench/allocation_batch.py --scale london [--db sqlite|postgresql] [--days 60]

Builds the foundation's organisation (at ``london`` scale about 3,000 investigators in 12 boroughs), then the
last ``--days`` days of crimes with the Met's offence mix (the open investigations that make up each officer's
workload), and allocates the crimes reported on the last day (about 2,200 at ``london`` scale) three ways:

- **optimised**: the min-cost flow of ``vigil.investigations.batch`` (what Vigil does);
- **greedy, eligible**: each crime in turn to the least-loaded officer who passes ``is_eligible`` (reference);
- **greedy, naive**: each crime in turn to the least-loaded officer of the crime's team, whoever they are (what a
  queue without eligibility checks does: the inspection's failure).

Each result is checked allocation by allocation, in order, with ``is_eligible`` (so capacity is judged on the
workload as it grows), and scored with the recommendation's cost.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace

from _common import machine, parser, setup_database, timer

AS_OF = dt.date(2024, 8, 15)


def build(args) -> None:
    from django.db import transaction

    from vigil.demo.organisation import demo_logins, organisation, people
    from vigil.demo.registry import GenerateContext
    from vigil.investigations.generate import make_crimes

    ctx = GenerateContext(scale=args.scale, seed=args.seed, as_of=AS_OF)
    with transaction.atomic():
        organisation(ctx)
        demo_logins(ctx)
        people(ctx)
        make_crimes(ctx, days=args.days)


def evaluate(assignments, officers, crimes, pol, rules):
    """Check each allocation in order with is_eligible on the workload as it grows; total the stated cost."""

    from vigil.investigations.rules import CrimeTable, OfficerTable, allocation_cost, check_one

    by_ref = {o.ref: o for o in officers}
    live = dict(by_ref)
    crime_by_ref = {c.ref: c for c in crimes}
    violations, cost, over_levels, over_count = 0, 0.0, 0, 0
    for crime_ref, officer_ref in assignments:
        o, c = live[officer_ref], crime_by_ref[crime_ref]
        ok, _reasons, _ = check_one(o, c, AS_OF, pol, rules)
        violations += not ok
        ct = CrimeTable([c], rules)
        cost += float(allocation_cost(OfficerTable([o], AS_OF, pol), ct, pol).total[0, 0])
        over = o.pip_level - ct.requirements[0].pip_level
        over_levels += max(over, 0)
        over_count += over > 0
        live[officer_ref] = replace(o, units=o.units + int(ct.units[0]), open_crimes=o.open_crimes + 1)
    pushed_over = sum(1 for ref, o in live.items()
                      if o.units > _cap(o, pol) and by_ref[ref].units <= _cap(by_ref[ref], pol))
    return {"allocated": len(assignments), "violations": violations, "cost": cost, "over_levels": over_levels,
            "over_count": over_count, "pushed_over": pushed_over}


def _cap(o, pol):
    from vigil.investigations.rules import capacity_for

    return capacity_for(o.pip_level, pol)


def greedy(officers, crimes, pol, rules, *, eligible_only: bool):
    """Each crime in turn to the least-loaded officer (of those eligible, or of the crime's team)."""
    import numpy as np

    from vigil.investigations.rules import CrimeTable, OfficerTable, is_eligible

    ot, ct = OfficerTable(officers, AS_OF, pol), CrimeTable(crimes, rules)
    standing = is_eligible(ot, ct, pol).ok_but_capacity
    units, open_n, cap = ot.units.astype(float).copy(), ot.open.copy(), np.maximum(ot.cap, 1)
    max_open = int(pol["allocation.max_open_crimes"])
    out = []
    for j, c in enumerate(crimes):
        w = int(ct.units[j])
        if eligible_only:
            mask = standing[:, j] & (units + w <= ot.cap) & (open_n + 1 <= max_open)
        else:
            mask = ot.team == ct.team[j]
        if not mask.any():
            continue
        candidates = np.flatnonzero(mask)
        i = int(candidates[np.argmin(units[candidates] / cap[candidates])])
        units[i] += w
        open_n[i] += 1
        out.append((c.ref, officers[i].ref))
    return out


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--days", type=int, default=60, help="days of crimes to generate (the workloads)")
    args = p.parse_args()
    url = setup_database(args.db, args.pg, f"alloc_{args.scale}")
    t: dict[str, float] = {}
    with timer(t, "build"):
        build(args)

    import numpy as np

    from vigil.core.policy import defaults
    from vigil.investigations.batch import optimise
    from vigil.investigations.models import Crime
    from vigil.investigations.rules import CrimeRules
    from vigil.investigations.selectors import continuity, crime_facts, officer_facts, unallocated

    pol = defaults()
    rules = CrimeRules(pol)
    with timer(t, "read"):
        officers = officer_facts(AS_OF, rules)
        queue = list(unallocated(AS_OF).filter(reported=AS_OF).select_related("team__borough").order_by("ref"))
        crimes = crime_facts(queue)
        shared = continuity([c.pk for c in queue], AS_OF)
    start = time.perf_counter()
    plan = optimise(officers, crimes, as_of=AS_OF, policy=pol, continuity=shared)
    t["optimise"] = time.perf_counter() - start
    with timer(t, "greedy"):
        eligible_greedy = greedy(officers, crimes, pol, rules, eligible_only=True)
    naive = greedy(officers, crimes, pol, rules, eligible_only=False)

    results = {
        "optimised (min-cost flow)": evaluate([(p.crime.ref, p.officer.ref) for p in plan.proposals], officers,
                                              crimes, pol, rules),
        "greedy least-loaded, eligible": evaluate(eligible_greedy, officers, crimes, pol, rules),
        "greedy least-loaded in team, naive": evaluate(naive, officers, crimes, pol, rules),
    }
    print(f"database: {url.split('@')[-1]}  machine: {machine()}")
    print(f"scale {args.scale}: {len(officers):,} investigators, {Crime.objects.count():,} crimes over {args.days} "
          f"days (built in {t['build']:.1f} s); queue of one day: {len(crimes):,} crimes")
    loads = np.array([o.units / max(1, _cap(o, pol)) for o in officers])
    print(f"workloads before the batch: median {np.median(loads):.0%}, 90th percentile {np.quantile(loads, .9):.0%}, "
          f"{int((loads > 1).sum())} officers over capacity")
    print(f"facts read from the database: {t['read']:.2f} s")
    print(f"optimised batch allocation: {t['optimise']:.2f} s ({plan.summary()['allocated']:,} allocated, "
          f"{len(plan.unplaced):,} unallocated with reasons)")
    print(f"reference, greedy eligible: {t['greedy']:.2f} s; ratio {t['optimise'] / t['greedy']:.1f}x the reference")
    print(f"{'method':38} {'allocated':>9} {'violations':>10} {'cost':>10} {'cost/crime':>10} "
          f"{'over-qual.':>10} {'levels':>6} {'pushed over cap':>15}")
    for name, r in results.items():
        per = r["cost"] / max(1, r["allocated"])
        print(f"{name:38} {r['allocated']:>9,} {r['violations']:>10,} {r['cost']:>10.1f} {per:>10.2f} "
              f"{r['over_count']:>10,} {r['over_levels']:>6,} {r['pushed_over']:>15,}")


if __name__ == "__main__":
    main()
