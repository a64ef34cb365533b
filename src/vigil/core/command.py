"""Base class for every ``vigil`` command: input problems are one line each and exit 2; nothing else ever
shows a traceback (it is logged under ./var/log and summarised in one line, exit 1)."""
from __future__ import annotations

import logging
import sys
import traceback

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vigil.core.errors import InputError


class VigilCommand(BaseCommand):
    requires_system_checks: list = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser("vigil", subcommand.removeprefix("vigil_"), **kwargs)
        return parser

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except InputError as exc:
            for line in exc.problems:
                self.stderr.write(line)
            if len(exc.problems) > 1 or str(exc) != exc.problems[0]:
                self.stderr.write(str(exc))
            sys.exit(2)
        except CommandError as exc:
            self.stderr.write(f"vigil: {exc}")
            sys.exit(getattr(exc, "returncode", 1) or 1)
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:
            log_dir = settings.VAR_DIR / "log"
            log_dir.mkdir(parents=True, exist_ok=True)
            with (log_dir / "vigil.log").open("a") as fh:
                fh.write(traceback.format_exc())
            logging.getLogger("vigil").debug("command failed", exc_info=True)
            self.stderr.write(f"vigil: internal error ({type(exc).__name__}: {str(exc)[:200]}); "
                              f"details in {log_dir / 'vigil.log'}")
            sys.exit(1)
