import json
from collections import Counter

from rich.console import Console

from vigil.core import access_log, clock, policy
from vigil.core.command import VigilCommand
from vigil.governance import retention


class Command(VigilCommand):
    help = ("MoPI retention review. 'due' lists the person records whose review is due on a date (overdue "
            "first), each with its MoPI group and the reasons a review officer can check; nothing is changed.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["due"], help="due: the records due a review on --as-of")
        parser.add_argument("--as-of", required=True, metavar="YYYY-MM-DD", help="the date to judge on")
        parser.add_argument("--json", action="store_true", help="print one JSON array on stdout")

    def handle(self, *args, **opts):
        as_of = clock.parse_as_of(opts["as_of"], "--as-of")
        pol = policy.current()
        rows = retention.due(as_of, pol)
        if rows:
            access_log.record(actor="system:retention", operation="consultation", record_type="person",
                              record_ids=[s.ref for s in rows], justification=retention.PURPOSE,
                              detail=f"records due a retention review on {as_of}")
        if opts["json"]:
            self.stdout.write(json.dumps([s.as_json(as_of, pol) for s in rows], indent=1))
            return
        console = Console(file=self.stdout, highlight=False, width=160)
        groups = Counter(s.group for s in rows)
        overdue = sum(1 for s in rows if (s.due_on(pol) or as_of) < as_of)
        console.print(f"{len(rows)} record(s) due a MoPI retention review on {as_of:%-d %b %Y} ({overdue} overdue): "
                      + ", ".join(f"group {g}: {groups.get(g, 0)}" for g in (1, 2, 3)), markup=False)
        for s in rows:
            due = s.due_on(pol) or as_of
            console.print(f"person {s.ref}  group {s.group}  due {due:%-d %b %Y}"
                          f"{'  may be disposed of' if s.may_dispose(as_of, pol) else ''} — "
                          f"{'; '.join(s.reasons_said(as_of, pol))}", markup=False)
