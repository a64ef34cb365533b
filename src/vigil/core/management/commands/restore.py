from vigil.core.backup import restore
from vigil.core.command import VigilCommand
from vigil.core.management.commands.backup import progress_bar


class Command(VigilCommand):
    help = ("Load a backup made by 'vigil backup' into an EMPTY database, on either engine (SQLite or PostgreSQL). "
            "Checks the file's format, checksum and schema first and writes nothing if any is wrong (exit 2); then "
            "loads everything in one transaction, or nothing. The database must be new (migrations only). The "
            "access log verifies afterwards with the same key file and witness as before (docs/operations.md).")

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="a backup file written by 'vigil backup'")

    def handle(self, *args, **opts):
        with progress_bar(self.stderr._out) as bar:
            tasks = {}

            def progress(phase, done, total):
                if phase not in tasks:
                    label = "checking the file" if phase == "check" else "restoring rows"
                    tasks[phase] = bar.add_task(label, total=total)
                bar.update(tasks[phase], completed=done, total=total)

            result = restore(opts["file"], progress=progress)
        h = result.header
        log = h.get("access_log") or {}
        ends = (f"; the access log ends at entry {log['last_id']}"
                + (f" (checkpoint {log['checkpoint']} in the witness)" if log.get("checkpoint") else "")
                if log.get("last_id") else "")
        self.stdout.write(f"restored {result.rows:,} rows in {len(result.tables)} tables from a backup made "
                          f"{h.get('created_at')} on {h.get('engine')}{ends}; "
                          "check with 'vigil audit verify'")
