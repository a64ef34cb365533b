import json
from collections import Counter

from vigil.core import clock
from vigil.core.command import VigilCommand
from vigil.sweep.catalogue import label
from vigil.sweep.engine import finding_json, finding_line, run_sweep

SEVERITIES = ("critical", "high", "medium", "low")


class Command(VigilCommand):
    help = ("Evaluate every rule as of a date; open, update and close alerts and escalations; print a summary (open "
            "alerts by kind and severity; opened, still open, closed) and then the alerts open on that date "
            "(--summary: the summary only). Idempotent: run it daily (see docs/operations.md).")

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--json", action="store_true", help="print one JSON array on stdout")
        parser.add_argument("--summary", action="store_true", help="print the summary only, not each alert")

    def handle(self, *args, **opts):
        as_of = clock.parse_as_of(opts["as_of"]) if opts["as_of"] else clock.today()
        findings, counts = run_sweep(as_of)
        if opts["json"]:
            self.stdout.write(json.dumps([finding_json(f, as_of) for f in findings], indent=1))
            return
        write = self.stdout.write
        write(f"Sweep as of {as_of}: {len(findings)} open alert(s) ({counts['opened']} opened, {counts['updated']} "
              f"still open, {counts['closed']} closed)")
        by_code = Counter((f.code, f.severity) for f in findings)
        codes = sorted({c for c, _ in by_code}, key=lambda c: (-sum(by_code[(c, s)] for s in SEVERITIES), c))
        if codes:
            width = max(len(label(c)) for c in codes)
            write(f"  {'':{width}}  " + "  ".join(f"{s:>8}" for s in SEVERITIES))
            for c in codes:
                write(f"  {label(c):{width}}  " + "  ".join(f"{by_code.get((c, s), 0) or '':>8}" for s in SEVERITIES))
        if opts["summary"]:
            return
        # Plain writes, not a rich console: tens of thousands of lines at national scale print in a moment.
        if findings:
            write("\n".join(finding_line(f) for f in findings))
