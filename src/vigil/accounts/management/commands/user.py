import os
import sys

from vigil.accounts import links, services
from vigil.core.command import VigilCommand
from vigil.core.errors import InputError

_BASE_URL_HELP = ("the web address people use, put in front of the link's path, e.g. https://vigil.example.police.uk "
                  "(default: VIGIL_BASE_URL, else the path alone)")


class Command(VigilCommand):
    help = ("Accounts. 'vigil user add USERNAME --officer O1' creates a login and prints a one-time activation link "
            "(valid 72 hours) through which the officer sets their password and enrols their authenticator. "
            "'reset-mfa', 'disable', 'enable', 'set-roles' and 'approve-role' administer accounts; granting "
            "professional standards, auditor or administrator waits for a second administrator. "
            "'vigil user ACTION --help' explains each.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        add = sub.add_parser("add", help="a login for an officer; prints its one-time activation link")
        add.add_argument("username", help="the account's username")
        add.add_argument("--officer", required=True, help="the officer id the login belongs to")
        add.add_argument("--email", default="", help="where Vigil tells them that work is waiting (the notice "
                                                     "says only that: no personal data)")
        add.add_argument("--base-url", default=None, help=_BASE_URL_HELP)
        add.add_argument("--password-stdin", action="store_true",
                         help="set the password from standard input instead (the link then enrols the "
                              "authenticator only); VIGIL_PASSWORD in the environment does the same")

        reset = sub.add_parser("reset-mfa", help="remove a user's authenticator and recovery codes; prints a "
                                                 "one-time link to enrol a new one (their password is asked too)")
        reset.add_argument("username", help="the account's username")
        reset.add_argument("--by", default=None, metavar="ADMIN", help="the administrator doing it (logged)")
        reset.add_argument("--base-url", default=None, help=_BASE_URL_HELP)

        react = sub.add_parser("reactivate", help="a forgotten password: clear the password and authenticator "
                                                  "and print a new one-time activation link")
        react.add_argument("username", help="the account's username")
        react.add_argument("--base-url", default=None, help=_BASE_URL_HELP)

        for name, text in (("disable", "stop an account at once: its sessions, API tokens and links stop working"),
                           ("enable", "let a disabled account sign in again")):
            p = sub.add_parser(name, help=text)
            p.add_argument("username", help="the account's username")
            p.add_argument("--by", default=None, metavar="ADMIN", help="the administrator doing it (logged)")

        roles = sub.add_parser("set-roles", help="give an officer exactly these roles; granting professional_"
                                                 "standards, auditor or administrator creates a request that a "
                                                 "second administrator approves")
        roles.add_argument("username", help="the account's username")
        roles.add_argument("roles", nargs="+", metavar="ROLE",
                           help="offender_manager, supervisor, senior_officer, investigator, allocation_manager, "
                                "missing_persons_coordinator, exploitation_analyst, professional_standards, "
                                "auditor, administrator")
        roles.add_argument("--by", default=None, metavar="ADMIN",
                           help="the administrator asking (they cannot then approve it)")

        approve = sub.add_parser("approve-role", help="approve a pending role change (not one you asked for, "
                                                      "nor one to your own roles)")
        approve.add_argument("request", type=int, metavar="REQUEST", help="the request number set-roles printed")
        approve.add_argument("--by", required=True, metavar="ADMIN", help="the approving administrator")

        sub.add_parser("pending", help="list the role changes and lost-authenticator requests waiting for a decision")

        refuse = sub.add_parser("refuse-role", help="refuse (or withdraw) a pending role change")
        refuse.add_argument("request", type=int, metavar="REQUEST")
        refuse.add_argument("--by", required=True, metavar="ADMIN", help="the administrator refusing it")

    def _actor(self, opts, default: str):
        by = opts.get("by")
        return services.admin_user(by) if by else default

    def _link(self, token: str, opts) -> str:
        base = opts.get("base_url") if opts.get("base_url") is not None else os.environ.get("VIGIL_BASE_URL", "")
        if base and not base.startswith(("https://", "http://")):
            raise InputError(f"--base-url {base!r} must start with https:// (or http:// on a test machine)")
        return links.path_for(token, base)

    def handle(self, *args, **opts):
        action = opts["action"]
        if action == "add":
            self._check_base(opts)
            self._add(opts)
        elif action == "reset-mfa":
            self._check_base(opts)
            token = services.reset_mfa(self._actor(opts, "system:user-reset-mfa"), opts["username"])
            self.stdout.write(f"authenticator of {opts['username']} removed; they enrol a new one through this "
                              f"one-time link (valid {links.LINK_HOURS} hours, asks for their password too):")
            self.stdout.write(self._link(token, opts))
        elif action == "reactivate":
            self._check_base(opts)
            token = services.reactivate("system:user-reactivate", opts["username"])
            self.stdout.write(f"password and authenticator of {opts['username']} cleared; they choose a new "
                              f"password and enrol through this one-time activation link (valid "
                              f"{links.LINK_HOURS} hours):")
            self.stdout.write(self._link(token, opts))
        elif action in ("disable", "enable"):
            services.set_active(self._actor(opts, f"system:user-{action}"), opts["username"], action == "enable")
            self.stdout.write(f"{opts['username']} {action}d" + (
                "; their sessions, API tokens and open links no longer work" if action == "disable" else ""))
        elif action == "set-roles":
            change = services.set_roles(self._actor(opts, "system:user-set-roles"), opts["username"], opts["roles"])
            if change.applied:
                self.stdout.write(f"roles of {opts['username']} are now: {', '.join(sorted(opts['roles']))}")
            else:
                self.stdout.write(
                    f"role change #{change.request.pk} for {opts['username']} is waiting for a second administrator "
                    f"(it grants {', '.join(change.granted)}): "
                    f"vigil user approve-role {change.request.pk} --by ADMIN")
        elif action == "pending":
            self._pending()
        elif action in ("approve-role", "refuse-role"):
            approver = services.admin_user(opts["by"])
            req = services.decide_role_change(approver, opts["request"], approve=action == "approve-role")
            self.stdout.write(f"role change #{req.pk} {req.status} by {approver.get_username()}")

    def _pending(self) -> None:
        from vigil.accounts.models import MfaResetRequest, RequestStatus, RoleChangeRequest
        roles = RoleChangeRequest.objects.filter(status=RequestStatus.PENDING).select_related("officer__user")
        resets = MfaResetRequest.objects.filter(status=RequestStatus.PENDING).select_related("user")
        if not roles and not resets:
            self.stdout.write("nothing is waiting for a decision")
        for r in roles:
            who = r.officer.user.username if r.officer.user_id else f"officer {r.officer.ref}"
            change = "; ".join(filter(None, ["grant " + ", ".join(r.granted) if r.granted else "",
                                             "remove " + ", ".join(r.removed) if r.removed else ""]))
            self.stdout.write(f"role change #{r.pk}: {who}: {change} (asked by {r.requested_by_name}, "
                              f"{r.requested_at:%Y-%m-%d %H:%M})")
        for r in resets:
            self.stdout.write(f"lost authenticator #{r.pk}: {r.user.username} ({r.requested_at:%Y-%m-%d %H:%M}); "
                              "an administrator approves it in the web app, or runs 'vigil user reset-mfa'")

    def _check_base(self, opts) -> None:
        self._link("x", opts)  # a bad --base-url is refused before anything changes

    def _add(self, opts) -> None:
        password = os.environ.get("VIGIL_PASSWORD")
        if password is None and opts["password_stdin"]:
            if sys.stdin.isatty():
                import getpass
                password = getpass.getpass("Password: ")
            else:
                password = sys.stdin.readline().rstrip("\n")
            if not password:
                raise InputError("no password on standard input")
        if password is not None and not password:
            raise InputError("VIGIL_PASSWORD is empty")
        user, token = services.add_user(username=opts["username"], officer_ref=opts["officer"], password=password,
                                        email=opts["email"])
        if password is None:
            self.stdout.write(f"user {user.username} added for officer {opts['officer']}. Give them this one-time "
                              f"activation link (valid {links.LINK_HOURS} hours) to set their password and "
                              "authenticator:")
        else:
            self.stdout.write(f"user {user.username} added for officer {opts['officer']}. They enrol their "
                              f"authenticator through this one-time link (valid {links.LINK_HOURS} hours):")
        self.stdout.write(self._link(token, opts))
