import os

from django.db import connection

from vigil.core import access_log, database_roles
from vigil.core.command import VigilCommand


class Command(VigilCommand):
    help = ("PostgreSQL roles for least privilege: 'vigil database roles --owner O --app A' (run with an "
            "administrator's DATABASE_URL) makes O own the schema and gives A only what the application needs: "
            "no superuser, not the owner, SELECT and INSERT only on the access log. The application then connects "
            "as A; migrations run as O. The password for A, if any, is read from VIGIL_APP_PASSWORD.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["roles"], help="roles: create or update the owner and application roles")
        parser.add_argument("--owner", default="vigil_owner", help="the role that owns the schema (default vigil_owner)")
        parser.add_argument("--app", default="vigil_app", help="the application's role (default vigil_app)")
        parser.add_argument("--print", action="store_true", dest="print_only",
                            help="print the SQL instead of running it")

    def handle(self, *args, **opts):
        password = os.environ.get("VIGIL_APP_PASSWORD", "")
        if opts["print_only"]:
            sql = database_roles.statements(database=connection.settings_dict["NAME"], owner=opts["owner"],
                                            app=opts["app"], app_password="********" if password else "")
            self.stdout.write(";\n".join(sql) + ";")
            return
        database_roles.apply(owner=opts["owner"], app=opts["app"], app_password=password)
        access_log.record(actor="system:database-roles", operation="alteration", record_type="database",
                          record_ids=connection.settings_dict["NAME"], justification="least-privilege roles",
                          detail=f"owner {opts['owner']}, application {opts['app']} (log: SELECT and INSERT only)")
        self.stdout.write(f"roles ready: {opts['owner']} owns the schema; {opts['app']} may read and write the "
                          "records, and only read and append the access log")
