from vigil.core import clock
from vigil.core.command import VigilCommand
from vigil.core.errors import InputError
from vigil.work import notices

_n = notices.counted


class Command(VigilCommand):
    help = ("Email each officer that work is waiting for them: the alerts they own, the escalations awaiting their "
            "decision, the tasks handed to them or waiting in their team's queue. Each item is told once. Critical "
            "items, and escalations sent up a rank, go at once; other items go at once or in a daily digest, as "
            "the officer chose. An email says only how many items there are and where to open Vigil: no names, "
            "references or reasons. Run it every few minutes; run it with --digest once a day.")

    def add_arguments(self, parser):
        parser.add_argument("--digest", action="store_true",
                            help="also make and send the daily digest of the items waiting for one")
        parser.add_argument("--day", metavar="YYYY-MM-DD",
                            help="with --digest: the digest's day (default today); it holds the items found up to "
                                 "that day, and is made once per officer")
        parser.add_argument("--dry-run", action="store_true", help="count what would be sent; send nothing")

    def handle(self, *args, **opts):
        if opts["day"] is not None and not opts["digest"]:
            raise InputError("--day names a digest's day: use it with --digest")
        day = clock.parse_as_of(opts["day"], "--day") if opts["day"] is not None else clock.today()
        now = clock.now()
        if not opts["dry_run"]:
            self.stdout.write(notices.send(day, now, with_digest=opts["digest"]))
            return
        found = notices.collect(now, dry_run=True)
        made = notices.digest(day, now, dry_run=True, planned=found) if opts["digest"] else None
        sent = notices.deliver(now, dry_run=True)
        would = sent.pending + found.notices + (made.notices if made else 0)
        line = (f"dry run: {_n(would, 'notice')} would be sent, {_n(found.immediate, 'new item')} told at once, "
                f"{_n(found.digest, 'new item')} for the digest")
        if made:
            line += f", {_n(made.items, 'item')} in {_n(made.notices, 'digest')} for {day.isoformat()}"
        self.stdout.write(line + "; nothing sent")
