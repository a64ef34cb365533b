from vigil.core.command import VigilCommand
from vigil.web.server import serve


class Command(VigilCommand):
    help = ("Serve the web application and API with the production server (gunicorn): --workers processes, "
            "graceful restarts on SIGHUP, /health/ for a load balancer. TLS goes in front (docs/operations.md).")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000", help="1 to 65535 (default 8000)")
        parser.add_argument("--workers", default="2",
                            help="worker processes of the production server (default 2; about two per core); "
                                 "0 runs one process with Django's threaded server")
        parser.add_argument("--with-worker", action="store_true",
                            help="also run one background worker (`vigil worker`), stopped with the server: one "
                                 "machine, as the demo; production runs `vigil worker` as its own service")

    def handle(self, *args, **opts):
        serve(opts["host"], opts["port"], opts["workers"], with_worker=opts["with_worker"], announce=self.stdout.write)
