from vigil.core.command import VigilCommand
from vigil.web.server import check_address, host_address, port_number, serve, workers_count


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
        opts["host"], opts["port"] = host_address(opts["host"]), port_number(opts["port"])
        workers = workers_count(opts["workers"])
        check_address(opts["host"], opts["port"])  # a port in use is one line, before "Serving on"
        self.stdout.write(f"Serving on http://{opts['host']}:{opts['port']}/ with "
                          f"{workers or 'no'} worker process{'es' if workers != 1 else ''}  (Ctrl-C to stop; "
                          f"SIGHUP restarts the workers gracefully)")
        if opts["with_worker"]:
            self.stdout.write("With one background worker for the jobs started from the web")
        serve(opts["host"], opts["port"], workers, with_worker=opts["with_worker"])
