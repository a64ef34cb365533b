"""DATABASE_URL → Django DATABASES entry.

Only the two forms the interchange contract names are accepted: ``sqlite:///path`` and
``postgres://user@host:port/db`` (``postgresql://`` too). Anything else is refused at start-up with one line.
"""
from __future__ import annotations

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
            "CONN_MAX_AGE": 60,
            "OPTIONS": {"connect_timeout": 5},
        }
    raise DatabaseURLError(f"DATABASE_URL scheme {parsed.scheme!r} is not supported (use sqlite:/// or postgres://)")


def _sqlite(path: str) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # WAL lets the web server read while the sweep writes; a busy timeout instead of 'database is locked'.
        "OPTIONS": {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
    }
