"""The offender-management sweep at a scale, against a hand-written SQL reference of its core.

    .venv/bin/python bench/offenders_sweep.py --scale national [--db sqlite|postgresql]

Generates the organisation, the demo logins and the offenders (80,000 subjects and 1.6 million visits at
``national``) into a new database, then measures, in the same run:

- reference: one hand-written SQL query of the core visit computation (last successful home visit per subject,
  the risk level in effect, the due date and whether it is overdue), all rows fetched;
- the offenders rule set alone (every §1 rule, escalations brought into line) and the whole ``vigil sweep``
  (every registered rule set and the alert reconciliation), first run (opens the escalations) and again
  (steady state, nothing to open);
- the subject page at that scale (query count and time), for the subject with the most visits.

Figures are printed as a ratio to the reference. The PostgreSQL database is dropped at the end.
"""
from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import time

from _common import best, machine, parser, setup_database, timer

AS_OF = dt.date(2024, 8, 15)

REFERENCE = """
WITH last AS (
  SELECT subject_id, MAX(date) AS d FROM offenders_visit
  WHERE outcome = 'seen_at_home' AND date <= %(as_of)s GROUP BY subject_id),
lvl AS (
  SELECT subject_id, risk_level FROM (
    SELECT subject_id, risk_level,
           ROW_NUMBER() OVER (PARTITION BY subject_id ORDER BY approved_on DESC, date DESC, id DESC) AS rn
    FROM offenders_assessment WHERE approved_on <= %(as_of)s) ranked
  WHERE rn = 1),
iv AS (
  SELECT s.id, s.managed_from, l.d,
         CASE v.risk_level WHEN 'very_high' THEN 30 WHEN 'high' THEN 91 WHEN 'medium' THEN 182
                           WHEN 'low' THEN 365 ELSE 91 END AS interval_days
  FROM offenders_subject s LEFT JOIN last l ON l.subject_id = s.id LEFT JOIN lvl v ON v.subject_id = s.id
  WHERE s.managed_from <= %(as_of)s)
SELECT id, d, due, due < %(as_of)s AS overdue FROM (
  SELECT id, d, {due} AS due FROM iv) x
"""
DUE = {
    "sqlite": "CASE WHEN d IS NULL THEN date(managed_from, '+' || MIN(interval_days, 28) || ' days') "
              "ELSE date(d, '+' || interval_days || ' days') END",
    "postgresql": "CASE WHEN d IS NULL THEN managed_from + LEAST(interval_days, 28) ELSE d + interval_days END",
}


def main() -> None:
    args = parser(__doc__).parse_args()
    url = setup_database(args.db, args.pg, "h3_offenders")
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from vigil.core import policy
    from vigil.demo.organisation import demo_logins, organisation
    from vigil.demo.registry import GenerateContext
    from vigil.offenders.generate import offenders
    from vigil.offenders.models import Escalation, Subject, Visit
    from vigil.offenders.sweep import evaluate
    from vigil.sweep.engine import evaluate as evaluate_all
    from vigil.sweep.engine import reconcile, run_sweep
    from vigil.sweep.registry import SweepContext

    t: dict[str, float] = {}
    ctx = GenerateContext(scale=args.scale, seed=args.seed, as_of=AS_OF)
    with timer(t, "generate"), transaction.atomic():
        organisation(ctx)
        demo_logins(ctx)
        offenders(ctx)
    n_subjects, n_visits = Subject.objects.count(), Visit.objects.count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    sql = REFERENCE.format(due=DUE[connection.vendor])

    def reference():
        with connection.cursor() as cur:
            cur.execute(sql, {"as_of": AS_OF})
            return cur.fetchall()

    rows = reference()
    overdue_ref = sum(1 for r in rows if r[3])
    t["reference"] = best(reference)
    pol = policy.current()

    def offenders_rule_set():
        return list(evaluate(SweepContext(as_of=AS_OF, policy=pol)))

    with timer(t, "first_sweep"):
        findings, counts = run_sweep(AS_OF)
    escalations = Escalation.objects.count()
    t["rule_set"] = best(offenders_rule_set)
    t["sweep"] = best(lambda: run_sweep(AS_OF))
    overdue = sum(1 for f in findings if f.code == "VISIT_OVERDUE")
    # where the whole sweep's time goes: the engine's own steps, timed as each rule set finishes
    parts: dict[str, float] = {}
    mark = [time.perf_counter()]

    def finished(name: str) -> None:
        now = time.perf_counter()
        parts[name], mark[0] = now - mark[0], now

    every_finding, codes = evaluate_all(AS_OF, pol, progress=finished)
    with timer(parts, "alert reconciliation"):
        reconcile(AS_OF, every_finding, codes)

    # the subject page: the subject with the most visits, opened by an offender manager of its team
    sid = (Visit.objects.values("subject_id").order_by().annotate(n=Count("pk")).order_by("-n")
           .values_list("subject_id", "n").first())
    subject = Subject.objects.select_related("team").get(pk=sid[0])
    from vigil.accounts.models import Officer

    officer = (Officer.objects.filter(team=subject.team, roles__role="offender_manager", user__isnull=False).first()
               or Officer.objects.filter(team=subject.team, roles__role="offender_manager").first())
    if officer.user is None:
        from django.contrib.auth import get_user_model

        officer.user = get_user_model().objects.create_user(username="bench")  # no usable password
        officer.save(update_fields=["user"])
    device = TOTPDevice.objects.create(user=officer.user, name="bench", confirmed=True)
    client = Client(SERVER_NAME="localhost")
    client.force_login(officer.user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    path = f"/offenders/subjects/{subject.ref}/?as_of={AS_OF.isoformat()}"
    assert client.get(path).status_code == 200
    page_times = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as q:
            start = time.perf_counter()
            response = client.get(path)
            page_times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    queries = len(q)

    print(f"database: {url.split('@')[-1]}  machine: {machine()}  as of {AS_OF}")
    print(f"scale {args.scale}: {n_subjects:,} subjects, {n_visits:,} visits; generated in {t['generate']:.1f} s")
    print(f"reference SQL (last successful visit, level, due, overdue; {len(rows):,} rows, {overdue_ref:,} overdue): "
          f"{t['reference']:.3f} s")
    print(f"first sweep (opens {escalations:,} escalations, {counts['opened']:,} alerts): {t['first_sweep']:.2f} s "
          f"= {t['first_sweep'] / t['reference']:.1f}x the reference")
    print(f"offenders rule set, steady state ({overdue:,} VISIT_OVERDUE): {t['rule_set']:.2f} s "
          f"= {t['rule_set'] / t['reference']:.1f}x the reference")
    print(f"whole sweep, steady state (all rule sets + alert reconciliation, {len(findings):,} alerts): "
          f"{t['sweep']:.2f} s = {t['sweep'] / t['reference']:.1f}x the reference")
    print("  of which: " + ", ".join(f"{name} {secs:.2f} s" for name, secs in parts.items()))
    print(f"subject page {subject.ref} ({sid[1]:,} visits): {queries} queries, "
          f"median {statistics.median(page_times) * 1000:.0f} ms over 5 requests")
    if args.db == "postgresql":
        connection.close()
        host = args.pg.split("@")[-1].split(":")[0]
        subprocess.run(["dropdb", "-h", host, "-U", "postgres", "--if-exists", "vigil_bench_h3_offenders"],
                       check=False)
    elif os.environ["DATABASE_URL"].startswith("sqlite:///"):
        os.unlink(os.environ["DATABASE_URL"].removeprefix("sqlite:///"))


if __name__ == "__main__":
    main()
