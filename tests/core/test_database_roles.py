"""Least privilege on PostgreSQL: the application's role reads and appends the access log, and can do nothing
that would let it rewrite it (no UPDATE, DELETE or TRUNCATE, no switching the triggers off, no replica mode).
The commands a force runs every day run as that role."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from urllib.parse import urlparse

import psycopg
import pytest

from vigil.core.database_roles import statements
from vigil.core.errors import InputError

pytestmark = pytest.mark.postgres_only


def test_role_names_are_checked():
    with pytest.raises(InputError):
        statements(database="d", owner="x; DROP TABLE y", app="vigil_app")
    with pytest.raises(InputError):
        statements(database="d", owner="same", app="same")


@pytest.fixture
def fresh_database():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("PostgreSQL only: the embedded SQLite database has no roles")
    u = urlparse(url)
    tag = uuid.uuid4().hex[:8]
    db, owner, app = f"vigil_lp_{tag}", f"vigil_lp_owner_{tag}", f"vigil_lp_app_{tag}"
    admin = psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username, dbname=u.path.lstrip("/"),
                            autocommit=True)
    admin.execute(f"CREATE DATABASE {db}")
    base = f"postgres://{{user}}@{u.hostname}:{u.port or 5432}/{db}"
    try:
        yield {"db": db, "owner": owner, "app": app, "admin_url": base.format(user=u.username),
               "app_url": base.format(user=app), "owner_url": base.format(user=owner), "u": u}
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        for role in (app, owner):
            admin.execute(f"DROP ROLE IF EXISTS {role}")
        admin.close()


def _vigil(tmp_path, url, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DJANGO_"))}
    env.update(DATABASE_URL=url, VIGIL_VAR_DIR=str(tmp_path / "var"), VIGIL_ENV="development")
    return subprocess.run([sys.executable, "-m", "vigil.cli", *args], env=env, capture_output=True, text=True,
                          cwd=tmp_path, timeout=600)


def test_the_application_role_cannot_rewrite_the_log_and_runs_the_daily_commands(tmp_path, fresh_database):
    f = fresh_database
    made = _vigil(tmp_path, f["admin_url"], "database", "roles", "--owner", f["owner"], "--app", f["app"])
    assert made.returncode == 0, made.stderr
    # The daily work, as the application role.
    for args in (["generate", "--scale", "small", "--seed", "3", "--as-of", "2024-08-15"],
                 ["sweep", "--as-of", "2024-08-15"], ["export", "--out", str(tmp_path / "out.json")],
                 ["audit", "checkpoint"], ["audit", "verify"]):
        proc = _vigil(tmp_path, f["app_url"], *args)
        assert proc.returncode == 0, (args, proc.stderr[-2000:])
    assert "access log intact" in proc.stdout
    u = f["u"]
    with psycopg.connect(host=u.hostname, port=u.port or 5432, user=f["app"], dbname=f["db"],
                         autocommit=True) as app:
        super_ = app.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]
        owner = app.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'core_accesslogentry'").fetchone()[0]
        assert super_ is False and owner == f["owner"]
        n = app.execute("SELECT count(*) FROM core_accesslogentry").fetchone()[0]
        assert n > 0
        for sql in ("UPDATE core_accesslogentry SET actor = 'mallory'",
                    "DELETE FROM core_accesslogentry WHERE id = (SELECT max(id) FROM core_accesslogentry)",
                    "TRUNCATE core_accesslogentry",
                    "ALTER TABLE core_accesslogentry DISABLE TRIGGER USER",
                    "DROP TRIGGER access_log_no_update ON core_accesslogentry",
                    "SET session_replication_role = replica",
                    "CREATE TABLE mallory (x int)"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute(sql)
        assert app.execute("SELECT count(*) FROM core_accesslogentry").fetchone()[0] == n
