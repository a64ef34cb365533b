from vigil.core import access_log
from vigil.core.command import VigilCommand


class Command(VigilCommand):
    help = "The s.62 access log. 'vigil audit verify' checks the hash chain: exit 0 intact, 1 broken."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"], help="verify: check every link of the hash chain")

    def handle(self, *args, **opts):
        result = access_log.verify()
        if result.intact:
            self.stdout.write(f"access log intact: {result.checked} entries checked")
            return
        before = "1 entry before it is" if result.checked == 1 else f"{result.checked} entries before it are"
        self.stdout.write(f"access log BROKEN at entry {result.broken_id}: {result.problem} ({before} intact)")
        raise SystemExit(1)
