import json

from rich.console import Console

from vigil.accounts.models import Officer
from vigil.core import access_log
from vigil.core.command import VigilCommand
from vigil.core.errors import InputError
from vigil.work.queue import work_for


class Command(VigilCommand):
    help = ("An officer's open work items, most urgent first: the alerts they own, the escalations awaiting their "
            "decision, and the tasks handed to them or waiting in their team's queue; each with its kind, record, "
            "title, due date and reasons.")

    def add_arguments(self, parser):
        parser.add_argument("officer", metavar="OFFICER", help="the officer's id")
        parser.add_argument("--json", action="store_true", help="print one JSON array on stdout")

    def handle(self, *args, **opts):
        ref = opts["officer"]
        officer = Officer.objects.filter(ref=ref).select_related("team").first()
        if officer is None:
            raise InputError(f"{ref[:64]!r} is not an officer")
        items = work_for(officer)
        access_log.record(actor="system:work", operation="consultation", record_type="officer", record_ids=ref,
                          justification="an officer's owned work listed at the command line",
                          detail=f"{len(items)} open work item(s)")
        if opts["json"]:
            self.stdout.write(json.dumps([i.as_json() for i in items], indent=1))
            return
        console = Console(file=self.stdout, highlight=False, width=160)
        console.print(f"{len(items)} open work item(s) for {officer.titled} ({officer.ref})")
        for i in items:
            who = "" if i.owner else " [team queue]"
            console.print(f"[{i.severity.upper():8}] {i.kind:10} {i.record}: {i.title}, due {i.due:%-d %b %Y}{who}"
                          f" — {'; '.join(i.reasons)}", markup=False)
