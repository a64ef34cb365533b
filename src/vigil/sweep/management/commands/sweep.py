import json

from rich.console import Console

from vigil.core import clock
from vigil.core.command import VigilCommand
from vigil.sweep.engine import finding_json, finding_line, run_sweep


class Command(VigilCommand):
    help = ("Evaluate every rule as of a date; open, update and close alerts and escalations; print the alerts "
            "open on that date. Idempotent: run it daily (see docs/operations.md).")

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--json", action="store_true", help="print one JSON array on stdout")

    def handle(self, *args, **opts):
        as_of = clock.parse_as_of(opts["as_of"]) if opts["as_of"] else clock.today()
        findings, counts = run_sweep(as_of)
        if opts["json"]:
            self.stdout.write(json.dumps([finding_json(f, as_of) for f in findings], indent=1))
            return
        console = Console(file=self.stdout, highlight=False, width=160)
        console.print(f"Sweep as of {as_of}: {len(findings)} open alert(s) "
                      f"({counts['opened']} opened, {counts['updated']} still open, {counts['closed']} closed)")
        for f in findings:
            console.print(finding_line(f), markup=False)
