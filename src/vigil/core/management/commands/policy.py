import json

from vigil.core import policy
from vigil.core.command import VigilCommand
from vigil.core.models import PolicyVersion


class Command(VigilCommand):
    help = "Show force policy: every rule default and the value in force ('policy show'), or its versions."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["show", "history"])
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        if opts["action"] == "history":
            for v in PolicyVersion.objects.select_related("changed_by").order_by("number"):
                who = v.changed_by.username if v.changed_by else "system"
                self.stdout.write(f"v{v.number} {v.changed_at:%Y-%m-%d %H:%M} {who}: {v.reason} {json.dumps(v.values)}")
            return
        pol = policy.current()
        if opts["json"]:
            self.stdout.write(json.dumps({k: pol[k] for k in pol}, indent=1, default=str))
            return
        for key, meta in sorted(policy.keys().items()):
            self.stdout.write(f"{key} = {json.dumps(pol[key], default=str)}    # {meta.description}")
