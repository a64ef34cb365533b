from django.contrib.auth import get_user_model

from vigil.accounts.tokens import create_token
from vigil.core import access_log
from vigil.core.command import VigilCommand
from vigil.core.errors import InputError


class Command(VigilCommand):
    help = "Issue an API token for an integration: 'vigil token create USERNAME --name NAME'. Shown once."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what the token is for")
        parser.add_argument("--days", type=int, default=365, help="lifetime in days (default 365)")

    def handle(self, *args, **opts):
        user = get_user_model().objects.filter(username=opts["username"]).first()
        if user is None:
            raise InputError(f"no user {opts['username']!r}")
        if opts["days"] < 1 or opts["days"] > 730:
            raise InputError("--days must be between 1 and 730")
        key = create_token(user=user, name=opts["name"], days=opts["days"])
        access_log.record(actor="system:token-create", operation="alteration", record_type="user",
                          record_ids=user.username, justification="API token issued for an integration",
                          detail=f"token {key[:12]}… '{opts['name']}'")
        self.stdout.write(key)
