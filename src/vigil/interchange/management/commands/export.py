import sys

from vigil.core.command import VigilCommand
from vigil.interchange.services import export_document, printable_name


class Command(VigilCommand):
    help = "Write the whole database as an interchange document. Logged as a disclosure (DPA 2018 s.62)."

    def add_arguments(self, parser):
        parser.add_argument("--out", help="file to write (default: standard output)")
        parser.add_argument("--recipient", action="append", default=[],
                            help="who receives the export (repeatable); recorded in the disclosure log")
        parser.add_argument("--purpose", default="export of the whole database",
                            help="why the data is disclosed; recorded in the disclosure log")

    def handle(self, *args, **opts):
        from vigil.core.errors import InputError

        if not opts["purpose"].strip():
            raise InputError("--purpose: say why the data is disclosed (it is recorded in the disclosure log)")
        if any(not r.strip() for r in opts["recipient"]):
            raise InputError("--recipient: name who receives the export")
        recipients = opts["recipient"] or ([f"file:{opts['out']}"] if opts["out"] else ["stdout"])
        if opts["out"]:
            try:
                fh = open(opts["out"], "w", encoding="utf-8")  # noqa: SIM115 - closed below
            except OSError as exc:
                from vigil.core.errors import InputError
                raise InputError(f"--out {printable_name(opts['out'])}: cannot be written ({exc.strerror})") from None
            with fh:
                counts = export_document(fh, recipients=recipients, purpose=opts["purpose"])
            self.stderr.write(f"exported {sum(counts.values())} record(s) to {opts['out']}")
        else:
            export_document(sys.stdout, recipients=recipients, purpose=opts["purpose"])
