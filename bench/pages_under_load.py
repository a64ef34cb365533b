"""Pages under load: 20 people at once on London-sized data, on the production server, per page and engine.

    .venv/bin/python bench/pages_under_load.py [--scale london] [--db sqlite|postgresql|both] [--users 20]
                                               [--seconds 60] [--workers 2] [--reuse-sqlite FILE]
                                               [--reuse-postgresql DATABASE]

Prepares the data as the demo does (``vigil demo --scale S --no-serve``: generate, sweep, demo logins) into a new
database, serves it with ``vigil serve --workers N`` (gunicorn, on 127.0.0.1 only), signs in the virtual users
as the demo's people (the offender manager, the sergeant, the superintendent, the allocation manager, the
missing-persons coordinator) and has each open its own pages in turn, as fast as the server answers, for the
given time, pausing between pages as people do while they read (``--think``, mean seconds, exponentially
distributed; 0 is flat out, the server saturated). Each page's requests, errors (any 5xx or a dropped connection),
p50 and p95 are printed per engine and think time. The reference is each person alone, in the same run.

The pages: My work (``/work/``) and the home page of panels (``/``), the subject list and a subject's page, the
crime queue, the missing-children board, and the assurance dashboard.
"""
from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from _common import ROOT, machine, parser
from concurrency import User, free_port, wait_until_up

# Each person and the pages they open; {subject} is one of the subjects the offender manager manages.
PAGES = {
    "om": [("My work", "/work/"), ("home", "/"), ("subject list", "/offenders/subjects/"),
           ("subject page", "/offenders/subjects/{subject}/")],
    "ds": [("My work", "/work/"), ("home", "/"), ("subject list", "/offenders/subjects/")],
    "supt": [("My work", "/work/"), ("assurance", "/assurance/")],
    "alloc": [("My work", "/work/"), ("crime queue", "/crimes/")],
    "mispers": [("My work", "/work/"), ("missing board", "/missing/")],
}
PEOPLE = list(PAGES)


def prepare(url: str, var: Path, scale: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DJANGO_"))}
    env.update(DATABASE_URL=url, VIGIL_VAR_DIR=str(var), VIGIL_ENV="demo", VIGIL_MFA="off",
               VIGIL_LOCKOUT_FAILURES="100000")
    return env


def subjects_of_om(env: dict) -> list[str]:
    code = ("import django; django.setup()\n"
            "from vigil.offenders.models import Subject\n"
            "print(' '.join(Subject.objects.filter(manager__user__username='om').order_by('ref')"
            ".values_list('ref', flat=True)[:20]))\n")
    out = subprocess.run([str(ROOT / ".venv/bin/python"), "-c", code], env={**env, "DJANGO_SETTINGS_MODULE":
                         "vigil.config.settings"}, capture_output=True, text=True, check=True).stdout.split()
    if not out:
        raise SystemExit("the offender manager manages no subject in this data set")
    return out


def serve(env: dict, var: Path, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = open(var / f"server-{port}.log", "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([str(ROOT / ".venv/bin/vigil"), "serve", "--port", str(port), "--workers",
                             str(workers)], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=var)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(proc, base + "/health/", log.name, 120)
    return proc, base


def load(base: str, users: int, seconds: float, subjects: list[str], think: float = 0.0,
         who: list[str] = PEOPLE) -> dict[str, list[tuple[int, float]]]:
    """Each user opens their pages in turn for ``seconds``, pausing ``think`` seconds on average between pages
    (exponentially distributed, as people's reading times are; 0: as fast as the server answers)."""
    people = [User(base, who[i % len(who)]) for i in range(users)]
    for p in people:
        p.sign_in()
    results: dict[str, list[tuple[int, float]]] = defaultdict(list)
    lock = threading.Lock()
    ready = threading.Barrier(users)
    stop_at = [0.0]

    def work(n: int, p: User) -> None:
        pages = PAGES[p.username]
        pause = random.Random(n)
        ready.wait()
        i = n  # each starts on a different page
        while time.perf_counter() < stop_at[0]:
            if think:
                time.sleep(min(pause.expovariate(1 / think), 4 * think))
            name, path = pages[i % len(pages)]
            r = p.get(path.format(subject=subjects[i % len(subjects)]))
            i += 1
            with lock:
                results[name].append(r)

    for p in people:  # one request each first: the server's caches and connections warm, as at 9 a.m.
        for _, path in PAGES[p.username]:
            p.get(path.format(subject=subjects[0]))
    stop_at[0] = time.perf_counter() + seconds
    threads = [threading.Thread(target=work, args=(n, p)) for n, p in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def summary(rows: list[tuple[int, float]]) -> tuple[int, int, float, float]:
    lat = sorted(t for _, t in rows)
    errors = sum(1 for s, _ in rows if s == 0 or s >= 500)
    return len(rows), errors, statistics.median(lat) * 1000, lat[int(0.95 * (len(lat) - 1))] * 1000


def main() -> int:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--think", default="2,0", help="mean seconds between one person's pages, comma-separated runs "
                                                  "(default 2 s, as people read a page, then 0: flat out)")
    p.add_argument("--reuse-sqlite", help="a SQLite file the demo has prepared at this scale (copied first)")
    p.add_argument("--reuse-postgresql", help="a PostgreSQL database the demo has prepared at this scale (copied "
                                              "first, as a template)")
    for action in p._actions:
        if action.dest == "db":
            action.choices = ["sqlite", "postgresql", "both"]
    p.set_defaults(db="both", scale="london")
    args = p.parse_args()
    args.think = [float(t) for t in args.think.split(",")]
    engines = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    print(f"machine: {machine()}; scale {args.scale}; {args.users} users for {args.seconds:.0f} s; "
          f"vigil serve --workers {args.workers}")
    print("| engine | page | users | think time | requests | errors | p50 ms | p95 ms | alone p50 ms |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for engine in engines:
        var = Path(tempfile.mkdtemp(prefix="vigil-load-"))
        name = None
        if engine == "sqlite":
            url = f"sqlite:///{var}/vigil.sqlite3"
            if args.reuse_sqlite:
                shutil.copyfile(args.reuse_sqlite, var / "vigil.sqlite3")
        else:
            name = f"vigil_bench_load_{os.getpid()}"
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
            template = ["-T", args.reuse_postgresql] if args.reuse_postgresql else []
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", *template, name], check=True)
            url = f"{args.pg}/{name}"
        env = prepare(url, var, args.scale)
        if not (args.reuse_sqlite if engine == "sqlite" else args.reuse_postgresql):
            started = time.perf_counter()
            subprocess.run([str(ROOT / ".venv/bin/vigil"), "demo", "--scale", args.scale, "--no-serve"], env=env,
                           cwd=var, stdout=subprocess.DEVNULL, check=True)
            print(f"<!-- {engine}: data prepared in {time.perf_counter() - started:.0f} s -->", flush=True)
        subjects = subjects_of_om(env)
        proc, base = serve(env, var, args.workers)
        try:
            alone: dict[str, list] = defaultdict(list)
            for person in PEOPLE:  # the reference: each person alone, pages back to back
                for page, rows in load(base, 1, 5, subjects, who=[person]).items():
                    alone[page] += rows
            for think in args.think:
                crowd = load(base, args.users, args.seconds, subjects, think=think)
                for page in dict.fromkeys(name for person in PEOPLE for name, _ in PAGES[person]):
                    n, errors, p50, p95 = summary(crowd[page])
                    print(f"| {engine} | {page} | {args.users} | {think:g} s | {n} | {errors} | {p50:.0f} | {p95:.0f} "
                          f"| {summary(alone[page])[2]:.0f} |", flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=60)
            if name:
                subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=False)
            shutil.rmtree(var, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
