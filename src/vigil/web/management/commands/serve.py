from vigil.core.command import VigilCommand
from vigil.web.server import serve


class Command(VigilCommand):
    help = "Serve the web application and API."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, **opts):
        self.stdout.write(f"Serving on http://{opts['host']}:{opts['port']}/  (Ctrl-C to stop)")
        serve(opts["host"], opts["port"])
