from django.core.management.base import CommandError

from vigil.core import access_log, log_anchor
from vigil.core.command import VigilCommand
from vigil.core.errors import InputError


class Command(VigilCommand):
    help = ("The s.62 access log. 'verify' checks the signed hash chain against the newest checkpoint in the "
            "witness (exit 0 intact, 1 broken); 'checkpoint' writes the chain's head to the witness now; "
            "'new-key' adds a signing key to the key file and makes it the one in use.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "checkpoint", "new-key"],
                            help="verify: check every link and the witness; checkpoint: anchor the head now; "
                                 "new-key: rotate the signing key (the change is recorded in the chain)")
        parser.add_argument("--since", metavar="CHECKPOINT",
                            help="verify only the entries after checkpoint number CHECKPOINT (as printed by "
                                 "'vigil audit checkpoint'), and that checkpoint's own entry")

    def handle(self, *args, **opts):
        since = None
        if opts["since"] is not None:
            if opts["action"] != "verify":
                raise InputError("--since goes with 'verify' only")
            if not opts["since"].isdigit() or int(opts["since"]) < 1:
                raise InputError(f"--since {opts['since']!r} is not a checkpoint number (1, 2, ...)")
            since = int(opts["since"])
        if opts["action"] == "checkpoint":
            try:
                mark = access_log.checkpoint()
            except OSError as exc:
                raise CommandError(f"cannot write the witness: {exc.strerror}: {exc.filename}") from None
            if mark is None:
                self.stdout.write("the access log is empty: nothing to checkpoint")
            else:
                where = ", ".join(log_anchor.witness_targets())
                self.stdout.write(f"checkpoint {mark.number}: entry {mark.last_id} at {mark.at}, written to {where}")
            return
        if opts["action"] == "new-key":
            key_id = log_anchor.new_key()
            self.stdout.write(f"signing key {key_id} added to {log_anchor.key_file()} and in use from the next entry; "
                              "keep every earlier key: verify needs them")
            return
        result = access_log.verify(since=since)
        if result.intact:
            anchored = f"; ends after {result.checkpoint.describe()}" if result.checkpoint else ""
            start = f" after checkpoint {since}" if since else ""
            self.stdout.write(f"access log intact: {result.checked} entries checked{start}{anchored}")
            if result.warning:
                self.stdout.write(f"warning: {result.warning}")
            return
        if result.broken_id is None:
            self.stdout.write(f"access log BROKEN: {result.problem}")
        else:
            before = "1 entry before it is" if result.checked == 1 else f"{result.checked} entries before it are"
            self.stdout.write(f"access log BROKEN at entry {result.broken_id}: {result.problem} ({before} intact)")
        raise SystemExit(1)
