"""Owned work at a scale: a busy supervisor's queue and a write with its re-judgement, against plain references.

    .venv/bin/python bench/work.py --scale london [--db sqlite|postgresql]

Generates the scale into a new database (``vigil.demo.services.generate``, seed 1, as of 2024-08-15) and runs the
sweep for that date (as ``vigil demo`` does, without its year of month-end sweeps), then measures, in the same run:

- **my work for the busiest supervisor**: of the officers with the role supervisor or senior officer, rank DS or
  above, the one with the most open work items (``open_count``): ``work_for(officer)`` (best of 3), and the web
  pages ``/work/`` and ``/work/team/`` through Django's test client signed in as that officer with a verified OTP
  device (median and p95 of 10 requests each, with their query count and the queries that took the most time).
  Reference: a hand-written SQL ``SELECT count(*)`` of that officer's open alerts, timed the same ways;
- **a write with its re-judgement**: 20 calls of ``offenders.services.record_visit`` (a successful unannounced
  visit on the as-of date, each on a different subject, by the subject's offender manager, each in its own
  transaction as the web does). Reference: the same visits inserted with a plain ``Visit.objects.create`` (no
  access log, no re-judgement) on 20 other subjects.

p95 is the nearest rank (of 10 samples, the slowest; of 20, the 19th). Prints a markdown table with the machine line.
The SQLite file (or the PostgreSQL database) is deleted at the end.
"""
from __future__ import annotations

import cProfile
import datetime as dt
import math
import os
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from _common import best, machine, parser, samples, setup_database, timer

AS_OF = dt.date(2024, 8, 15)
PAGE_REQUESTS = 10
VISITS = 20


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def ms(seconds: float) -> str:
    if seconds < 0.001:
        return f"{seconds * 1000:.3f} ms"
    return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"


class Lines:
    """Progress for the generators: one line as each step starts and as it ends (a log file stays readable)."""

    def __init__(self) -> None:
        self.tasks: dict[int, list] = {}

    def add_task(self, description: str, total: int = 0) -> int:
        tid = len(self.tasks)
        self.tasks[tid] = [description, time.perf_counter()]
        print(f"  {description} … ({total:,})", flush=True)
        return tid

    def advance(self, tid: int, n: int = 1) -> None:
        pass

    def update(self, tid: int, *, total: int, completed: int) -> None:
        description, start = self.tasks[tid]
        print(f"  {description}: {completed:,} in {time.perf_counter() - start:.1f} s", flush=True)


def _shape(sql: str) -> str:
    """A query with its literals taken out, so repeated queries group together."""
    sql = re.sub(r"'[^']*'", "?", sql)
    sql = re.sub(r"\b\d+\b", "?", sql)
    sql = re.sub(r"(\?, )+\?", "?…", sql)
    return sql


class Timed:
    """A database execute wrapper that keeps each query and its time (perf_counter, not Django's rounded ms)."""

    def __init__(self, into: list[dict]) -> None:
        self.into = into

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.into.append({"sql": sql, "time": time.perf_counter() - start})


def top_functions(profile: cProfile.Profile, n: int = 8) -> list[tuple[float, float, int, str]]:
    """The functions with the most time of their own in one profiled request."""
    stats = pstats.Stats(profile).stats
    rows = [(tt, ct, nc, f"{Path(f).name}:{line} {fn}") for (f, line, fn), (_cc, nc, tt, ct, _callers)
            in stats.items()]
    return sorted(rows, reverse=True)[:n]


def top_own_code(profile: cProfile.Profile, n: int = 10) -> list[tuple[float, int, str]]:
    """Vigil's own functions by cumulative time in one profiled call."""
    stats = pstats.Stats(profile).stats
    rows = [(ct, nc, f"{f.split('/src/')[-1]}:{line} {fn}") for (f, line, fn), (_cc, nc, _tt, ct, _callers)
            in stats.items() if "/src/vigil/" in f]
    return sorted(rows, reverse=True)[:n]


def top_queries(captured, n: int = 3) -> list[tuple[float, int, str]]:
    groups: dict[str, list[float]] = defaultdict(list)
    for q in captured:
        groups[_shape(q["sql"])].append(float(q["time"]))
    ranked = sorted(((sum(v), len(v), k) for k, v in groups.items()), reverse=True)
    return ranked[:n]


def main() -> None:
    args = parser(__doc__).parse_args()
    var = Path(tempfile.mkdtemp(prefix="vigil-bench-var-"))
    os.environ["VIGIL_VAR_DIR"] = str(var)
    os.environ["VIGIL_TODAY"] = AS_OF.isoformat()
    started = dt.datetime.now(dt.UTC)
    url = setup_database(args.db, args.pg, "work")
    try:
        measure(args, url, started)
    finally:
        from django.db import connection

        connection.close()
        if args.db == "postgresql":
            host = args.pg.split("@")[-1].split(":")[0]
            subprocess.run(["dropdb", "-h", host, "-U", "postgres", "--if-exists", "vigil_bench_work"], check=False)
        elif url.startswith("sqlite:///"):
            shutil.rmtree(Path(url.removeprefix("sqlite:///")).parent, ignore_errors=True)
        shutil.rmtree(var, ignore_errors=True)


def measure(args, url: str, started: dt.datetime) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from vigil.accounts.models import Officer, rank_at_least
    from vigil.core import clock
    from vigil.demo.services import generate
    from vigil.offenders import services
    from vigil.offenders.models import Subject, Visit
    from vigil.sweep.engine import run_sweep
    from vigil.sweep.models import Alert
    from vigil.work.queue import work_for
    from vigil.work.registry import open_count

    t: dict[str, float] = {}
    print(f"{started:%Y-%m-%d %H:%M} UTC  generating {args.scale} (seed {args.seed}, as of {AS_OF}) into "
          f"{url.split('@')[-1]}", flush=True)
    with timer(t, "generate"):
        generate(scale=args.scale, seed=args.seed, as_of=AS_OF, progress=Lines())
    print(f"generated in {t['generate']:.1f} s; sweep as of {AS_OF} …", flush=True)
    with timer(t, "sweep"):
        findings, _counts = run_sweep(AS_OF)
    print(f"sweep: {len(findings):,} open alerts in {t['sweep']:.1f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")

    # --- my work for the busiest supervisor -------------------------------------------------------------------
    candidates = [o for o in Officer.objects.filter(active=True, roles__role__in=["supervisor", "senior_officer"])
                  .select_related("team").distinct().order_by("ref") if rank_at_least(o.rank, "DS")]
    with timer(t, "open_counts"):
        counted = [(open_count(o), o.ref, o) for o in candidates]
    n_open, _ref, officer = max(counted, key=lambda c: (c[0], c[1]))
    print(f"{len(candidates):,} supervisors (DS or above) counted in {t['open_counts']:.1f} s; busiest "
          f"{officer.ref} ({officer.rank}, team {officer.team.name}): {n_open:,} open items", flush=True)
    items = work_for(officer)
    assert len(items) == n_open, (len(items), n_open)
    kinds = defaultdict(int)
    for i in items:
        kinds[i.kind] += 1
    t["work_for"] = best(lambda: work_for(officer))
    team_size = Officer.objects.filter(team_id=officer.team_id, active=True).count()

    reference_sql = f"SELECT count(*) FROM {Alert._meta.db_table} WHERE status = %s AND owner = %s"

    def reference():
        with connection.cursor() as cur:
            cur.execute(reference_sql, ["open", officer.ref])
            return cur.fetchone()[0]

    ref_alerts = reference()
    t["reference_best"] = best(reference)
    ref_times = samples(reference, PAGE_REQUESTS)

    if officer.user is None:
        officer.user = get_user_model().objects.create_user(username=f"bench-{officer.ref}")  # no usable password
        officer.save(update_fields=["user"])
    device = TOTPDevice.objects.create(user=officer.user, name="bench", confirmed=True)
    client = Client(SERVER_NAME="localhost")
    client.force_login(officer.user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    pages = {}
    for path in ("/work/", "/work/team/"):
        first = client.get(path)  # warm (templates, caches)
        assert first.status_code == 200, (path, first.status_code)
        times = []
        for _ in range(PAGE_REQUESTS):
            q: list[dict] = []
            with connection.execute_wrapper(Timed(q)):
                start = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200, (path, response.status_code)
        total = re.search(rb'data-testid="work-total">(\d+)<', response.content)
        pages[path] = {"times": times, "queries": len(q), "sql_time": sum(float(x["time"]) for x in q),
                       "top": top_queries(q), "said": total.group(1).decode() if total else "?"}
        profile = cProfile.Profile()
        profile.runcall(client.get, path)
        pages[path]["profile"] = top_functions(profile)
        print(f"{path}: median {ms(statistics.median(times))}, {len(q)} queries", flush=True)

    # --- a write with its re-judgement ------------------------------------------------------------------------
    from django.db.models import Q

    eligible = list(Subject.objects.filter(manager__isnull=False, manager__active=True,
                                           manager__roles__role="offender_manager", managed_from__lte=AS_OF,
                                           mode="active")
                    .filter(Q(managed_until__isnull=True) | Q(managed_until__gte=AS_OF))
                    .exclude(visits__date=AS_OF).distinct().order_by("pk").values_list("pk", flat=True))
    random.Random(args.seed).shuffle(eligible)
    managers: dict[int, Officer] = {}
    chosen: list[Subject] = []
    denied = 0
    for pk in eligible:  # in a random order, until 40 that their manager may change
        s = Subject.objects.select_related("manager", "manager__user").get(pk=pk)
        m = managers.setdefault(s.manager_id, s.manager)
        if m.user is None:  # a generated manager without a login: give one (no usable password)
            m.user = get_user_model().objects.create_user(username=f"bench-{m.ref}")
            m.save(update_fields=["user"])
        s.manager = m
        if Subject.objects.filter(pk=s.pk).denied_to(m.user).exists():  # a standards restriction
            denied += 1
            continue
        chosen.append(s)
        if len(chosen) == 2 * VISITS + 1:
            break
    extra = chosen.pop()  # one more visit, profiled and not timed
    with_rejudge, plain = chosen[0::2], chosen[1::2]
    refs = [s.ref for s in with_rejudge]
    open_before = Alert.objects.filter(entity_type="subject", entity_id__in=refs, status="open").count()
    overdue_before = Alert.objects.filter(entity_type="subject", entity_id__in=refs, status="open",
                                          code="VISIT_OVERDUE").count()
    at = dt.time(18, 40)
    write_times, plain_times = [], []
    for s in with_rejudge:
        start = time.perf_counter()
        with transaction.atomic():
            _visit, created = services.record_visit(actor=s.manager.user, subject=s, date=AS_OF, time=at,
                                                    outcome="seen_at_home", announced=False)
        write_times.append(time.perf_counter() - start)
        assert created
    open_after = Alert.objects.filter(entity_type="subject", entity_id__in=refs, status="open").count()
    for s in plain:
        start = time.perf_counter()
        with transaction.atomic():
            Visit.objects.create(subject=s, date=AS_OF, time=at, outcome="seen_at_home", announced=False,
                                 lead_officer=s.manager, recorded_at=clock.now())
        plain_times.append(time.perf_counter() - start)
    write_queries: list[dict] = []
    write_profile = cProfile.Profile()
    with connection.execute_wrapper(Timed(write_queries)), transaction.atomic():
        write_profile.runcall(services.record_visit, actor=extra.manager.user, subject=extra, date=AS_OF, time=at,
                              outcome="seen_at_home", announced=False)
    finished = dt.datetime.now(dt.UTC)

    # --- report -------------------------------------------------------------------------------------------------
    n_subjects, n_visits = Subject.objects.count(), Visit.objects.count()
    ref_med = statistics.median(ref_times)
    print()
    engine = f"SQLite {connection.Database.sqlite_version}" if connection.vendor == "sqlite" else "PostgreSQL"
    head = subprocess.run(["git", "-C", str(Path(__file__).resolve().parent), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    print(f"machine: {machine()}; {engine}; code at {head or '?'} (and any uncommitted edits)")
    print(f"run {started:%Y-%m-%d %H:%M}–{finished:%H:%M} UTC; scale {args.scale} (seed {args.seed}, as of {AS_OF}): "
          f"{n_subjects:,} subjects, {n_visits:,} visits; generate {t['generate']:.1f} s, sweep {t['sweep']:.1f} s "
          f"({len(findings):,} open alerts)")
    print(f"busiest supervisor: {officer.ref} ({officer.rank}, {officer.team.name}, {team_size} active officers in "
          f"the team) of {len(candidates):,}: {n_open:,} open items ("
          + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items())) + f"); {ref_alerts:,} open alerts owned")
    print()
    print("| measure | best of 3 | median | p95 | queries | ratio to the reference |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| reference: SQL `count(*)` of the officer's open alerts | {ms(t['reference_best'])} | {ms(ref_med)} | "
          f"{ms(p95(ref_times))} | 1 | 1 |")
    print(f"| `work_for(officer)`, {len(items):,} items | {ms(t['work_for'])} | | | | "
          f"{t['work_for'] / t['reference_best']:,.0f}× (best of 3) |")
    for path, p in pages.items():
        med = statistics.median(p["times"])
        print(f"| page `{path}` (10 requests, 200) | {ms(min(p['times']))} | {ms(med)} | {ms(p95(p['times']))} | "
              f"{p['queries']} | {med / ref_med:,.0f}× (median) |")
    print()
    w_med, p_med = statistics.median(write_times), statistics.median(plain_times)
    print(f"| write ({VISITS} subjects each, own transaction) | median | p95 | ratio (median) |")
    print("|---|---:|---:|---:|")
    print(f"| reference: `Visit.objects.create` | {ms(p_med)} | {ms(p95(plain_times))} | 1 |")
    print(f"| `record_visit` (access log + re-judgement) | {ms(w_med)} | {ms(p95(write_times))} | "
          f"{w_med / p_med:,.0f}× |")
    print()
    print(f"re-judgement: open alerts on the {VISITS} subjects {open_before} before ({overdue_before} VISIT_OVERDUE), "
          f"{open_after} after; {denied} subjects skipped (a restriction keeps them from their own manager)")
    total_write = max(ct for (_cc, _nc, _tt, ct, _c) in pstats.Stats(write_profile).stats.values())
    print(f"one more record_visit profiled ({extra.ref}): {len(write_queries)} queries, "
          f"{sum(q['time'] for q in write_queries) * 1000:.1f} ms in SQL, {total_write * 1000:.1f} ms under cProfile; "
          "queries with the most time:")
    for secs, count, sql in top_queries(write_queries, 5):
        print(f"  {secs * 1000:7.1f} ms  {count:4d}×  {sql[:200]}")
    print("  Vigil's functions, cumulative / calls:")
    for ct, nc, where in top_own_code(write_profile):
        print(f"  {ct * 1000:8.1f} ms {nc:6d}  {where}")
    for path, p in pages.items():
        print(f"{path} (last request): {p['queries']} queries, {p['sql_time'] * 1000:.0f} ms in SQL; the page says "
              f"{p['said']} open items; most time:")
        for secs, count, sql in p["top"]:
            print(f"  {secs * 1000:7.1f} ms  {count:4d}×  {sql[:220]}")
        print(f"  one request profiled (cProfile, {sum(r[0] for r in p['profile']) * 1000:.0f} ms in these), "
              "own time / cumulative / calls:")
        for tt, ct, nc, where in p["profile"]:
            print(f"  {tt * 1000:7.1f} ms {ct * 1000:8.1f} ms {nc:8d}  {where}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
