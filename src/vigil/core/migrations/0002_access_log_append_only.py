"""The access log is append-only at the database: triggers refuse UPDATE and DELETE on every backend.

On PostgreSQL a statement-level trigger also refuses TRUNCATE. Only a database owner who disables the triggers
can alter rows, and then ``vigil audit verify`` finds the break in the hash chain.
"""
from django.conf import settings
from django.db import migrations

PG_UP = [
    """CREATE OR REPLACE FUNCTION vigil_access_log_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the access log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER access_log_no_update BEFORE UPDATE OR DELETE ON core_accesslogentry "
    "FOR EACH ROW EXECUTE FUNCTION vigil_access_log_append_only()",
    "CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON core_accesslogentry "
    "FOR EACH STATEMENT EXECUTE FUNCTION vigil_access_log_append_only()",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS access_log_no_update ON core_accesslogentry",
    "DROP TRIGGER IF EXISTS access_log_no_truncate ON core_accesslogentry",
    "DROP FUNCTION IF EXISTS vigil_access_log_append_only()",
]
SQLITE_UP = [
    "CREATE TRIGGER access_log_no_update BEFORE UPDATE ON core_accesslogentry "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only (UPDATE refused)'); END;",
    "CREATE TRIGGER access_log_no_delete BEFORE DELETE ON core_accesslogentry "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only (DELETE refused)'); END;",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS access_log_no_update;", "DROP TRIGGER IF EXISTS access_log_no_delete;"]


def install(connection) -> None:
    """Install the triggers (also used by the tests that prove they refuse changes)."""
    statements = {"postgresql": PG_UP, "sqlite": SQLITE_UP}.get(connection.vendor, [])
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


def up(apps, schema_editor):
    # Test databases are flushed between tests (DELETE/TRUNCATE), so the suite installs the triggers itself
    # inside the tests that check them; every other environment gets them here.
    if getattr(settings, "VIGIL_ACCESS_LOG_TRIGGERS", True):
        install(schema_editor.connection)


def down(apps, schema_editor):
    statements = {"postgresql": PG_DOWN, "sqlite": SQLITE_DOWN}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
