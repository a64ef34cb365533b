"""Reading and writing many rows fast: a queryset's own SQL run plainly, converting only the columns that need it,
and ``insert`` for thousands of new rows at once (the sweep's alerts, a linkage run's pairs, the access log).

Django passes every value of every row through its field's converters (parse, make aware): seconds at national
scale (80,000 subjects, 1.6 million visits). The sweep's set-based reads go through ``plain_rows``; pages use the
ORM as usual. SQLite returns dates and times from plain SQL as text (or naive, where the driver converts a column
itself), PostgreSQL as dates and aware times.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import pickle
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import DateField, DateTimeField, JSONField, Model, QuerySet, TimeField

from vigil.core import reader as reader_process


def as_dates(rows: Iterable[tuple], dates: tuple[int, ...] = (1,), datetimes: tuple[int, ...] = ()) -> Iterator[tuple]:
    """Rows with the given columns as dates (and ``datetimes`` as aware UTC datetimes) on SQLite; as they are on
    PostgreSQL."""
    if connection.vendor != "sqlite" or not (dates or datetimes):
        yield from (tuple(r) for r in rows)
        return
    utc = dt.UTC
    for row in rows:
        row = list(row)
        for c in dates:
            if isinstance(row[c], str):
                row[c] = dt.date.fromisoformat(row[c][:10])
        for c in datetimes:  # text, or naive (a column the driver converts itself): stored in UTC
            value = row[c]
            if isinstance(value, str):
                value = dt.datetime.fromisoformat(value)
            if value is not None and value.tzinfo is None:
                row[c] = value.replace(tzinfo=utc)
        yield tuple(row)


def read_sqlite_dates_once() -> None:
    """SQLite's driver hands each value of a date column to the converter Django registers, which parses the text:
    375,000 times in a national sweep, over a few thousand distinct days. The same converter, remembered per
    distinct value (dates are immutable, so one object can stand for them all). Called once, when Vigil starts."""
    import functools
    import sqlite3

    from django.db.backends.sqlite3 import base  # noqa: F401 - Django registers its converters first
    from django.utils.dateparse import parse_date

    @functools.lru_cache(maxsize=65536)
    def date(raw: bytes) -> dt.date | None:
        return parse_date(raw.decode())

    sqlite3.register_converter("date", date)


def plain_rows(qs: QuerySet, dates: tuple[int, ...] = (), datetimes: tuple[int, ...] = ()) -> list[tuple]:
    """A ``values_list`` queryset's rows, read as plain SQL (positions of date and datetime columns given)."""
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # filtered on an empty list: nothing to read
        return []
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            _native_times(cur.cursor)
        cur.execute(sql, params)
        return list(as_dates(cur.fetchall(), dates, datetimes))


def _native_times(cursor) -> None:
    """This cursor reads timestamptz with psycopg's own loader (compiled), not the one Django registers on the
    connection (Python: a regular expression per value, ten times slower; 0.8 s of a national sweep's 200,000
    episode times). The same instants either way: Django keeps the session's time zone UTC, and psycopg's loader
    answers in it."""
    import psycopg
    from psycopg.pq import Format

    if connection.timezone_name != "UTC":
        return
    oid = psycopg.postgres.types["timestamptz"].oid
    cursor.adapters.register_loader(oid, psycopg.postgres.adapters.get_loader(oid, Format.TEXT))


def insert(model, rows: Iterable[Mapping[str, Any] | Model | tuple], *, columns: Sequence[str] | None = None,
           chunk: int = 50000, advance=None) -> int:
    """Write many new rows fast: COPY on PostgreSQL, ``executemany`` on SQLite, in the caller's transaction.

    Each row is an unsaved instance of ``model``, a mapping of field attnames (``left_id``, not ``left``) to Python
    values, or, with ``columns`` (attnames), a tuple in their order; a field left out takes its default. Values are
    written as Django writes them (JSON as text, dates and times as ISO text on SQLite), without passing each through
    the ORM's compiler, which is most of ``bulk_create``'s time for thousands of rows. No signals, no ids returned:
    read them back where they are needed. ``advance(n)`` is told of each chunk written (a progress bar)."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    if columns is not None:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.attname in columns]
    elif isinstance(first, Model):
        fields = [f for f in model._meta.concrete_fields if not f.primary_key or getattr(first, f.attname) is not None]
    else:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.attname in first]
    # Each value as it comes, unless its field needs it prepared (``_writer``: JSON, SQLite's times): a list
    # comprehension with no call per plain value, as a national sweep's alerts and a linkage run's pairs are
    # thousands of rows of mostly plain values.
    prepare = [_writer(f) for f in fields]
    if columns is not None:
        at = {c: i for i, c in enumerate(columns)}
        defaults = [f.get_default() for f in fields]
        fixed = [d if p is None else p(d) for d, p in zip(defaults, prepare, strict=True)]
        spec = [(p, at.get(f.attname)) for f, p in zip(fields, prepare, strict=True)]

        def values(row):
            return tuple([fixed[n] if i is None else row[i] if p is None else p(row[i])
                          for n, (p, i) in enumerate(spec)])
    elif isinstance(first, Model):
        spec = [(p, f.attname) for f, p in zip(fields, prepare, strict=True)]

        def values(row):
            return tuple([getattr(row, a) if p is None else p(getattr(row, a)) for p, a in spec])
    else:
        spec = [(p, f.attname, f.get_default()) for f, p in zip(fields, prepare, strict=True)]

        def values(row):
            return tuple([row.get(a, d) if p is None else p(row.get(a, d)) for p, a, d in spec])
    written, batch = 0, [values(first)]
    for row in rows:
        batch.append(values(row))
        if len(batch) >= chunk:
            written += write(model, fields, batch, advance)
            batch = []
    return written + (write(model, fields, batch, advance) if batch else 0)


def write(model, fields: Sequence, batch: Sequence[Sequence], advance=None) -> int:
    """Write rows already prepared for the database (one value per field, in order): COPY on PostgreSQL,
    ``executemany`` on SQLite. ``insert`` prepares them from Python values; a restore from a backup's."""
    if not batch:
        return 0
    q = connection.ops.quote_name
    table, names = q(model._meta.db_table), ", ".join(q(f.column) for f in fields)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)  # noqa: S608 - model names
    if advance:
        advance(len(batch))
    return len(batch)


LISTED = 900  # up to this many keys go in an IN (...) list; a sweep's thousands are joined or read whole instead


def chunks(ids: Sequence) -> Iterator[Sequence]:
    """Ids in chunks small enough for an ``IN (...)`` list: 900 on SQLite (its limit on parameters), 20,000 on
    PostgreSQL (one statement where SQLite needs twenty)."""
    size = LISTED if connection.vendor == "sqlite" else 20_000
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


@contextlib.contextmanager
def cycles_collected_after():
    """Python's cycle collector paused while a bulk job builds and judges its facts, and resumed after. The daily
    sweep makes millions of short-lived tuples and dicts, none in a cycle worth collecting midway; left on, the
    collector walks every object still held (the facts of 80,000 subjects) again and again: half a second of a
    national sweep of five on SQLite. What the job left in cycles is collected afterwards, as usual."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def read_ahead(fn, *args, **kwargs) -> Future:
    """Start ``fn(*args, **kwargs)`` now and return a future for its answer, read with a database connection of its
    own while this process goes on with other work. A national sweep reads the offenders' facts this way (1.6
    million visits' aggregates) while it judges the missing children. ``fn`` is a module-level function or a
    classmethod; its arguments and answer are plain values (they may be pickled).

    - **PostgreSQL**: in a thread. The database reads in its own processes, on another core; the thread mostly waits.
    - **SQLite**: in another process (``python -m vigil.core.reader``). SQLite reads inside the process that asks,
      so reading 80,000 subjects' facts is Python's work as much as the database's, and threads share one
      interpreter lock. A new program (Python and Django start afresh, in parallel), not a fork: it inherits no
      connection, lock or thread of this one. Measured at national scale, each was the faster on its engine.
      ``vigil sweep`` starts that program as it starts itself (``reader.start_early``), so both set up at once.

    Only for records already committed that the caller's transaction will not change: the other connection cannot
    see the caller's uncommitted writes (it reads as any other reader does). The caller decides;
    ``read_ahead_allowed`` says when it may."""
    if connection.vendor == "postgresql":
        return _on_a_thread(lambda: _in_thread(fn, args, kwargs))
    return _on_a_thread(_in_process(fn, args, kwargs))  # the thread only waits for the other process's answer


def elsewhere_helps() -> bool:
    """Would judging in another process (``judge_elsewhere``) shorten the sweep? On PostgreSQL, yes: the database
    reads ahead in its own processes and leaves a core to spare. On SQLite, no: its second core already reads ahead
    (the reader process of ``read_ahead``), and a third process would only take turns with the two. Measured at
    national scale (ADR 0026)."""
    return connection.vendor == "postgresql"


def judge_elsewhere(fn, *args, **kwargs) -> Future:
    """Start ``fn(*args, **kwargs)``, mostly Python (judging thousands of records), in another process (the one
    ``vigil sweep`` started early, if it is waiting) and return a future for its answer. As ``read_ahead``: only
    for committed records the caller's transaction will not change, with plain arguments and answer."""
    return _on_a_thread(_in_process(fn, args, kwargs))


def _on_a_thread(job) -> Future:
    """``job()`` run on a thread of its own, its answer (or exception) a future."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vigil-elsewhere")
    try:
        return pool.submit(job)
    finally:
        pool.shutdown(wait=False)


def _in_thread(fn, args, kwargs):
    try:
        return fn(*args, **kwargs)
    finally:
        connections.close_all()  # this thread's connections only (they are per thread)


def _in_process(fn, args, kwargs):
    db = {key: connection.settings_dict[key] for key in ("NAME", "USER", "HOST", "PORT")}
    request = pickle.dumps((db, fn, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
    reader = reader_process.take()  # started early by the command (``vigil sweep``), or now

    def answer():
        out, err = reader.communicate(request)
        if reader.returncode != 0 or not out:
            last = err.decode(errors="replace").strip().splitlines()[-1:] or ["no answer"]
            raise RuntimeError(f"the sweep's other process (vigil.core.reader) failed (exit {reader.returncode}): "
                               f"{last[0]}")
        ok, value = pickle.loads(out)  # noqa: S301 - our own reader's answer, over a pipe we opened
        if not ok:
            raise value
        return value

    return answer


def read_ahead_allowed() -> bool:
    """Reads may go ahead on another connection only when this one has no transaction open yet: then everything it
    could read is committed (inside a caller's transaction, or a test's, the other connection would not see what
    that transaction has written), and not on an SQLite database in memory (the tests'), which no other process
    can open. A file in WAL mode gives that reader a snapshot while this process writes."""
    return not connection.in_atomic_block and not (connection.vendor == "sqlite" and connection.is_in_memory_db())


BULK_ROWS = 10_000  # a load this large changes what the planner should know of the tables


def analyze() -> None:
    """After a bulk load (``vigil generate``, ``vigil restore``, a large import): PostgreSQL's planner statistics
    brought up to date at once, not whenever autovacuum gets to them. Without them a London data set just loaded was
    planned as if nearly empty: the crime queue read all 800,000 crimes on every home page (116 ms; 20 ms after).
    SQLite plans without statistics, as it always has here: nothing to do."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")


def set_values(model, attname: str, values: Mapping[Any, Any]) -> int:
    """Set one column of many rows, each to its own value (``{pk: value}``): one statement for all of them (over
    two arrays on PostgreSQL, ``executemany`` on SQLite), not one ``UPDATE`` per distinct value."""
    if not values:
        return 0
    field = next(f for f in model._meta.concrete_fields if f.attname == attname)
    prepare = _writer(field) or (lambda v: v)
    q = connection.ops.quote_name
    table, column, pk = q(model._meta.db_table), q(field.column), q(model._meta.pk.column)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":  # one statement over two arrays
            types = model._meta.pk.rel_db_type(connection), field.db_type(connection)
            cur.execute(f"UPDATE {table} SET {column} = v.value FROM unnest(%s::{types[0]}[], %s::{types[1]}[]) "  # noqa: S608
                        f"AS v(pk, value) WHERE {table}.{pk} = v.pk", [list(values), [prepare(v) for v in values.values()]])
        else:
            cur.executemany(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",  # noqa: S608 - model names
                            [(prepare(v), k) for k, v in values.items()])
    return len(values)


def _writer(field):
    """How one field's Python value is written by ``insert`` (None: as it is)."""
    if isinstance(field, JSONField):
        encoder = field.encoder
        return lambda v: None if v is None else json.dumps(v, cls=encoder)
    if connection.vendor == "sqlite" and isinstance(field, DateTimeField):
        return lambda v: v if v is None or isinstance(v, str) else (
            v.astimezone(dt.UTC).replace(tzinfo=None) if v.tzinfo else v).isoformat(sep=" ")
    if connection.vendor == "sqlite" and isinstance(field, DateField | TimeField):
        return lambda v: v if v is None or isinstance(v, str) else v.isoformat()
    return None
