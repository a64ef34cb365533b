"""Backup and restore (`vigil backup`, `vigil restore`), end to end through the command line.

A small synthetic database is generated, swept, exported and backed up once (an SQLite file, made by
subprocesses); each test restores that backup somewhere and compares what it finds there with the source, read
straight from the databases (not through the backup code). Backup and restore share a VIGIL_VAR_DIR, so the
restored access log is checked with the same key file and witness, as an installation would."""
from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

AS_OF = "2024-08-15"
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


def _vigil(cwd: Path, var: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DJANGO_"))}
    env.update(DATABASE_URL=url, VIGIL_VAR_DIR=str(var), VIGIL_ENV="development")
    return subprocess.run([sys.executable, "-m", "vigil.cli", *args], env=env, capture_output=True, text=True,
                          cwd=cwd, timeout=600)


def _ok(proc: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def _tables() -> dict[str, str]:
    """{model label: table name} for every table a backup holds, from the models (not the backup code)."""
    from django.apps import apps

    skip = {"sessions.Session", "contenttypes.ContentType", "auth.Permission"}
    return {m._meta.label: m._meta.db_table for m in apps.get_models(include_auto_created=True)
            if m._meta.managed and not m._meta.proxy and m._meta.label not in skip}


def _query(url: str, sql: str) -> list[tuple]:
    if url.startswith("sqlite"):
        con = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()
    import psycopg

    u = urlparse(url)
    with psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username, dbname=u.path.lstrip("/")) as con:
        return con.execute(sql).fetchall()


def _counts(url: str) -> dict[str, int]:
    tables = _tables()
    union = " UNION ALL ".join(f"SELECT '{label}', count(*) FROM {table}" for label, table in tables.items())
    return dict(_query(url, union))


def _open_alerts(url: str) -> list[tuple]:
    rows = _query(url, "SELECT code, severity, entity_type, entity_id, owner, since, reasons, opened_as_of "
                       "FROM sweep_alert WHERE status = 'open'")
    return sorted((c, s, t, i, o, str(since), json.loads(r) if isinstance(r, str) else r, str(op))
                  for c, s, t, i, o, since, r, op in rows)


def _export(cwd: Path, var: Path, url: str, out: Path) -> dict:
    _ok(_vigil(cwd, var, url, "export", "--out", str(out), "--recipient", "test"))
    doc = json.loads(out.read_text())
    doc.pop("exported_at")
    return doc


# What a real installation has and the generator does not make: MFA devices, an API token, a group and a user
# permission (rows that refer to permissions and content types, whose ids differ between databases).
ACCOUNTS = """
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from vigil.accounts.tokens import create_token
from vigil.people.models import Person

user = User.objects.order_by("id").first()
TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
StaticDevice.objects.create(user=user, name="backup codes").token_set.create(token="abcd1234")
create_token(user=user, name="briefing system", days=30)
group = Group.objects.create(name="readers")
group.permissions.add(Permission.objects.get(codename="view_person"))
user.groups.add(group)
user.user_permissions.add(Permission.objects.get(codename="change_person"))
LogEntry.objects.log_action(user.id, ContentType.objects.get_for_model(Person).id, "1", "P1", ADDITION)
"""

GRANTS = ("SELECT u.username, p.codename, ct.app_label, ct.model FROM auth_user_user_permissions x "
          "JOIN auth_user u ON u.id = x.user_id JOIN auth_permission p ON p.id = x.permission_id "
          "JOIN django_content_type ct ON ct.id = p.content_type_id "
          "UNION ALL SELECT g.name, p.codename, ct.app_label, ct.model FROM auth_group_permissions x "
          "JOIN auth_group g ON g.id = x.group_id JOIN auth_permission p ON p.id = x.permission_id "
          "JOIN django_content_type ct ON ct.id = p.content_type_id "
          "UNION ALL SELECT l.object_repr, '', ct.app_label, ct.model FROM django_admin_log l "
          "JOIN django_content_type ct ON ct.id = l.content_type_id")
SECRETS = ("SELECT 'totp', key FROM otp_totp_totpdevice UNION ALL SELECT 'static', token FROM otp_static_statictoken "
           "UNION ALL SELECT 'api', key_hash FROM accounts_apitoken")


def _vigil_python(cwd: Path, var: Path, url: str, code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DJANGO_"))}
    env.update(DATABASE_URL=url, VIGIL_VAR_DIR=str(var), VIGIL_ENV="development",
               DJANGO_SETTINGS_MODULE="vigil.config.settings")
    return subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + code], env=env,
                          capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """An SQLite database made by `vigil generate` and `vigil sweep`, its export and its backup."""
    root = tmp_path_factory.mktemp("backup")
    var = root / "var"
    url = f"sqlite:///{root}/source.sqlite3"
    _ok(_vigil(root, var, url, "generate", "--scale", "small", "--seed", "3", "--as-of", AS_OF))
    _ok(_vigil(root, var, url, "sweep", "--as-of", AS_OF))
    _ok(_vigil_python(root, var, url, ACCOUNTS))
    export = _export(root, var, url, root / "source-export.json")
    made = _ok(_vigil(root, var, url, "backup", "--out", str(root / "source.vbk.gz")))
    return {"root": root, "var": var, "url": url, "backup": root / "source.vbk.gz", "export": export,
            "counts": _counts(url), "alerts": _open_alerts(url), "made": made.stdout,
            "grants": sorted(_query(url, GRANTS)), "secrets": sorted(_query(url, SECRETS))}


def _header(path: Path) -> dict:
    with gzip.open(path, "rb") as fh:
        return json.loads(fh.readline())


def _check_restored(src: dict, url: str, name: str) -> None:
    """The restored database holds what the source held at the backup, and its access log verifies."""
    root, var = src["root"], src["var"]
    counts = _counts(url)
    expected = dict(src["counts"], **{"core.AccessLogEntry": src["counts"]["core.AccessLogEntry"] + 1})
    assert counts == expected  # the same rows in every table; the log has the restore's own entry too
    assert counts["people.Person"] > 100 and counts["otp_totp.TOTPDevice"] == 1 and counts["accounts.ApiToken"] == 1
    assert sorted(_query(url, GRANTS)) == src["grants"] and len(src["grants"]) == 3  # by natural key
    assert sorted(_query(url, SECRETS)) == src["secrets"]  # MFA keys and tokens as they were
    assert _open_alerts(url) == src["alerts"] and src["alerts"]
    verify = _ok(_vigil(root, var, url, "audit", "verify"))
    assert "access log intact" in verify.stdout
    assert "ends after checkpoint" in verify.stdout  # checked against the witness, not only the chain
    assert _export(root, var, url, root / f"{name}-export.json") == src["export"]


@pytest.mark.skipif(ON_POSTGRES, reason="the PostgreSQL run restores into PostgreSQL (test_sqlite_to_postgresql)")
def test_round_trip_on_sqlite(source):
    assert "backed up" in source["made"]
    header = _header(source["backup"])
    assert header["format"] == "vigil-backup/1" and header["engine"] == "sqlite"
    assert header["tables"] == source["counts"]  # the header counts what the database holds
    assert "sessions.Session" not in header["tables"] and "auth.Permission" not in header["tables"]
    target = f"sqlite:///{source['root']}/restored.sqlite3"
    proc = _ok(_vigil(source["root"], source["var"], target, "restore", str(source["backup"])))
    assert "restored" in proc.stdout
    _check_restored(source, target, "sqlite")
    # The backup logged itself as a disclosure, before its rows were read, so the restored log holds it.
    row = _query(target, "SELECT actor, operation, recipients FROM core_accesslogentry "
                         "WHERE actor = 'system:backup'")
    assert len(row) == 1 and row[0][1] == "disclosure" and str(source["backup"]) in row[0][2]


def _refused_as_not_empty(src: dict, url: str) -> None:
    before = _counts(url)
    proc = _vigil(src["root"], src["var"], url, "restore", str(src["backup"]))
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("the database is not empty (")  # one line, before the file is read
    assert proc.stderr.strip().endswith("restore needs an empty database") and "\n" not in proc.stderr.strip()
    assert _counts(url) == before


@pytest.mark.skipif(ON_POSTGRES, reason="the PostgreSQL run checks this on PostgreSQL (test_sqlite_to_postgresql)")
def test_a_non_empty_database_is_refused_and_unchanged(source):
    _refused_as_not_empty(source, source["url"])


def _rewrite(src: Path, dst: Path, change) -> None:
    """Decompress, let ``change`` edit the lines (a list of bytes), recompute the checksum trailer, recompress."""
    import hashlib

    with gzip.open(src, "rb") as fh:
        lines = fh.readlines()
    body = change(lines[:-1])
    trailer = json.loads(lines[-1])
    trailer["sha256"] = hashlib.sha256(b"".join(body)).hexdigest()
    with gzip.open(dst, "wb") as fh:
        fh.writelines([*body, (json.dumps(trailer) + "\n").encode()])


def _set_header(lines, **changes):
    header = json.loads(lines[0])
    for key, value in changes.items():
        if isinstance(value, dict):
            header[key] = dict(header[key], **value)
        else:
            header[key] = value
    return [(json.dumps(header) + "\n").encode(), *lines[1:]]


@pytest.mark.skipif(ON_POSTGRES, reason="the file is checked before any database is touched: the SQLite run "
                                        "covers it")
def test_damaged_truncated_foreign_and_newer_files_are_refused_with_one_line(source):
    root, var, good = source["root"], source["var"], source["backup"]
    raw = good.read_bytes()
    bad: dict[str, tuple[bytes | None, str]] = {}

    # One byte changed in a row, the file otherwise well-formed: only the checksum can tell.
    def one_byte(lines):
        i = next(n for n, line in enumerate(lines) if n > 50 and line.startswith(b"[") and b'"' in line)
        line = bytearray(lines[i])
        pos = line.index(b'"') + 1
        line[pos] = ord("Z") if line[pos] != ord("Z") else ord("Y")
        return [*lines[:i], bytes(line), *lines[i + 1:]]

    with gzip.open(good, "rb") as fh:
        lines = fh.readlines()
    edited = one_byte(lines[:-1])
    tampered = root / "tampered.vbk.gz"
    with gzip.open(tampered, "wb") as fh:
        fh.writelines([*edited, lines[-1]])
    bad["tampered"] = (None, "the checksum does not match")
    flipped = bytearray(raw)
    flipped[len(raw) // 2] ^= 0x01
    bad["flipped"] = (bytes(flipped), "damaged")
    bad["truncated"] = (raw[: len(raw) // 2], "cut short (the file is truncated)")
    bad["foreign"] = (json.dumps(source["export"]).encode(), "not a Vigil backup (not a gzip file)")
    _rewrite(good, root / "version.vbk.gz", lambda ls: _set_header(ls, format="vigil-backup/2"))
    bad["version"] = (None, "is format 'vigil-backup/2'; this Vigil reads 'vigil-backup/1' only")
    _rewrite(good, root / "newer.vbk.gz", lambda ls: _set_header(ls, migrations={"core": "9999_from_the_future"}))
    bad["newer"] = (None, "the backup is from a newer schema: it has migration core.9999_from_the_future")

    from vigil.core.backup import check
    from vigil.core.errors import InputError

    paths = {"tampered": tampered, "version": root / "version.vbk.gz", "newer": root / "newer.vbk.gz"}
    for name, (content, _) in bad.items():
        if content is not None:
            paths[name] = root / f"{name}.vbk.gz"
            paths[name].write_bytes(content)
    # Through the command line (exit 2, one line, nothing written) for two; the rest straight to the checker.
    empty = f"sqlite:///{root}/empty.sqlite3"
    for name in ("tampered", "newer"):
        proc = _vigil(root, var, empty, "restore", str(paths[name]))
        assert proc.returncode == 2, (name, proc.stderr)
        said = [line for line in proc.stderr.strip().splitlines() if "━" not in line]  # less the progress bar
        assert len(said) == 1  # one line
        assert bad[name][1] in proc.stderr, (name, proc.stderr)
    # The access log's key is not in the backup: without it, or with another key of the same name, the restored
    # log could not be verified, so the restore is refused (and rolled back) rather than made unverifiable.
    no_key, other_key = root / "var-no-key", root / "var-other-key"
    other_key.mkdir()
    (other_key / "audit.keys").write_text("k1 " + "ab" * 32 + "\n")
    for place, message in ((no_key, "there is no access-log key"),
                           (other_key, "is not the key that signed the backup's access log")):
        proc = _vigil(root, place, empty, "restore", str(good))
        assert proc.returncode == 2 and message in proc.stderr, proc.stderr
    assert set(_counts(empty).values()) == {0}  # nothing was written by a refused restore
    for name in ("flipped", "truncated", "foreign", "version"):
        with pytest.raises(InputError) as refused:
            check(paths[name])
        assert bad[name][1] in str(refused.value), name
    check(good)  # and the good file passes


def test_an_existing_file_is_never_overwritten_and_nothing_is_logged(source, tmp_path):
    before = _counts(source["url"])
    proc = _vigil(source["root"], source["var"], source["url"], "backup", "--out", str(source["backup"]))
    assert proc.returncode == 2 and "already exists" in proc.stderr  # never overwritten
    assert _counts(source["url"]) == before  # refused before anything was logged


@pytest.mark.django_db
def test_an_interrupted_backup_leaves_no_file_that_looks_complete(org, tmp_path):
    from vigil.core import backup

    calls = []

    def interrupt(phase, done, total):
        calls.append(done)
        if len(calls) == 10:
            raise KeyboardInterrupt  # as Ctrl-C part-way through the rows

    out = tmp_path / "x.vbk.gz"
    with pytest.raises(KeyboardInterrupt):
        backup.backup(out, progress=interrupt)
    assert not out.exists() and not (tmp_path / "x.vbk.gz.partial").exists()
    made = backup.backup(out)  # the same name works once nothing is left behind
    assert made.rows > 0 and backup.check(out).rows == made.rows
    with pytest.raises(backup.InputError, match="is not a folder that exists"):
        backup.backup(tmp_path / "no" / "x.vbk.gz")


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only: restores an SQLite backup into PostgreSQL")
def test_sqlite_to_postgresql_and_back(source, postgres_database):
    root, var = source["root"], source["var"]
    proc = _ok(_vigil(root, var, postgres_database, "restore", str(source["backup"])))
    assert "on sqlite" in proc.stdout
    _check_restored(source, postgres_database, "postgresql")  # its export writes new log rows: sequences reset
    _refused_as_not_empty(source, postgres_database)
    # And back: a PostgreSQL backup restores into a new SQLite file with the same rows.
    pg_counts = _counts(postgres_database)
    _ok(_vigil(root, var, postgres_database, "backup", "--out", str(root / "pg.vbk.gz")))
    assert _header(root / "pg.vbk.gz")["engine"] == "postgresql"
    back = f"sqlite:///{root}/from-postgresql.sqlite3"
    _ok(_vigil(root, var, back, "restore", str(root / "pg.vbk.gz")))
    expected = dict(pg_counts, **{"core.AccessLogEntry": pg_counts["core.AccessLogEntry"] + 2})  # backup, restore
    assert _counts(back) == expected
    assert _open_alerts(back) == source["alerts"]
    assert "access log intact" in _ok(_vigil(root, var, back, "audit", "verify")).stdout
