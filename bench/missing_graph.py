"""The time to draw a child's link graph at a scale, and the §3 rule set of the sweep.

    .venv/bin/python bench/missing_graph.py --scale national [--db sqlite|postgresql] [--from FILE.sqlite3]

Uses a generated database (``--from`` one kept by bench/linkage_people.py, or generates one with linkage), then
measures in the same run:

- reference: one indexed query, the child's own episodes (what any child page must read);
- the child's graph as the page builds it (records of the same identity, episodes, people and places, one hop
  beyond, subjects, same-person links; networkx; the Cytoscape elements), for the 20 children with the most
  episodes and for 20 chosen at random: median and worst time, query count, nodes;
- the missing-children rule set of the sweep (every §3 rule, set-based) as of the generation date, against a
  hand-written SQL reference of its core (each episode's first screening at report, fetched and compared with the
  24-hour deadline).
"""
from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import time

from _common import machine, parser, setup_database

AS_OF = dt.date(2024, 8, 15)
SWEEP_REFERENCE = """
SELECT e.id, e.reported_at, s.first FROM missing_missingepisode e
LEFT JOIN (SELECT episode_id, MIN(at) AS first FROM missing_screening WHERE stage = 'report' GROUP BY episode_id) s
  ON s.episode_id = e.id"""


def _aware(value):
    """SQLite returns text, PostgreSQL an aware date-time."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--from", dest="source", help="an SQLite database generated earlier (kept by linkage_people.py)")
    args = p.parse_args()
    if args.source:
        os.environ["DATABASE_URL"] = f"sqlite:///{args.source}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.config.settings")
        os.environ.setdefault("VIGIL_ENV", "development")
        import django

        django.setup()
        url = os.environ["DATABASE_URL"]
    else:
        url = setup_database(args.db, args.pg, f"graph_{args.scale}")
        from vigil.demo.services import generate

        generate(scale=args.scale, seed=args.seed, as_of=AS_OF)
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from vigil.core import policy
    from vigil.missing.graph import child_graph
    from vigil.missing.models import MissingEpisode
    from vigil.people.models import Person
    from vigil.sweep.registry import SweepContext, rule_sets

    busiest = list(MissingEpisode.objects.values("child_id").annotate(n=Count("pk")).order_by("-n", "child_id")
                   .values_list("child_id", flat=True)[:20])
    every = list(MissingEpisode.objects.values_list("child_id", flat=True).distinct())
    chosen = busiest + random.Random(args.seed).sample(every, k=min(20, len(every)))
    people = Person.objects.in_bulk(chosen)

    ref_times, graph_times, queries, nodes = [], [], [], []
    for pk in chosen:
        start = time.perf_counter()
        list(MissingEpisode.objects.filter(child_id=pk).values("ref", "reported_at", "returned_at", "found_key"))
        ref_times.append(time.perf_counter() - start)
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            lg, starts = child_graph(people[pk])
            elements = lg.elements()
            lg.paths_to_subjects(starts)
            graph_times.append(time.perf_counter() - start)
        queries.append(len(ctx.captured_queries))
        nodes.append(sum(1 for e in elements if "source" not in e["data"]))
    start = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(SWEEP_REFERENCE)
        late = sum(1 for _, reported, first in cur.fetchall()
                   if first is None or _aware(first) > _aware(reported) + dt.timedelta(hours=24))
    sweep_ref = time.perf_counter() - start
    rs = next(r for r in rule_sets() if r.name == "missing")
    start = time.perf_counter()
    findings = list(rs.fn(SweepContext(as_of=AS_OF, policy=policy.current())))
    sweep = time.perf_counter() - start
    ref = statistics.median(ref_times)
    med = statistics.median(graph_times)
    print(f"machine: {machine()} (shared with other work); database {url.split(':')[0]}; scale {args.scale}")
    print(f"{MissingEpisode.objects.count()} episodes, {Person.objects.count()} person records")
    print(f"reference (the child's episodes, one indexed query): median {ref * 1000:.1f} ms")
    print(f"child's link graph: median {med * 1000:.0f} ms (× {med / ref:.0f} of the reference), worst "
          f"{max(graph_times) * 1000:.0f} ms; {min(queries)}–{max(queries)} queries; "
          f"{min(nodes)}–{max(nodes)} nodes (busiest children: median {statistics.median(nodes[:20]):.0f})")
    print(f"sweep reference (first report screening per episode, SQL): {sweep_ref:.3f} s ({late} late or missing)")
    print(f"missing-children rule set of the sweep: {sweep:.2f} s for {len(findings)} findings "
          f"(× {sweep / sweep_ref:.1f} of the sweep reference)")


if __name__ == "__main__":
    main()
