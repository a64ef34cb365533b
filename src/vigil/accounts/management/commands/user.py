import os
import sys

from vigil.accounts.services import add_user
from vigil.core.command import VigilCommand
from vigil.core.errors import InputError


class Command(VigilCommand):
    help = ("Provision a login for an officer: 'vigil user add USERNAME --officer O1'. The password is read from "
            "VIGIL_PASSWORD or standard input, never from an argument.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["add"])
        parser.add_argument("username")
        parser.add_argument("--officer", required=True, help="the officer id the login belongs to")

    def handle(self, *args, **opts):
        password = os.environ.get("VIGIL_PASSWORD")
        if password is None:
            if sys.stdin.isatty():
                import getpass
                password = getpass.getpass("Password: ")
            else:
                password = sys.stdin.readline().rstrip("\n")
        if not password:
            raise InputError("no password given (set VIGIL_PASSWORD or pipe it on standard input)")
        add_user(username=opts["username"], officer_ref=opts["officer"], password=password)
        self.stdout.write(f"user {opts['username']} added for officer {opts['officer']}; "
                          "they enrol MFA at first sign-in")
