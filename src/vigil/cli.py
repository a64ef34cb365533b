"""The ``vigil`` command: one console script over Django management commands.

Every command reads DATABASE_URL (default: an embedded SQLite file under ./var/) and creates or migrates the
database as needed. Bad input gets one line on stderr and exit status 2, never a traceback.
"""
from __future__ import annotations

import os
import sys

COMMANDS = {
    "demo": "generate synthetic data, run the sweep, serve on 127.0.0.1:8000 and print the demo logins",
    "serve": "serve the web application and API",
    "worker": "run the background jobs started from the web (batch allocation, linkage); --batch: what is queued",
    "import": "load an interchange document atomically (everything or nothing)",
    "export": "write the whole database as an interchange document (logged as a disclosure)",
    "sweep": "evaluate every rule as of a date and print the open alerts",
    "alerts": "the open alerts as they stand now, without sweeping (--owner OFFICER, --json)",
    "work": "an officer's open work items, most urgent first: alerts they own, escalations, tasks (--json)",
    "notify": "email each officer that work is waiting (no personal data); --digest for the daily digest",
    "generate": "write realistic synthetic data (--scale small|london|national --seed N)",
    "audit": "the access log: 'audit verify' checks its signed chain and checkpoints; 'audit checkpoint'",
    "user": "accounts: 'user add' provisions a login for an officer",
    "token": "API tokens: 'token create' issues one for an integration",
    "recommend": "rank the eligible officers for one crime",
    "link": "run record linkage over all people",
    "plan": "propose unannounced visit dates and times for an officer's caseload",
    "policy": "show force policy and its versions",
    "database": "PostgreSQL least privilege: 'database roles' creates the owner and application roles",
    "backup": "write the whole database to one checksummed file (--out FILE; logged as a disclosure)",
    "restore": "load a backup into an empty database, on SQLite or PostgreSQL (everything or nothing)",
    "retention": "MoPI retention review: 'retention due --as-of D' lists the records due a review, with reasons",
    "sar": "the subject-access pack for a person, third parties withheld (--out FILE)",
    "erase": "erase a person where no retention rule or live case requires the record (--reason TEXT)",
}

# Management command names that differ from the vigil command (Python keywords cannot be module names).
_DJANGO_NAME = {"import": "vigil_import", "link": "vigil_link", "plan": "vigil_plan"}


def _usage() -> str:
    width = max(len(c) for c in COMMANDS)
    lines = ["usage: vigil COMMAND [options]   (vigil COMMAND --help for each command's options)", "",
             "commands:"]
    lines += [f"  {name.ljust(width)}  {text}" for name, text in COMMANDS.items()]
    lines += ["", "environment: DATABASE_URL (sqlite:///path or postgres://user@host:port/db), VIGIL_ENV, "
              "VIGIL_SECRET_KEY"]
    return "\n".join(lines)


def _ensure_migrated() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=0, interactive=False)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0
    command = argv[0]
    if command not in COMMANDS:
        print(f"vigil: {command!r} is not a command. Commands: {', '.join(COMMANDS)}", file=sys.stderr)
        return 2
    for position, arg in enumerate(argv[1:], start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:  # bytes the locale could not decode arrive as lone surrogates
            print(f"vigil: argument {position} ({arg.encode('utf-8', 'backslashreplace').decode()[:60]}) is not "
                  "valid UTF-8 text", file=sys.stderr)
            return 2
    if command == "demo":
        os.environ.setdefault("VIGIL_ENV", "demo")
        if "--mfa" not in argv:
            os.environ.setdefault("VIGIL_MFA", "off")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.config.settings")
    if command == "sweep" and not any(a in ("-h", "--help") for a in argv[1:]):
        from vigil.core import reader  # the sweep's other process sets up beside this one (ADR 0026)

        reader.start_early()
    try:
        import django

        django.setup()
    except Exception as exc:  # configuration problems are the user's to fix: one line
        print(f"vigil: configuration error: {exc}", file=sys.stderr)
        return 2
    wants_help = any(a in ("-h", "--help") for a in argv[1:])
    if not wants_help:
        try:
            _ensure_migrated()
        except Exception as exc:
            print(f"vigil: cannot open or migrate the database: {str(exc).splitlines()[0] if str(exc) else exc!r}",
                  file=sys.stderr)
            return 2
    from django.core.management import execute_from_command_line

    prog = _DJANGO_NAME.get(command, command)
    try:
        execute_from_command_line(["vigil", prog, *argv[1:]])
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
