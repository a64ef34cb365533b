"""``vigil link [--json] [--engine duckdb|spark] [--incremental]``: run record linkage over all people and print a summary."""
import json

from rich.console import Console

from vigil.core import clock
from vigil.core.command import VigilCommand
from vigil.people.linkage.engines import ENGINES
from vigil.people.linkage.models import MatchStatus, RecordMatch
from vigil.people.linkage.services import run_linkage


class Command(VigilCommand):
    help = ("Run record linkage over all people: link pairs at or above the auto-link threshold, queue uncertain "
            "ones for review, and print a summary. Logged as a combination of personal data.")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the summary as one JSON object on stdout")
        parser.add_argument("--as-of", help="YYYY-MM-DD for any alerts the new links raise (default: today)")
        parser.add_argument("--engine", choices=ENGINES, default="duckdb",
                            help="where Splink runs the model: duckdb (embedded, the default) or spark (a local "
                                 "Spark, or the cluster VIGIL_SPARK_MASTER names; docs/linkage.md)")
        parser.add_argument("--incremental", action="store_true",
                            help="compare only records new or changed since the last run (against every record), "
                                 "with the last run's parameters; identities keep their ids")
        training = parser.add_mutually_exclusive_group()
        training.add_argument("--train", dest="train", action="store_true", default=None,
                              help="estimate the parameters by EM even on a small force")
        training.add_argument("--prior", dest="train", action="store_false",
                              help="use the documented prior parameters only")

    def handle(self, *args, **opts):
        as_of = clock.parse_as_of(opts["as_of"]) if opts["as_of"] else clock.today()
        console = Console(file=self.stderr, highlight=False)
        progress = (lambda msg: console.print(f"link: {msg}")) if not opts["json"] else None
        run = run_linkage(actor="system:link", train=opts["train"], as_of=as_of, progress=progress,
                          engine=opts["engine"], incremental=opts["incremental"])
        summary = {
            "run": run.pk, "records": run.records, "parameters": run.parameters, "incremental": run.incremental,
            "thresholds": run.thresholds, "pairs_scored": run.pairs_scored,
            "linked_automatically": run.auto_linked,
            "accepted": RecordMatch.objects.filter(status=MatchStatus.ACCEPTED).count(),
            "awaiting_review": run.queued, "withdrawn": run.withdrawn, "identities": run.identities,
            "seconds": run.seconds,
        }
        if opts["json"]:
            self.stdout.write(json.dumps(summary))
            return
        out = Console(file=self.stdout, highlight=False)
        out.print(f"Record linkage run #{run.pk}{' (incremental)' if run.incremental else ''}: {run.records} records "
                  f"({run.parameters} parameters) in "
                  f"{run.seconds:.1f} s")
        out.print(f"  {run.pairs_scored} pairs{' with a new or changed record' if run.incremental else ''} at or "
                  f"above the review threshold "
                  f"({run.thresholds['review']}); auto-link at {run.thresholds['auto_link']}")
        out.print(f"  {summary['linked_automatically']} linked automatically, {summary['accepted']} accepted by "
                  f"reviewers, {run.queued} awaiting review, {run.withdrawn} withdrawn")
        out.print(f"  {run.identities} identities with two or more records")
