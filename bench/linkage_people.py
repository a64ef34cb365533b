"""Record linkage over every person record at a scale: time, and quality against the synthetic truth.

    .venv/bin/python bench/linkage_people.py --scale national [--db sqlite|postgresql]

Generates every area's synthetic data at the scale into a new database (without the final linkage step), then
measures in the same run:

- reference: a deterministic exact-match join in DuckDB (same forename, surname and date of birth) over the same
  standardised rows;
- ``vigil link`` itself (``run_linkage``: read the records, score every blocked pair, write the matches, recompute
  identities, log the combination), with the parameters policy chooses at that size (priors below 3,000 records,
  trained above);
- quality against ``people.LinkageTruth`` (the truth of every varied record — children reported twice, adults found
  with children recorded under a subject's alias): precision, recall and F1 of the identities after the automatic
  links, and the recall once the review queue is accepted. The reference's quality is shown alongside.

The SQLite database is kept (its path is printed) for bench/missing_graph.py ``--from``.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from collections import defaultdict

from _common import machine, parser, setup_database

AS_OF = dt.date(2024, 8, 15)


def truth_pairs(pks_by_ref: dict[str, int]) -> set[tuple[int, int]]:
    from vigil.people.linkage.models import LinkageTruth

    groups: dict[str, set[int]] = defaultdict(set)
    for person_id, truth in LinkageTruth.objects.values_list("person_id", "truth"):
        groups[truth].add(person_id)
        if truth in pks_by_ref:
            groups[truth].add(pks_by_ref[truth])
    return {(a, b) for g in groups.values() for a in g for b in g if a < b}


def identity_pairs() -> set[tuple[int, int]]:
    from vigil.people.models import Person

    groups: dict[int, list[int]] = defaultdict(list)
    for pk, ident in Person.objects.filter(identity__isnull=False).values_list("pk", "identity_id"):
        groups[ident].append(pk)
    return {(a, b) for g in groups.values() for a in g for b in g if a < b}


def quality(got: set, truth: set) -> str:
    tp = len(got & truth)
    p = tp / len(got) if got else 0.0
    r = tp / len(truth) if truth else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return f"F1 {f1:.4f} (precision {p:.4f}, recall {r:.4f}; {len(got)} pairs, {len(truth)} true)"


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--from", dest="source", help="an SQLite database this script generated earlier: its linkage "
                                                 "is cleared and run again")
    args = p.parse_args()
    if args.source:
        os.environ["DATABASE_URL"] = url = f"sqlite:///{args.source}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.config.settings")
        os.environ.setdefault("VIGIL_ENV", "development")
        import django

        django.setup()
        from vigil.people.linkage.models import LinkRun, RecordMatch
        from vigil.people.models import Identity, Person

        RecordMatch.objects.all().delete()
        LinkRun.objects.all().delete()
        Person.objects.update(identity=None)
        Identity.objects.all().delete()
        generated = 0.0
    else:
        url = setup_database(args.db, args.pg, f"linkage_{args.scale}")
        from vigil.demo import registry
        from vigil.demo.services import generate

        registry._generators.pop("linkage", None)  # timed below, on its own
        start = time.perf_counter()
        generate(scale=args.scale, seed=args.seed, as_of=AS_OF)
        generated = time.perf_counter() - start

    import duckdb

    from vigil.core import policy
    from vigil.people.linkage import records
    from vigil.people.linkage.models import MatchStatus, RecordMatch
    from vigil.people.linkage.services import run_linkage
    from vigil.people.models import Person

    pks_by_ref = dict(Person.objects.values_list("ref", "pk"))
    truth = truth_pairs(pks_by_ref)
    start = time.perf_counter()
    table = records.table(records.person_rows())
    con = duckdb.connect()
    con.register("t", table)
    exact = con.execute("""SELECT l.person_id, r.person_id FROM t l JOIN t r ON l.forename = r.forename
                           AND l.surname = r.surname AND l.dob = r.dob AND l.person_id < r.person_id""").fetchall()
    reference = time.perf_counter() - start
    exact_pairs = {tuple(sorted((int(a), int(b)))) for a, b in exact}

    start = time.perf_counter()
    run = run_linkage(actor="system:bench", as_of=AS_OF)
    seconds = time.perf_counter() - start
    auto = identity_pairs()
    queued = {(m.left_id, m.right_id) for m in RecordMatch.objects.filter(status=MatchStatus.QUEUED)}
    print(f"machine: {machine()} (shared with other work); database {url.split(':')[0]}; scale {args.scale}")
    print(f"generated in {generated:.0f} s (0: reused): {run.records} person records "
          f"({table.num_rows} name rows with aliases); policy thresholds {policy.current()['linkage.review_probability']}"
          f" / {policy.current()['linkage.auto_link_probability']}")
    print(f"reference (read rows + exact-match join): {reference:.2f} s — {quality(exact_pairs, truth)}")
    print(f"vigil link ({run.parameters} parameters): {seconds:.1f} s (× {seconds / reference:.1f} of the "
          f"reference); {run.pairs_scored} pairs scored, {run.auto_linked} linked automatically, {run.queued} queued")
    print(f"  identities after automatic links: {quality(auto, truth)}")
    from vigil.people.linkage.identities import components

    accepted = {(a, b) for c in components() for a in c for b in c if a < b}
    import networkx as nx

    g = nx.Graph()
    g.add_edges_from(accepted | queued)
    with_queue = {(a, b) for c in nx.connected_components(g) for a in c for b in c if a < b}
    print(f"  if every queued pair were accepted: {quality(with_queue, truth)}")
    if args.db == "sqlite":
        print(f"database kept for bench/missing_graph.py --from {url.removeprefix('sqlite:///')}")


if __name__ == "__main__":
    main()
