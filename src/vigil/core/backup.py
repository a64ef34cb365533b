"""Backup and restore of the whole database: one versioned, checksummed file that loads on either engine.

The file (``docs/backup-format.md``) is gzip'd JSON lines:

1. a header: ``{"format": "vigil-backup/1", "created_at", "engine", "database", "migrations": {app: newest
   applied migration}, "tables": {model label: row count}, "access_log": {"last_id", "head", "checkpoint"}}``;
2. for each table, in dependency order, a table line ``{"table": label, "columns": [...], "rows": n}`` followed
   by ``n`` row lines, each a JSON array of the row's column values in that order;
3. a trailer: ``{"sha256": hex digest of every byte before the trailer, "rows": total rows}``.

Every table is in it except sessions (short-lived, and a restored session would be a way in), content types and
permissions (migrations recreate them; the rows that point at them carry natural keys instead of ids). The
access log's signing key and its witness are never in it: they are kept apart from the database and its backups,
and a restored database verifies with the same key file and witness (``docs/operations.md``).

A backup is written to ``FILE.partial`` and renamed when complete, so an interrupted backup never leaves a file
that looks complete. It reads one consistent snapshot of the database, streaming each table in batches.
A restore checks the file's format and checksum, the schema and the key before it writes anything, then loads
everything in one transaction (everything or nothing) with plain INSERTs (the access log refuses UPDATE).
"""
from __future__ import annotations

import base64
import datetime as dt
import decimal
import gzip
import hashlib
import json
import os
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader

from vigil.core import access_log, clock, log_anchor
from vigil.core.errors import InputError
from vigil.core.rows import analyze as analyze_tables
from vigil.core.rows import write as write_rows

FORMAT = "vigil-backup/1"
FORMAT_PREFIX = "vigil-backup/"
ACCESS_LOG = "core.AccessLogEntry"
# Not backed up: sessions, and the rows that migrations recreate (referred to by natural key instead).
EXCLUDED = {"sessions.Session", "contenttypes.ContentType", "auth.Permission"}
NATURAL = {"contenttypes.ContentType", "auth.Permission"}
BATCH = 2000
COMPRESSLEVEL = 6

Progress = Callable[[str, int, int | None], None]  # (phase, rows or bytes done, total or None)


# Which tables, in which order -----------------------------------------------------------------------------------
def backed_up_models() -> list[type[models.Model]]:
    """Every concrete, managed table except the excluded ones, each after the tables it refers to."""
    candidates = [m for m in apps.get_models(include_auto_created=True)
                  if m._meta.managed and not m._meta.proxy and m._meta.label not in EXCLUDED]
    by_label = {m._meta.label: m for m in candidates}
    ordered: list[type[models.Model]] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(m: type[models.Model]) -> None:
        label = m._meta.label
        if state.get(label):
            return  # done, or a cycle (FKs are deferred to commit on both engines, so a cycle still loads)
        state[label] = 1
        for f in m._meta.concrete_fields:
            if f.is_relation and f.related_model is not None:
                target = by_label.get(f.related_model._meta.label)
                if target is not None and target is not m:
                    visit(target)
        state[label] = 2
        ordered.append(m)

    for m in candidates:
        visit(m)
    return ordered


def columns(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


# Values to and from JSON ----------------------------------------------------------------------------------------
def _natural_target(f) -> str | None:
    if f.is_relation and f.related_model is not None and f.related_model._meta.label in NATURAL:
        return f.related_model._meta.label
    return None


def _encoders(model) -> list[tuple[int, Callable]]:
    """(column index, encoder) for the columns whose database value is not already plain JSON."""
    out: list[tuple[int, Callable]] = []
    for i, f in enumerate(model._meta.concrete_fields):
        target = _natural_target(f)
        if target:
            out.append((i, _natural_key_encoder(target)))
        elif isinstance(f, models.DateTimeField | models.DateField | models.TimeField):
            out.append((i, lambda v: None if v is None else v.isoformat()))
        elif isinstance(f, models.DecimalField | models.UUIDField):
            out.append((i, lambda v: None if v is None else str(v)))
        elif isinstance(f, models.DurationField):
            out.append((i, lambda v: None if v is None else v // dt.timedelta(microseconds=1)))
        elif isinstance(f, models.BinaryField):
            out.append((i, lambda v: None if v is None else base64.b64encode(bytes(v)).decode("ascii")))
    return out


def _natural_key_encoder(label: str) -> Callable:
    model = apps.get_model(label)
    cache: dict[int, list] = {}

    def encode(pk):
        if pk is None:
            return None
        if pk not in cache:
            cache[pk] = list(model._base_manager.get(pk=pk).natural_key())
        return cache[pk]
    return encode


def _decoders(model) -> list[tuple[int, Callable]]:
    out: list[tuple[int, Callable]] = []
    for i, f in enumerate(model._meta.concrete_fields):
        target = _natural_target(f)
        if target:
            out.append((i, _natural_key_decoder(target)))
        elif isinstance(f, models.DateTimeField):
            out.append((i, lambda v: None if v is None else dt.datetime.fromisoformat(v)))
        elif isinstance(f, models.DateField):
            out.append((i, lambda v: None if v is None else dt.date.fromisoformat(v)))
        elif isinstance(f, models.TimeField):
            out.append((i, lambda v: None if v is None else dt.time.fromisoformat(v)))
        elif isinstance(f, models.DecimalField):
            out.append((i, lambda v: None if v is None else decimal.Decimal(v)))
        elif isinstance(f, models.UUIDField):
            out.append((i, lambda v: None if v is None else uuid.UUID(v)))
        elif isinstance(f, models.DurationField):
            out.append((i, lambda v: None if v is None else dt.timedelta(microseconds=v)))
        elif isinstance(f, models.BinaryField):
            out.append((i, lambda v: None if v is None else base64.b64decode(v)))
    return out


def _natural_key_decoder(label: str) -> Callable:
    model = apps.get_model(label)
    cache: dict[tuple, int] = {}

    def decode(key):
        if key is None:
            return None
        k = tuple(key)
        if k not in cache:
            try:
                cache[k] = model._default_manager.get_by_natural_key(*k).pk
            except model.DoesNotExist:
                raise InputError(f"the backup refers to {model._meta.verbose_name} {'.'.join(map(str, k))}, "
                                 "which this Vigil does not have") from None
        return cache[k]
    return decode


def _json_line(obj) -> bytes:
    return (json.dumps(obj, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")


# Migrations ------------------------------------------------------------------------------------------------------
def newest_migrations() -> dict[str, str]:
    """{app: its newest applied migration}: the applied migration with no applied successor in the same app."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    newest: dict[str, str] = {}
    for app_label, name in sorted(applied):
        key = (app_label, name)
        if key in loader.graph.nodes:
            children = loader.graph.node_map[key].children
            if any(c[0] == app_label and c in applied for c in children):
                continue
        if app_label not in newest or name > newest[app_label]:
            newest[app_label] = name
    return newest


def database_name() -> str:
    return str(settings.DATABASES["default"]["NAME"])


def counts() -> dict[str, int]:
    return {m._meta.label: m._base_manager.using("default").all().count() for m in backed_up_models()}


def _plural(model) -> str:
    """The model's plural in English (Django's default only adds an 's': 'addresss', 'access log entrys')."""
    name, plural = str(model._meta.verbose_name), str(model._meta.verbose_name_plural)
    if plural != name + "s":
        return plural
    if name.endswith("person"):
        return name[:-6] + "people"
    if name.endswith("y") and name[-2:-1] not in "aeiou":
        return name[:-1] + "ies"
    if name.endswith(("s", "x", "ch", "sh")):
        return name + "es"
    return plural


def _describe(model_counts: dict[str, int], limit: int = 3) -> str:
    shown = sorted(((n, label) for label, n in model_counts.items() if n), reverse=True)[:limit]
    parts = [f"{n:,} {_plural(apps.get_model(label))}" for n, label in shown]
    more = sum(1 for n in model_counts.values() if n) - len(shown)
    return ", ".join(parts) + (f" and {more} more table(s)" if more > 0 else "")


# Backup ----------------------------------------------------------------------------------------------------------
@dataclass
class BackupResult:
    path: Path
    tables: dict[str, int]
    rows: int
    sha256: str
    checkpoint: int | None
    size: int


def _file_path(name: str | os.PathLike) -> Path:
    """A path that names a file, or InputError with one line (empty, a folder's name, too long)."""
    text = os.fspath(name)
    path = Path(text)
    if not str(text).strip() or path.name in ("", ".", ".."):
        raise InputError(f"{str(text)!r} does not name a file")
    try:
        path.exists()
    except OSError as exc:
        raise InputError(f"{str(text)[:80]!r}…: {exc.strerror}") from None
    return path


def backup(out: str | os.PathLike, progress: Progress | None = None) -> BackupResult:
    """Write the whole database to ``out`` (gzip'd JSON lines). Refuses an existing file.

    The disclosure is logged first, in its own transaction: the backup then holds its own entry (a restored log
    shows the backup was taken), and the log is not locked against everyone else while the rows are read. The
    rows are read in one snapshot; the access log's head in that snapshot is checkpointed to the witness, so the
    restored log ends exactly at a checkpoint.
    """
    path = _file_path(out)
    partial = path.with_name(path.name + ".partial")
    if path.exists():
        raise InputError(f"{path} already exists: a backup never overwrites a file (choose a new name)")
    if not path.parent.is_dir():
        raise InputError(f"{path.parent} is not a folder that exists")
    if not os.access(path.parent, os.W_OK):
        raise InputError(f"{path.parent} cannot be written")
    model_list = backed_up_models()
    before = counts()
    access_log.record(actor="system:backup", operation="disclosure", record_type="database",
                      record_ids=[database_name()], justification="backup of the whole database",
                      recipients=[str(path.resolve())],
                      detail=f"{sum(before.values()):,} rows in {len(before)} tables before the entry: "
                             + ", ".join(f"{label} {n}" for label, n in before.items() if n))
    hasher = hashlib.sha256()
    own_transaction = not connection.in_atomic_block  # inside a caller's transaction, read in that one
    try:
        with transaction.atomic(), gzip.open(partial, "wb", compresslevel=COMPRESSLEVEL) as gz:
            if connection.vendor == "postgresql" and own_transaction:
                with connection.cursor() as cur:
                    cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            tables = {m._meta.label: m._base_manager.all().count() for m in model_list}
            head = access_log.AccessLogEntry.objects.order_by("-id").values("id", "entry_hash").first()
            mark = None
            if head:
                mark = log_anchor.write_checkpoint(head["id"], head["entry_hash"],
                                                   clock.now().astimezone(dt.UTC).isoformat(timespec="seconds"))
            header = {"format": FORMAT, "created_at": clock.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
                      "engine": connection.vendor, "database": database_name(),
                      "migrations": newest_migrations(), "tables": tables,
                      "access_log": {"last_id": head["id"] if head else None,
                                     "head": head["entry_hash"] if head else None,
                                     "checkpoint": mark.number if mark and mark.number else None}}

            def write(line: bytes) -> None:
                hasher.update(line)
                gz.write(line)

            write(_json_line(header))
            total, done = sum(tables.values()), 0
            for m in model_list:
                label, cols = m._meta.label, columns(m)
                write(_json_line({"table": label, "columns": cols, "rows": tables[label]}))
                encoders = _encoders(m)
                n = 0
                qs = m._base_manager.all().order_by("pk").values_list(*cols)
                for row in qs.iterator(chunk_size=BATCH):
                    if encoders:
                        row = list(row)
                        for i, enc in encoders:
                            row[i] = enc(row[i])
                    write(_json_line(row))
                    n += 1
                    if progress and n % BATCH == 0:
                        progress("backup", done + n, total)
                if n != tables[label]:  # cannot happen in a snapshot; never write a file that lies about itself
                    raise RuntimeError(f"{label}: counted {tables[label]} rows but read {n}")
                done += n
                if progress:
                    progress("backup", done, total)
            digest = hasher.hexdigest()
            gz.write(_json_line({"sha256": digest, "rows": total}))
        with open(partial, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupResult(path, tables, total, digest, header["access_log"]["checkpoint"], path.stat().st_size)


# Reading a backup ------------------------------------------------------------------------------------------------
@dataclass
class Checked:
    header: dict
    rows: int
    sha256: str
    tables: list[dict] = field(default_factory=list)  # the table lines, in order


def _lines(path: Path, progress: Progress | None = None, phase: str = "check") -> Iterator[bytes]:
    """The file's uncompressed lines; a file that is not gzip, or cut short, is one clear InputError."""
    size = path.stat().st_size
    try:
        with open(path, "rb") as raw, gzip.GzipFile(fileobj=raw, mode="rb") as gz:
            for n, line in enumerate(gz, 1):
                if progress and n % 20000 == 0:
                    progress(phase, raw.tell(), size)
                yield line
            if progress:
                progress(phase, size, size)
    except EOFError:
        raise InputError(f"{path} is cut short (the file is truncated): not a complete backup") from None
    except (OSError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        if "Not a gzipped file" in str(exc):
            raise InputError(f"{path} is not a Vigil backup (not a gzip file)") from None
        raise InputError(f"{path} is damaged ({str(exc).splitlines()[0]}): the file was changed or corrupted "
                         "after it was written") from None


def _parse(line: bytes, path: Path, what: str):
    try:
        return json.loads(line)
    except ValueError:
        raise InputError(f"{path}: {what} is not JSON: the file is damaged or not a Vigil backup") from None


def _header(path: Path, first: bytes | None) -> dict:
    if first is None:
        raise InputError(f"{path} is empty: not a Vigil backup")
    header = _parse(first, path, "the first line")
    fmt = header.get("format") if isinstance(header, dict) else None
    if not isinstance(fmt, str) or not fmt.startswith(FORMAT_PREFIX):
        raise InputError(f"{path} is not a Vigil backup (its first line has no 'format': {FORMAT!r})")
    if fmt != FORMAT:
        raise InputError(f"{path} is format {fmt!r}; this Vigil reads {FORMAT!r} only")
    for key in ("migrations", "tables"):
        if not isinstance(header.get(key), dict):
            raise InputError(f"{path}: the header has no {key!r}: the file is damaged")
    return header


def read_header(path: str | os.PathLike) -> dict:
    """The header alone (a quick look before the whole file is checked)."""
    path = _file_path(path)
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file")
    if not os.access(path, os.R_OK):
        raise InputError(f"{path} cannot be read (permission denied)")
    lines = _lines(path)
    try:
        return _header(path, next(lines, None))
    finally:
        lines.close()


def check(path: str | os.PathLike, progress: Progress | None = None) -> Checked:
    """Read the whole file once: format version, structure, row counts and checksum. Writes nothing."""
    path = Path(path)
    read_header(path)
    lines = _lines(path, progress)
    first = next(lines, None)
    header = _header(path, first)
    hasher = hashlib.sha256()
    hasher.update(first)
    checked = Checked(header, 0, "")
    pending: bytes | None = None
    expect = 0  # row lines still expected for the current table
    rows = 0
    for line in lines:
        if pending is not None:
            hasher.update(pending)
            if expect:
                if not pending.startswith(b"["):
                    raise InputError(f"{path}: table {checked.tables[-1]['table']} has fewer rows than its "
                                     "table line says: the file is damaged")
                expect -= 1
                rows += 1
            else:
                t = _parse(pending, path, "a table line")
                if not isinstance(t, dict) or "table" not in t or not isinstance(t.get("rows"), int):
                    raise InputError(f"{path}: a line where a table should start is not a table line: the file "
                                     "is damaged")
                checked.tables.append(t)
                expect = t["rows"]
        pending = line
    if pending is None:
        raise InputError(f"{path} has a header and nothing else: the file is truncated")
    trailer = _parse(pending, path, "the last line") if pending.startswith(b"{") else None
    if not isinstance(trailer, dict) or "sha256" not in trailer:
        raise InputError(f"{path} has no trailer (checksum line): the file is truncated")
    if trailer["sha256"] != hasher.hexdigest():
        raise InputError(f"{path}: the checksum does not match: the file was changed or damaged after it was "
                         "written")
    if expect:
        raise InputError(f"{path}: table {checked.tables[-1]['table']} is missing rows: the file is damaged")
    if trailer.get("rows") != rows or sum(header["tables"].values()) != rows:
        raise InputError(f"{path}: the trailer counts {trailer.get('rows')} rows but the file holds {rows}")
    if {t["table"]: t["rows"] for t in checked.tables} != header["tables"]:
        raise InputError(f"{path}: the header's row counts do not match the tables in the file")
    checked.rows, checked.sha256 = rows, trailer["sha256"]
    return checked


def check_schema(checked: Checked) -> None:
    """Refuse a backup from a newer schema (or another application), or one whose tables' columns differ."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    here = newest_migrations()
    for app_label, name in sorted(checked.header["migrations"].items()):
        if (app_label, name) not in loader.graph.nodes:
            raise InputError(f"the backup is from a newer schema: it has migration {app_label}.{name}, which this "
                             "Vigil does not have (upgrade Vigil, then restore)")
    older = [f"{a}.{checked.header['migrations'].get(a, '(none)')}" for a in sorted(here)
             if checked.header["migrations"].get(a) != here[a]]
    known = {m._meta.label: m for m in backed_up_models()}
    for t in checked.tables:
        model = known.get(t["table"])
        if model is None:
            raise InputError(f"the backup has a table {t['table']} that this Vigil does not have")
        if list(t.get("columns") or []) != columns(model):
            why = f" (it is from an older schema: {', '.join(older[:3])})" if older else ""
            raise InputError(f"the backup's table {t['table']} has different columns from this Vigil's{why}: "
                             "restore it with the Vigil version that made it, then upgrade")


def check_empty() -> None:
    present = {label: n for label, n in counts().items() if n}
    if present:
        raise InputError(f"the database is not empty ({_describe(present)}): restore needs an empty database")


def _key_problem(row: dict) -> str:
    """Why this installation's key cannot verify this access-log entry, or '' when it can."""
    ring = log_anchor.keyring()
    key = ring.key(row["key_id"])
    if key is None:
        return (f"the backup's access log is signed with key {row['key_id']!r}, which "
                f"{ring.source} does not hold")
    if access_log.entry_hash(row["prev_hash"], access_log._fields(row), key) != row["entry_hash"]:
        return (f"the key {row['key_id']!r} in {ring.source} is not the key that signed the backup's access log "
                f"(entry {row['id']})")
    return ""


def _key_available() -> bool:
    return bool(getattr(settings, "VIGIL_AUDIT_KEY", "")) or log_anchor.key_file().exists()


# Restore ---------------------------------------------------------------------------------------------------------
@dataclass
class RestoreResult:
    header: dict
    rows: int
    tables: dict[str, int]


def restore(path: str | os.PathLike, progress: Progress | None = None) -> RestoreResult:
    """Load a backup into an empty database: everything or nothing. Checks first, writes after."""
    path = Path(path)
    read_header(path)  # a missing or foreign file is named before the database is
    check_empty()
    checked = check(path, progress)
    check_schema(checked)
    if checked.header["tables"].get(ACCESS_LOG) and not _key_available():
        raise InputError(f"there is no access-log key ({log_anchor.key_file()} does not exist and VIGIL_AUDIT_KEY "
                         "is unset): restore needs the key that signed the backup's log, kept apart from backups")
    known = {m._meta.label: m for m in backed_up_models()}
    loaded: dict[str, int] = {}
    try:
        with transaction.atomic():
            lines = _lines(path)
            next(lines)  # the header, checked above
            done = 0
            for t in checked.tables:
                next(lines)  # the table line, checked above
                model = known[t["table"]]
                n = _load_table(model, t, lines, progress, done, checked.rows)
                loaded[t["table"]] = n
                done += n
            _reset_sequences([known[t["table"]] for t in checked.tables])
            access_log.record(actor="system:restore", operation="collection", record_type="database",
                              record_ids=[database_name()], justification="restore of the whole database from a "
                              "backup", detail=f"from {path.resolve()} (made {checked.header.get('created_at')} on "
                              f"{checked.header.get('engine')}, sha256 {checked.sha256}): {checked.rows:,} rows "
                              f"in {len(checked.tables)} tables")
    except IntegrityError as exc:
        raise InputError(f"the backup's rows do not fit together ({str(exc).splitlines()[0]}): nothing was "
                         "restored") from None
    except DatabaseError as exc:
        raise InputError(f"the database refused a row from the backup ({str(exc).splitlines()[0]}): nothing "
                         "was restored") from None
    analyze_tables()
    return RestoreResult(checked.header, checked.rows, loaded)


def _load_table(model, t: dict, lines: Iterator[bytes], progress, done: int, total: int) -> int:
    cols = t["columns"]
    fields = [_field_for(model, c) for c in cols]
    decoders = _decoders(model)
    is_log = model._meta.label == ACCESS_LOG
    key_ids_seen: set[str] = set()
    batch: list[list] = []
    n = 0
    for _ in range(t["rows"]):
        row = json.loads(next(lines))
        if len(row) != len(cols):
            raise InputError(f"a row of {model._meta.label} has {len(row)} values for {len(cols)} columns: the file "
                             "is damaged")
        for i, dec in decoders:
            row[i] = dec(row[i])
        if is_log:
            entry = dict(zip(cols, row, strict=True))
            if entry.get("key_id") and entry["key_id"] not in key_ids_seen:
                key_ids_seen.add(entry["key_id"])
                problem = _key_problem(entry)
                if problem:
                    raise InputError(problem + ": restore needs the key that signed it (nothing was restored)")
        batch.append(row)
        n += 1
        if len(batch) >= BATCH:
            _insert(model, cols, fields, batch)
            batch = []
            if progress:
                progress("restore", done + n, total)
    if batch:
        _insert(model, cols, fields, batch)
    if progress:
        progress("restore", done + n, total)
    return n


def _field_for(model, attname: str):
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return f
    raise InputError(f"{model._meta.label} has no column {attname}")


_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.FloatField)


def _needs_prep(f) -> bool:
    """False for the columns whose JSON value is already what the database driver takes (text, whole numbers,
    booleans, floats, and references to integer keys): preparing those through Django is most of a restore's time."""
    if f.is_relation:
        return not isinstance(f.target_field, models.IntegerField) or _natural_target(f) is not None
    return not isinstance(f, _PLAIN)


def _insert(model, cols: list[str], fields: list, rows: list[list]) -> None:
    """Plain INSERTs (never Model.save(): it would try UPDATE first, and auto_now fields would be overwritten)."""
    prep = [(i, f) for i, f in enumerate(fields) if _needs_prep(f)]
    prepared = rows
    if prep:
        for row in rows:
            for i, f in prep:
                row[i] = f.get_db_prep_save(row[i], connection)
    write_rows(model, fields, prepared)


def _reset_sequences(model_list) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    if statements:
        with connection.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
