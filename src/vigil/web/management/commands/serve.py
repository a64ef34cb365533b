from vigil.core.command import VigilCommand
from vigil.web.server import host_address, port_number, serve


class Command(VigilCommand):
    help = "Serve the web application and API."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000", help="1 to 65535 (default 8000)")

    def handle(self, *args, **opts):
        opts["host"], opts["port"] = host_address(opts["host"]), port_number(opts["port"])
        self.stdout.write(f"Serving on http://{opts['host']}:{opts['port']}/  (Ctrl-C to stop)")
        serve(opts["host"], opts["port"])
