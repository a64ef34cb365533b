"""The whole ``vigil sweep`` process on everything ``vigil generate`` makes, against a hand-written SQL reference.

    .venv/bin/python bench/sweep_whole.py --scale national [--db sqlite|postgresql] [--reuse PATH_OR_DBNAME]

Generates the whole data set (``vigil generate --scale S --as-of 2024-08-15``: officers, people, offenders and their
visits, crimes, missing episodes, linkage) into a new database, runs the first sweep (it opens the escalations and
alerts), then measures in the same run:

- reference: the hand-written SQL of the core visit rules (bench/offenders_sweep.py's query: last successful home
  visit per subject, the risk level in effect, the due date, overdue or not), all rows fetched, best of three;
- the whole process, as an operator runs it: ``vigil sweep --as-of D --summary`` in a new process (Python, Django,
  every rule set, the alert reconciliation, the access log, the summary), steady state, best of three, and its peak
  memory (maximum resident set size); and once with every alert line printed (``> /dev/null``);
- each rule set's share, in process, as the daily sweep runs them (the facts no rule writes read ahead on a second
  connection while the missing-children rules run; on PostgreSQL the allocations judged in another process
  meanwhile; the cycle collector paused), and the reconciliation.

On PostgreSQL the database is vacuumed and analysed first, as autovacuum leaves it after a load.

``--reuse`` skips generating: a SQLite file (copied first, so it is left as it was) or a PostgreSQL database name
(used in place). Figures print as ratios to the reference. A new PostgreSQL database is dropped at the end.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, machine, parser

AS_OF = "2024-08-15"
VIGIL = [sys.executable, "-m", "vigil.cli"]


def run(argv: list[str], env: dict, out=subprocess.DEVNULL) -> tuple[float, int]:
    """Run a vigil command in a new process: (seconds, peak memory in MB of that process)."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "code = subprocess.run(sys.argv[1:], stdout=sys.stdout).returncode; "
             "sys.stderr.write(f'{time.perf_counter() - t} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}'); "
             "sys.exit(code)")
    proc = subprocess.run([sys.executable, "-c", probe, *argv], env=env, stdout=out, stderr=subprocess.PIPE,
                          text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv[2:])} failed: {proc.stderr[-2000:]}")
    secs, kb = proc.stderr.strip().splitlines()[-1].split()
    return float(secs), int(kb) // 1024


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--reuse", help="an already generated SQLite file (copied) or PostgreSQL database name")
    p.set_defaults(scale="national")
    args = p.parse_args()
    dropped = None
    if args.db == "sqlite":
        path = Path(tempfile.mkdtemp(prefix="vigil-bench-")) / "sweep.sqlite3"
        if args.reuse:
            shutil.copyfile(args.reuse, path)
        url = f"sqlite:///{path}"
    else:
        name = args.reuse or "vigil_bench_sweep_whole"
        host = args.pg.split("@")[-1].split(":")[0]
        if not args.reuse:
            subprocess.run(["dropdb", "-h", host, "-U", "postgres", "--if-exists", name], check=True)
            subprocess.run(["createdb", "-h", host, "-U", "postgres", name], check=True)
            dropped = (host, name)
        url = f"{args.pg}/{name}"
    env = {**os.environ, "DATABASE_URL": url, "VIGIL_ENV": "development", "DJANGO_SETTINGS_MODULE":
           "vigil.config.settings", "VIGIL_VAR_DIR": tempfile.mkdtemp(prefix="vigil-bench-var-"),
           "PYTHONPATH": str(ROOT / "src")}
    t: dict[str, float] = {}
    if not args.reuse:
        t["generate"], _ = run([*VIGIL, "generate", "--scale", args.scale, "--seed", str(args.seed),
                                "--as-of", AS_OF], env)
        t["first"], _ = run([*VIGIL, "sweep", "--as-of", AS_OF, "--summary"], env)

    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    import datetime as dt

    from django.db import connection, transaction
    from offenders_sweep import DUE, REFERENCE

    from vigil.core import policy
    from vigil.core.rows import cycles_collected_after
    from vigil.investigations.sweep import JUDGED_ELSEWHERE
    from vigil.sweep.engine import reconcile
    from vigil.sweep.registry import SweepContext, rule_sets

    if connection.vendor == "postgresql":  # as autovacuum leaves a database after a load (docs/operations.md)
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    sql = REFERENCE.format(due=DUE[connection.vendor])
    day = dt.date.fromisoformat(AS_OF)

    def reference():
        with connection.cursor() as cur:
            cur.execute(sql, {"as_of": day})
            return cur.fetchall()

    rows = reference()
    t["reference"] = min(_timed(reference) for _ in range(3))
    connection.close()
    whole = [run([*VIGIL, "sweep", "--as-of", AS_OF, "--summary"], env) for _ in range(3)]
    t["whole"], peak = min(s for s, _ in whole), max(m for _, m in whole)
    listing = Path(env["VIGIL_VAR_DIR"]) / "sweep.txt"
    with listing.open("w") as fh:
        t["whole_listed"], peak_listed = run([*VIGIL, "sweep", "--as-of", AS_OF], env, out=fh)
    lines = sum(1 for _ in listing.open())

    parts: dict[str, float] = {}
    elsewhere: set[str] = set()
    pol = policy.current()
    # As the daily sweep runs them: the recorded facts read ahead and, on PostgreSQL, the allocations judged in
    # another process (prepare); the cycle collector paused.
    with cycles_collected_after(), transaction.atomic():
        ctx, findings, codes = SweepContext(as_of=day, policy=pol, read_ahead=True), {}, set()
        for rs in rule_sets():
            if rs.prepare is not None:
                rs.prepare(ctx)
        if JUDGED_ELSEWHERE in ctx.shared:
            elsewhere.add("investigations")
        for rs in rule_sets():
            start = time.perf_counter()
            for f in rs.fn(ctx):
                findings[f.key()] = f
            codes.update(rs.codes)
            parts[rs.name] = time.perf_counter() - start
        start = time.perf_counter()
        reconcile(day, list(findings.values()), codes)
        parts["alert reconciliation"] = time.perf_counter() - start
        transaction.set_rollback(True)

    ref = t["reference"]
    print(f"database: {url.split('@')[-1]}  machine: {machine()}  scale {args.scale}, as of {AS_OF}")
    if "generate" in t:
        print(f"generate: {t['generate']:.1f} s; first sweep (opens the escalations and alerts): {t['first']:.1f} s")
    print(f"reference SQL (core visit rules, {len(rows):,} rows): {ref:.3f} s")
    print(f"whole `vigil sweep --summary` process, steady state: {t['whole']:.2f} s = {t['whole'] / ref:.1f}x the "
          f"reference; peak memory {peak} MB")
    print(f"whole `vigil sweep` listing every alert ({lines:,} lines): {t['whole_listed']:.2f} s = "
          f"{t['whole_listed'] / ref:.1f}x; peak memory {peak_listed} MB")
    meanwhile = "; waited for, judged in another process meanwhile"
    print("in process, per rule set: " + ", ".join(
        f"{name} {secs:.2f} s ({secs / ref:.1f}x{meanwhile if name in elsewhere else ''})"
        for name, secs in parts.items()))
    connection.close()
    if hasattr(connection, "close_pool"):
        connection.close_pool()  # the pool's idle connections would keep the database from being dropped
    if dropped:
        subprocess.run(["dropdb", "-h", dropped[0], "-U", "postgres", "--if-exists", dropped[1]], check=False)
    elif args.db == "sqlite":
        shutil.rmtree(path.parent, ignore_errors=True)


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
