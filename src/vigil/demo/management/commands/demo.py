from django.conf import settings

from vigil.core import clock
from vigil.core.command import VigilCommand
from vigil.demo.management.commands.generate import progress_bar
from vigil.demo.organisation import DEMO_PASSWORD, PERSONAS
from vigil.demo.services import generate
from vigil.people.models import Person
from vigil.sweep.engine import run_sweep
from vigil.web.server import host_address, port_number, serve_afresh


class Command(VigilCommand):
    help = ("The main job: generate synthetic data (first run only), run the sweep, print the demo logins and "
            "serve on 127.0.0.1:8000 until stopped.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="small", help="small (default), london or national")
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000", help="1 to 65535 (default 8000)")
        parser.add_argument("--mfa", action="store_true", help="require MFA in the demo too")
        parser.add_argument("--no-serve", action="store_true", help="prepare the data and stop (for scripts)")

    def handle(self, *args, **opts):
        opts["host"], opts["port"] = host_address(opts["host"]), port_number(opts["port"])  # before any work
        today = clock.today()
        fresh = not Person.objects.exists()
        if fresh:
            self.stdout.write(f"Generating {opts['scale']} synthetic data as of {today} …")
            with progress_bar(self.stderr._out) as progress:
                generate(scale=opts["scale"], seed=opts["seed"], as_of=today, progress=progress)
            # A year of month-end sweeps first, in date order, so the assurance trend has a history.
            from vigil.assurance.selectors import month_ends
            for day in month_ends(today)[:-1]:
                run_sweep(day)
        findings, _counts = run_sweep(today)
        self.stdout.write(f"Sweep as of {today}: {len(findings)} open alert(s).")
        self.stdout.write("")
        self.stdout.write("DEMO — synthetic data only. Demo logins (password for all: " + DEMO_PASSWORD + "):")
        from django.contrib.auth import get_user_model
        users = {u.username: u for u in get_user_model().objects.select_related("officer")}
        for username, _kind, _role, _rank, description in PERSONAS:
            u = users.get(username)
            if u is not None:
                self.stdout.write(f"  {username:<13} {u.officer.name:<34} {description}")
        mfa = "on: enrol an authenticator at first sign-in" if settings.VIGIL_MFA_REQUIRED else \
            "OFF for the demo (shown in a banner); production refuses to start without it"
        from vigil.accounts.mfa import enrol_with_password_allowed, has_confirmed_device
        if settings.VIGIL_MFA_REQUIRED and not enrol_with_password_allowed():
            # Outside VIGIL_ENV=demo a password alone never enrols an authenticator: each login gets its link.
            from vigil.accounts.links import path_for
            from vigil.accounts.models import LinkPurpose
            from vigil.accounts.services import issue_link
            self.stdout.write("MFA: on. Each demo login enrols its authenticator once, through its one-time link "
                              "(valid 72 hours; it asks for the password above):")
            base = f"http://{opts['host']}:{opts['port']}"
            for username, *_rest in PERSONAS:
                u = users.get(username)
                if u is not None and not has_confirmed_device(u):
                    token = issue_link("system:demo", u, LinkPurpose.ENROL)
                    self.stdout.write(f"  {username:<13} {path_for(token, base)}")
        else:
            self.stdout.write(f"MFA: {mfa}")
        if opts["no_serve"]:
            return
        serve_afresh(opts["host"], opts["port"])
