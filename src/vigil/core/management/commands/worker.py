import logging
import os
import socket

from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from vigil.core.command import VigilCommand
from vigil.core.errors import InputError


class Command(VigilCommand):
    help = ("Run the background jobs started from the web (batch allocation, record linkage, ...) until stopped. "
            "Run one or more beside `vigil serve` (docs/operations.md); SIGTERM lets the job in hand finish first. "
            "--batch runs what is queued now and stops.")

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="run the jobs queued now, then stop")
        parser.add_argument("--interval", default="1",
                            help="seconds to wait before looking again when nothing is queued (default 1)")

    def handle(self, *args, **opts):
        try:
            interval = float(opts["interval"])
        except ValueError:
            interval = -1
        if not 0 < interval <= 3600:
            raise InputError(f"--interval {str(opts['interval'])[:40]!r} is not a number of seconds (0 to 3600)")
        jobs_log = logging.getLogger("django_tasks_db")
        if not jobs_log.hasHandlers():
            jobs_log.addHandler(logging.StreamHandler(self.stderr))
        jobs_log.setLevel(logging.WARNING)
        worker = Worker(queue_names=["default"], excluded_queue_names=[], interval=interval, batch=opts["batch"],
                        backend_name="default", startup_delay=False, max_tasks=None,
                        worker_id=f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(6)}")
        if not opts["batch"]:
            self.stdout.write("Running background jobs (Ctrl-C to stop)")
        worker.configure_signals()
        try:
            worker.run()
        finally:
            worker.reset_signals()
