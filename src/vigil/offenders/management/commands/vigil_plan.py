"""``vigil plan``: propose unannounced visit dates and times for an officer's caseload."""
from __future__ import annotations

import json

from rich.console import Console

from vigil.accounts.models import Officer
from vigil.core import clock
from vigil.core.command import VigilCommand
from vigil.core.errors import InputError
from vigil.core.exports import csv_writer
from vigil.offenders.services import plan_visits


class Command(VigilCommand):
    help = ("Propose unannounced visits for an officer's subjects due within the horizon (or overdue): a date and "
            "time window drawn at random inside each due window, on varied weekdays and times including evenings, "
            "avoiding the pattern of the subject's last visits. --save adds them to the officer's plan.")

    def add_arguments(self, parser):
        parser.add_argument("--officer", required=True, help="the officer's id (e.g. O00012)")
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--days", type=int, default=14, help="horizon in days (default 14)")
        parser.add_argument("--save", action="store_true", help="record the proposals as the officer's plan")
        parser.add_argument("--csv", action="store_true", help="print CSV (date, from, to, subject, why)")
        parser.add_argument("--json", action="store_true", help="print one JSON array")

    def handle(self, *args, **opts):
        as_of = clock.parse_as_of(opts["as_of"]) if opts["as_of"] else clock.today()
        if not 1 <= opts["days"] <= 60:
            raise InputError("--days must be between 1 and 60")
        officer = Officer.objects.select_related("team", "user").filter(ref=opts["officer"]).first()
        if officer is None:
            raise InputError(f"--officer {opts['officer']!r} is not a known officer id")
        if officer.user is None:
            raise InputError(f"{officer.ref} has no login: plans are made for an officer who can sign in")
        proposals = plan_visits(actor=officer.user, officer=officer, as_of=as_of, horizon_days=opts["days"],
                                save=opts["save"])
        rows = [{"date": p.date.isoformat(), "from": p.window_start.strftime("%H:%M"),
                 "to": p.window_end.strftime("%H:%M"), "subject": s.ref, "risk_level": st.level,
                 "due": st.visit_due.isoformat() if st.visit_due else None, "reasons": list(p.reasons)}
                for s, st, p in proposals]
        if opts["json"]:
            self.stdout.write(json.dumps(rows, indent=1))
            return
        if opts["csv"]:
            w = csv_writer(self.stdout)
            w.writerow(["date", "from", "to", "subject", "risk_level", "due", "why"])
            for r in rows:
                w.writerow([r["date"], r["from"], r["to"], r["subject"], r["risk_level"], r["due"],
                            "; ".join(r["reasons"])])
            return
        console = Console(file=self.stdout, highlight=False, width=140)
        saved = " (saved to the plan)" if opts["save"] else ""
        console.print(f"{officer.name}: {len(rows)} unannounced visit(s) proposed as of {as_of}{saved}")
        for r in sorted(rows, key=lambda r: (r["date"], r["from"])):
            console.print(f"{r['date']} {r['from']}–{r['to']}  {r['subject']:<10} {r['risk_level']:<9} "
                          f"due {r['due']}  {r['reasons'][1]}", markup=False)
