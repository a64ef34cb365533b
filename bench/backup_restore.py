"""How long `vigil backup` takes on an SQLite database at a scale, and `vigil restore` of that file into a new
PostgreSQL database (moving a team from the embedded database to PostgreSQL); the row counts of every table
before and after.

References (same run): for the backup, gzip (level 6, as the backup uses) of the SQLite database file, the floor
for reading and compressing that much data; for the restore, PostgreSQL's own `pg_dump | psql` of the restored
database into another new one.

    .venv/bin/python bench/backup_restore.py --scale small|london|national [--pg postgres://postgres@127.0.0.1:5432]

Each `vigil` step runs as a subprocess, as an operator would run it (its start-up and migrations included).
"""
from __future__ import annotations

import gzip
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, machine, parser


def vigil(env: dict, *args: str) -> float:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "vigil.cli", *args], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"vigil {' '.join(args)} failed: {(proc.stderr or proc.stdout)[-2000:]}")
    return time.perf_counter() - start


def counts(url: str, tables: dict[str, str]) -> dict[str, int]:
    union = " UNION ALL ".join(f"SELECT '{label}', count(*) FROM {table}" for label, table in tables.items())
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as con:
            return dict(con.execute(union).fetchall())
    out = subprocess.run(["psql", url, "-At", "-F", "\t", "-c", union], check=True, capture_output=True, text=True)
    return {label: int(n) for label, n in (line.split("\t") for line in out.stdout.splitlines())}


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--keep", action="store_true", help="keep the temporary files and databases")
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vigil-bench-backup-"))
    base = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DJANGO_"))}
    base.update(VIGIL_VAR_DIR=str(work / "var"), VIGIL_ENV="development",
                PYTHONPATH=str(ROOT / "src"))
    source = f"sqlite:///{work}/source.sqlite3"
    host = args.pg.split("@")[-1].split(":")[0]
    target_db, ref_db = f"vigil_bench_restore_{args.scale}", f"vigil_bench_pgref_{args.scale}"
    target, ref = f"{args.pg}/{target_db}", f"{args.pg}/{ref_db}"
    for db in (target_db, ref_db):
        subprocess.run(["dropdb", "-h", host, "-U", "postgres", "--if-exists", db], check=True)
        subprocess.run(["createdb", "-h", host, "-U", "postgres", db], check=True)
    t: dict[str, float] = {}
    env = dict(base, DATABASE_URL=source)
    t["generate"] = vigil(env, "generate", "--scale", args.scale, "--seed", str(args.seed), "--as-of", "2024-08-15")
    t["sweep"] = vigil(env, "sweep", "--as-of", "2024-08-15")
    vigil(env, "audit", "verify")  # migrations are done; the next steps time only their own work

    os.environ.update(DATABASE_URL=source, VIGIL_VAR_DIR=base["VIGIL_VAR_DIR"], VIGIL_ENV="development",
                      DJANGO_SETTINGS_MODULE="vigil.config.settings")
    import django

    django.setup()
    from vigil.core.backup import backed_up_models

    tables = {m._meta.label: m._meta.db_table for m in backed_up_models()}
    out = work / "source.vbk.gz"
    t["startup"] = vigil(env, "backup", "--help")  # Python and Django starting, in every step below
    t["backup"] = vigil(env, "backup", "--out", str(out))
    before = counts(source, tables)
    with sqlite3.connect(source.removeprefix("sqlite:///")) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db_file = Path(source.removeprefix("sqlite:///"))
    start = time.perf_counter()
    with db_file.open("rb") as src, gzip.open(work / "ref.sqlite3.gz", "wb", compresslevel=6) as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    t["backup_ref"] = time.perf_counter() - start

    t["migrate"] = vigil(dict(base, DATABASE_URL=target), "audit", "checkpoint")  # makes the empty schema
    t["restore"] = vigil(dict(base, DATABASE_URL=target), "restore", str(out))
    after = counts(target, tables)
    start = time.perf_counter()
    dump = subprocess.Popen(["pg_dump", "--no-owner", target], stdout=subprocess.PIPE)
    subprocess.run(["psql", "-q", "-o", "/dev/null", ref], stdin=dump.stdout, check=True)
    dump.wait()
    t["restore_ref"] = time.perf_counter() - start
    verify = subprocess.run([sys.executable, "-m", "vigil.cli", "audit", "verify"], capture_output=True, text=True,
                            env=dict(base, DATABASE_URL=target))

    print(f"machine: {machine()}")
    print(f"scale {args.scale} (seed {args.seed}): generate {t['generate']:.1f} s, sweep {t['sweep']:.1f} s; "
          f"SQLite file {db_file.stat().st_size / 1e6:.1f} MB, backup file {out.stat().st_size / 1e6:.1f} MB")
    print(f"{'table':<34} {'SQLite before':>14} {'PostgreSQL after':>17}")
    for label in tables:
        if before.get(label) or after.get(label):
            mark = "" if before[label] == after[label] else "  (the restore's own access-log entry)"
            print(f"{label:<34} {before[label]:>14,} {after[label]:>17,}{mark}")
    print(f"{'total':<34} {sum(before.values()):>14,} {sum(after.values()):>17,}")
    print(f"start-up of a vigil command (included in each time below): {t['startup']:.2f} s; "
          f"rows per second after start-up: backup {sum(before.values()) / (t['backup'] - t['startup']):,.0f}, "
          f"restore {sum(after.values()) / (t['restore'] - t['startup']):,.0f}")
    print(f"backup (SQLite): {t['backup']:.2f} s; reference (gzip of the database file): {t['backup_ref']:.2f} s; "
          f"ratio {t['backup'] / t['backup_ref']:.1f}x")
    print(f"migrating the new PostgreSQL database first: {t['migrate']:.2f} s")
    print(f"restore (into PostgreSQL): {t['restore']:.2f} s; reference (pg_dump | psql of the restored database): "
          f"{t['restore_ref']:.2f} s; ratio {t['restore'] / t['restore_ref']:.1f}x")
    print(f"audit verify on PostgreSQL: {verify.stdout.strip() or verify.stderr.strip()}")
    if not args.keep:
        for db in (target_db, ref_db):
            subprocess.run(["dropdb", "-h", host, "-U", "postgres", "--if-exists", db], check=True)
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"kept: {work}, databases {target_db} and {ref_db}")


if __name__ == "__main__":
    main()
