from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from vigil.core.backup import backup
from vigil.core.command import VigilCommand


def progress_bar(stream) -> Progress:
    from rich.console import Console
    return Progress(TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=Console(file=stream), transient=False)


class Command(VigilCommand):
    help = ("Write the whole database (every table: the records, the access log, users and their MFA devices, API "
            "tokens, policy versions; not sessions) to one gzip'd, versioned, checksummed file that 'vigil restore' "
            "loads on SQLite or PostgreSQL. Logged as a disclosure. The access log's key and witness are not in "
            "it: keep them apart (docs/operations.md, docs/backup-format.md).")

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, metavar="FILE",
                            help="the file to write (e.g. vigil-2024-08-15.vbk.gz); never overwritten; written as "
                                 "FILE.partial and renamed when complete")

    def handle(self, *args, **opts):
        with progress_bar(self.stderr._out) as bar:
            task = bar.add_task("backing up rows", total=None)

            def progress(phase, done, total):
                bar.update(task, completed=done, total=total)

            result = backup(opts["out"], progress=progress)
        mark = f"; the access log's head is checkpoint {result.checkpoint} in the witness" if result.checkpoint else ""
        self.stdout.write(f"backed up {result.rows:,} rows in {len(result.tables)} tables to {result.path} "
                          f"({result.size / 1e6:.1f} MB, sha256 {result.sha256[:16]}…){mark}")
