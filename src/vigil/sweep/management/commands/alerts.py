import json

from rich.console import Console

from vigil.accounts.models import Officer
from vigil.core import access_log
from vigil.core.command import VigilCommand
from vigil.core.errors import InputError
from vigil.sweep.engine import finding_json, finding_line, open_alerts


class Command(VigilCommand):
    help = ("The open alerts as they stand now, without sweeping (the same JSON as 'vigil sweep --json'). "
            "--owner OFFICER keeps only the alerts that officer owns.")

    def add_arguments(self, parser):
        parser.add_argument("--owner", metavar="OFFICER", help="an officer's id: only the alerts they own")
        parser.add_argument("--json", action="store_true", help="print one JSON array on stdout")

    def handle(self, *args, **opts):
        owner = opts["owner"]
        if owner is not None and not Officer.objects.filter(ref=owner).exists():
            raise InputError(f"--owner {owner[:64]!r} is not an officer")
        rows = open_alerts(owner)
        access_log.record(actor="system:alerts", operation="consultation", record_type="alerts",
                          record_ids=owner or "all", justification="open alerts listed at the command line",
                          detail=f"{len(rows)} open alert(s)")
        if opts["json"]:
            self.stdout.write(json.dumps([finding_json(f, seen) for f, seen in rows], indent=1))
            return
        console = Console(file=self.stdout, highlight=False, width=160)
        console.print(f"{len(rows)} open alert(s)" + (f" owned by {owner}" if owner else ""))
        for f, _seen in rows:
            console.print(finding_line(f), markup=False)
