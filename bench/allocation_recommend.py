"""Recommendation latency for one crime at force scale: every investigator checked, ranked and explained.

    .venv/bin/python bench/allocation_recommend.py --scale london [--db sqlite|postgresql] [--days 60] [--crimes 200]

Builds the same data as ``allocation_batch.py`` (about 3,000 investigators and their open workloads at
``london`` scale) and times ``recommend`` for crimes of the day's queue, from the database to the ranked lists.

Reference (same run, same database): reading the candidate pool alone, the investigators' rows with their teams
(``officer_facts``'s first query), which any recommendation must do at least once.
"""
from __future__ import annotations

import statistics
import time

from _common import machine, parser, setup_database, timer
from allocation_batch import AS_OF, build


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--days", type=int, default=60)
    p.add_argument("--crimes", type=int, default=200, help="how many crimes of the queue to time")
    args = p.parse_args()
    url = setup_database(args.db, args.pg, f"rec_{args.scale}")
    t: dict[str, float] = {}
    with timer(t, "build"):
        build(args)

    from vigil.investigations.recommendation import recommend
    from vigil.investigations.selectors import investigators, unallocated

    queue = list(unallocated(AS_OF).filter(reported=AS_OF).select_related("team__borough").order_by("ref")
                 [:args.crimes])
    recommend(queue[0], as_of=AS_OF)  # warm the connection and the offence catalogue
    times, full, eligible, ineligible = [], [], [], []
    for crime in queue:
        start = time.perf_counter()
        rec = recommend(crime, as_of=AS_OF)
        shown = [c.reasons for c in rec.eligible[:25]] + [c.reasons for c in rec.ineligible[:50]]  # the page
        times.append(time.perf_counter() - start)
        rec.as_json()  # every candidate's words, as `vigil recommend --json` prints them
        full.append(time.perf_counter() - start)
        eligible.append(len(rec.eligible))
        ineligible.append(len(rec.ineligible))
        del shown
    refs = []
    for _ in range(len(queue)):
        start = time.perf_counter()
        list(investigators().select_related("team__borough").values("pk", "ref", "name", "pip_level", "team__name",
                                                                     "team__borough__name"))
        refs.append(time.perf_counter() - start)
    med, p95 = statistics.median(times), sorted(times)[int(len(times) * 0.95) - 1]
    ref = statistics.median(refs)
    print(f"database: {url.split('@')[-1]}  machine: {machine()}")
    print(f"scale {args.scale}: {eligible[0] + ineligible[0]:,} investigators checked per crime; "
          f"{len(queue)} crimes timed (built in {t['build']:.1f} s)")
    print(f"recommend one crime (ranked, with what the crime page shows): median {med * 1000:.0f} ms, "
          f"95th percentile {p95 * 1000:.0f} ms (eligible per crime: median {statistics.median(eligible):.0f})")
    print(f"... with every candidate's reasons written out (the --json output): median "
          f"{statistics.median(full) * 1000:.0f} ms")
    print(f"reference, reading the candidate pool: median {ref * 1000:.1f} ms; ratio {med / ref:.1f}x the reference")


if __name__ == "__main__":
    main()
