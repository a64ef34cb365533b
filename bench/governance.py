"""Information governance at a scale: the MoPI retention review as of a date and ten years on, a subject-access
pack for an offender with linked children, and an erasure refused and one carried out, with the log verified.

    .venv/bin/python bench/governance.py --scale london              # generates the scale into a new database
    .venv/bin/python bench/governance.py --use sqlite:////tmp/x.db   # or reads an already generated one

Measured in the same run: ``retention.due`` for the as-of date (best of 3) against a hand-written SQL reference
that reads the same facts (persons, subjects, crime roles, episodes; one grouped query each) without judging
them; the pack; the erasure; ``audit verify``. Prints counts by MoPI group, decisions recorded, what the pack
holds and withholds, and the log entries the erasures wrote. Writes to the database it is given (a request, an
erasure): use a copy.
"""
from __future__ import annotations

import os
import time
from collections import Counter

from _common import machine, parser, setup_database


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--use", help="an existing DATABASE_URL to read (its VIGIL_VAR_DIR must hold the log key)")
    args = p.parse_args()
    if args.use:
        os.environ["DATABASE_URL"] = args.use
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.config.settings")
        os.environ.setdefault("VIGIL_ENV", "development")
        import django

        django.setup()
    else:
        setup_database(args.db, args.pg, f"governance_{args.scale}")
        from vigil.demo.services import generate

        generate(scale=args.scale, seed=args.seed)
    from django.db import connection

    from vigil.core import access_log, clock, policy
    from vigil.core.errors import InputError
    from vigil.core.models import AccessLogEntry
    from vigil.governance import erasure, retention, subject_access
    from vigil.governance.models import ErasureRequest, RetentionReview
    from vigil.missing.models import OffenderLink
    from vigil.offenders.models import Subject
    from vigil.people.models import Person

    today = clock.today()
    pol = policy.current()
    print(f"# Information governance, {connection.vendor}, as of {today} ({machine()})")
    print(f"person records: {Person.objects.filter(erased_at__isnull=True).count():,}")

    def reference():
        with connection.cursor() as c:
            for sql in ("SELECT team_id, count(*) FROM people_person GROUP BY team_id",
                        "SELECT person_id, min(managed_from) FROM offenders_subject GROUP BY person_id",
                        "SELECT person_id, max(reported) FROM investigations_crimeperson cp JOIN "
                        "investigations_crime c ON c.id = cp.crime_id GROUP BY person_id",
                        "SELECT child_id, max(reported_at) FROM missing_missingepisode GROUP BY child_id"):
                c.execute(sql)
                c.fetchall()

    def best(fn, n=3):
        out = []
        for _ in range(n):
            t = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t)
        return min(out)

    ref = best(reference)
    took = best(lambda: retention.due(today, pol))
    print(f"\nretention.due: {took:.2f} s; reference (the same facts read by hand-written SQL) {ref:.2f} s; "
          f"ratio {took / ref:.1f}x")
    for label, day in (("today", today), ("in ten years", retention.years_after(today, 10))):
        due = retention.due(day, pol)
        by_group = Counter(s.group for s in due)
        disposable = Counter(s.group for s in due if s.may_dispose(day, pol))
        overdue = sum(1 for s in due if (s.due_on(pol) or day) < day)
        print(f"due {label} ({day}): {len(due):,} ({overdue:,} overdue); by group "
              + ", ".join(f"{g}: {by_group.get(g, 0):,} ({disposable.get(g, 0):,} may be disposed of)"
                          for g in (1, 2, 3)))
    all_groups = Counter(s.group for s in retention.standings(today, pol).values())
    print("records by group: " + ", ".join(f"{g}: {all_groups.get(g, 0):,}" for g in (1, 2, 3)))
    decisions = Counter((g, d) for g, d in RetentionReview.objects.values_list("group", "decision"))
    print("reviews recorded: " + (", ".join(f"group {g} {d}: {n:,}" for (g, d), n in sorted(decisions.items()))
                                  or "none"))
    print("erasure requests: " + ", ".join(f"{s}: {n}" for s, n in Counter(
        ErasureRequest.objects.values_list("status", flat=True)).items()))

    # A subject-access pack for an offender with linked children.
    linked = OffenderLink.objects.order_by("subject_ref").values_list("subject_ref", flat=True).first()
    subject = Subject.objects.select_related("person").get(ref=linked) if linked else \
        Subject.objects.select_related("person").order_by("ref").first()
    t = time.perf_counter()
    content, body = subject_access.answer(actor="system:bench", person=subject.person, as_of=today)
    print(f"\nsubject-access pack for subject {subject.ref} (person {subject.person.ref}), children linked: "
          f"{OffenderLink.objects.filter(subject_ref=subject.ref).count()}; {time.perf_counter() - t:.2f} s, "
          f"{len(body):,} bytes")
    held = {k: len(v) for k, v in content["records"].items()}
    managed = content["records"]["management"][0] if content["records"]["management"] else {}
    print(f"  holds: the person's own data ({len(content['person']['addresses'])} addresses, "
          f"{len(content['person']['aliases'])} aliases, {len(content['person']['identifiers'])} identifiers); "
          f"records {held}; visits {len(managed.get('home_visits', []))}, risk assessments "
          f"{len(managed.get('risk_assessments', []))}; recipients {len(content['recipients'])}; "
          f"retention group {content['retention']['group']}, kept until {content['retention']['kept_until']}")
    for w in content["withheld"]:
        print(f"  withheld: {w['count']} {w['what']} — {w['reason']}")

    # An erasure refused, and one carried out, with the log entries each wrote; then the chain verified.
    first = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    try:
        erasure.erase_now(actor="system:bench", person=subject.person, reason="asked by the data subject")
    except InputError as exc:
        print(f"\nerase {subject.person.ref}: {exc}")
    free = [s for s in retention.standings(today, pol).values()
            if s.group == 3 and not s.live and s.may_dispose(today, pol)]
    target = Person.objects.get(pk=sorted(free, key=lambda s: s.ref)[0].pk)
    t = time.perf_counter()
    req = erasure.erase_now(actor="system:bench", person=target, reason="asked by the data subject; no purpose left")
    print(f"erase {target.ref}: done in {time.perf_counter() - t:.2f} s, removed {req.removed}")
    for e in AccessLogEntry.objects.filter(pk__gt=first, operation="erasure").order_by("pk"):
        print(f"  log #{e.pk}: {e.operation} {e.outcome} person {e.record_id} — {e.detail}")
    t = time.perf_counter()
    result = access_log.verify()
    print(f"audit verify: {'intact' if result.intact else 'BROKEN ' + result.problem}, {result.checked:,} entries "
          f"in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
