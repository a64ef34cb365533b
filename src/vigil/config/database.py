"""DATABASE_URL → Django DATABASES entry.

Only the two forms the interchange contract names are accepted: ``sqlite:///path`` and
``postgres://user@host:port/db`` (``postgresql://`` too). Anything else is refused at start-up with one line.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse


class DatabaseURLError(ValueError):
    pass


def parse_database_url(url: str | None, default_sqlite: Path) -> dict:
    if not url:
        default_sqlite.parent.mkdir(parents=True, exist_ok=True)
        return _sqlite(str(default_sqlite))
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path
        path = url[len("sqlite:///"):]
        if not path:
            raise DatabaseURLError(f"DATABASE_URL {url!r} names no file")
        Path(path).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        return _sqlite(path)
    if parsed.scheme in ("postgres", "postgresql"):
        name = parsed.path.lstrip("/")
        if not name:
            raise DatabaseURLError(f"DATABASE_URL {url!r} names no database")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(name),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            # A pool per process (psycopg_pool, through Django): each request borrows a connection and gives it
            # back, so a threaded server never holds more than ``max_size`` and a burst waits instead of failing
            # with "too many clients" (bench/concurrency.py). Persistent connections (CONN_MAX_AGE) are off with it.
            "CONN_MAX_AGE": 0,
            # JIT off: Vigil's pages ask many short questions whose scope subqueries PostgreSQL costs high, so it
            # compiled each for most of a second (JIT 0.85 s around a 20 ms query at London scale). Long reports
            # lose nothing measurable without it.
            "OPTIONS": {"connect_timeout": 5, "options": "-c jit=off",
                        "pool": {"min_size": 1, "max_size": _pool_size(), "timeout": 20}},
        }
    raise DatabaseURLError(f"DATABASE_URL scheme {parsed.scheme!r} is not supported (use sqlite:/// or postgres://)")


def _pool_size() -> int:
    raw = os.environ.get("VIGIL_DB_POOL_SIZE", "10")
    if not raw.isdigit() or not 1 <= int(raw) <= 200:
        raise DatabaseURLError(f"VIGIL_DB_POOL_SIZE {raw[:20]!r} is not a whole number from 1 to 200")
    return int(raw)


def _sqlite(path: str) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # WAL lets readers read while one writer writes; a busy timeout waits for the writer instead of failing.
        # IMMEDIATE: a transaction takes the write lock when it begins, so it waits its turn (busy timeout) rather
        # than failing with 'database is locked' when a read inside it turns into a write (every page writes its
        # access-log entry). VIGIL_SQLITE_TRANSACTION_MODE exists for the concurrency benchmark's "before" only.
        "OPTIONS": {"timeout": 30, "transaction_mode": os.environ.get("VIGIL_SQLITE_TRANSACTION_MODE", "IMMEDIATE"),
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"},
    }
