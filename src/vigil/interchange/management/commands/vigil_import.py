from vigil.core.command import VigilCommand
from vigil.interchange.services import import_document, read_document


class Command(VigilCommand):
    help = ("Load an interchange document atomically: everything or nothing. Problems are listed one per line "
            "with their JSON path; exit 2 and nothing is written.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the interchange JSON document")

    def handle(self, *args, **opts):
        doc = read_document(opts["file"])
        counts = import_document(doc, source=opts["file"])
        total = sum(counts.values())
        detail = ", ".join(f"{n} {k}" for k, n in counts.items()) or "nothing"
        self.stdout.write(f"imported {total} record(s): {detail}")
