"""Least privilege on PostgreSQL: an owner role that holds the schema, and an application role that does not.

The application (``vigil serve``, the worker, the daily sweep) connects as the *application role*: no superuser,
not the tables' owner, and on the access log only SELECT and INSERT. It therefore cannot switch the append-only
triggers off, set ``session_replication_role``, truncate the log or alter any table. Migrations run as the
*owner role* (any ``vigil`` command with the owner's ``DATABASE_URL`` migrates what is pending); default
privileges give the application role the tables the owner creates later.

``vigil database roles`` runs this SQL as an administrator of the cluster (or prints it with ``--print``).
"""
from __future__ import annotations

import re

from django.db import connection

from vigil.core.errors import InputError

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
LOG_TABLE = "core_accesslogentry"


def _ident(name: str, what: str) -> str:
    if not _NAME.match(name or ""):
        raise InputError(f"{what} {name!r} is not a plain PostgreSQL role name (lower-case letters, digits, _)")
    return name


def statements(*, database: str, owner: str, app: str, app_password: str = "") -> list[str]:
    """The SQL, in order. Idempotent: it can be run again after every upgrade."""
    owner, app = _ident(owner, "--owner"), _ident(app, "--app")
    if owner == app:
        raise InputError("the owner and the application must be different roles")
    db = '"' + database.replace('"', '""') + '"'
    password = ""
    if app_password:
        password = " PASSWORD '" + app_password.replace("'", "''") + "'"
    create = ("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{r}') THEN "
              "CREATE ROLE {r} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS; END IF; END $$")
    return [
        create.format(r=owner),
        create.format(r=app),
        f"ALTER ROLE {owner} NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS",
        f"ALTER ROLE {app} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS{password}",
        f"ALTER DATABASE {db} OWNER TO {owner}",
        f"ALTER SCHEMA public OWNER TO {owner}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        # Everything Vigil made so far belongs to the owner (the first migration may have run as an administrator).
        f"""DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S', 'v', 'm', 'p') LOOP
    IF r.relkind = 'S' THEN
      IF NOT EXISTS (SELECT FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
                     WHERE d.objid = (quote_ident(r.relname))::regclass AND d.deptype IN ('a', 'i')) THEN
        EXECUTE format('ALTER SEQUENCE %I OWNER TO {owner}', r.relname);
      END IF;
    ELSE
      EXECUTE format('ALTER TABLE %I OWNER TO {owner}', r.relname);
    END IF;
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS sig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'public' AND p.proname LIKE 'vigil\\_%' LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO {owner}', r.sig);
  END LOOP;
END $$""",  # noqa: S608 - role names are checked by _ident
        f"REVOKE ALL ON DATABASE {db} FROM PUBLIC",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {app}",
        f"GRANT USAGE ON SCHEMA public TO {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {LOG_TABLE} FROM {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {app}",
    ]


def apply(*, owner: str, app: str, app_password: str = "") -> list[str]:
    if connection.vendor != "postgresql":
        raise InputError("roles are a PostgreSQL matter: the embedded SQLite database has none")
    sql = statements(database=connection.settings_dict["NAME"], owner=owner, app=app, app_password=app_password)
    with connection.cursor() as cur:
        for s in sql:
            cur.execute(s)
    return sql
